"""The project's import graph, read from the code (``ast``; nothing is imported or run).

``python docs/import_graph.py`` rewrites the generated part of ``docs/architecture.md``:
the packages with what each owns (their docstrings' first sentence) and a Mermaid diagram of
which package imports which. ``tests/test_architecture.py`` checks the graph has no circle
and that the document is up to date.

Every ``import`` counts, typing-only ones (under ``if TYPE_CHECKING:``) included: a module
typed on another still depends on it. An import of a package's ``__init__`` (a re-export)
is an edge to that ``__init__``, so a re-export cannot hide a circle.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("model", "agents", "experiments", "viz", "benchmarks")
DOC = ROOT / "docs" / "architecture.md"
BEGIN, END = "<!-- generated: begin -->", "<!-- generated: end -->"


def module_name(path: Path) -> str:
    """Dotted name of a source file (a package's ``__init__.py`` is the package)."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def project_files() -> dict[str, Path]:
    """Every module of the project's packages, by dotted name."""
    return {module_name(f): f for pkg in PACKAGES if (ROOT / pkg).is_dir()
            for f in sorted((ROOT / pkg).rglob("*.py"))}


def imports_of(name: str, path: Path, files: dict[str, Path]) -> set[str]:
    """The project modules that module ``name`` imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            # a name that is a submodule is an edge to it; any other name is the package's
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in files else base
                       for a in node.names]
        for target in targets:
            while target and target not in files:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports."""
    files = project_files()
    return {name: imports_of(name, path, files) for name, path in files.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (each is an import circle)."""
    import networkx as nx

    g = nx.DiGraph([(a, b) for a, deps in graph.items() for b in deps])
    return [sorted(c) for c in nx.strongly_connected_components(g) if len(c) > 1]


def package_of(name: str) -> str:
    """The (sub)package a module belongs to, as drawn: ``model.demand``, ``viz``, ..."""
    parts = name.split(".")
    files = project_files()
    if len(parts) >= 2 and files.get(".".join(parts[:2]), Path()).name == "__init__.py":
        return ".".join(parts[:2])
    return parts[0]


def summary(name: str) -> str:
    """First sentence of a package's docstring."""
    files = project_files()
    doc = ast.get_docstring(ast.parse(files[name].read_text(encoding="utf-8"))) or ""
    first = " ".join(doc.split("\n\n")[0].split())
    return first.split(". ")[0].rstrip(".") + "."


def generated_section() -> str:
    """The packages table and the package-level import diagram, as Markdown."""
    graph = import_graph()
    files = project_files()
    packages = sorted({package_of(m) for m in graph})
    lines = ["| package | modules | what it owns |", "|---|---|---|"]
    for pkg in packages:
        count = sum(1 for m, f in files.items() if package_of(m) == pkg
                    and f.name != "__init__.py")
        owns = summary(pkg) if pkg in files else ""
        lines.append(f"| `{pkg}` | {count} | {owns} |")
    edges = sorted({(package_of(a), package_of(b)) for a, deps in graph.items() for b in deps
                    if package_of(a) != package_of(b)})
    lines += ["", "```mermaid", "flowchart TD"]
    lines += [f"    {a.replace('.', '_')}[{a}] --> {b.replace('.', '_')}[{b}]" for a, b in edges]
    lines += ["```"]
    return "\n".join(lines)


def render(document: str) -> str:
    """``document`` with its generated section replaced by the current one."""
    head, _, rest = document.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n{generated_section()}\n{END}{tail}"


if __name__ == "__main__":
    DOC.write_text(render(DOC.read_text(encoding="utf-8")), encoding="utf-8")
    found = circles(import_graph())
    if found:
        print("import circles:", found, file=sys.stderr)
        sys.exit(1)
