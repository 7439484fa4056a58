"""The house's promises, read from the code's own imports: no import circle anywhere
(typing-only imports and package re-exports included), no crowded folder, no long module,
agents that import no mechanism, no mechanism that imports the model class, and an
architecture page that shows the code as it is."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_MODULES_PER_FOLDER = 16
MAX_LINES = 500

_spec = importlib.util.spec_from_file_location("import_graph", ROOT / "docs" / "import_graph.py")
import_graph = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(import_graph)


def test_no_import_circles():
    assert import_graph.circles(import_graph.import_graph()) == []


def test_a_circle_is_found_when_there_is_one():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert import_graph.circles(graph) == [["a", "b", "c"]]


def test_no_folder_holds_more_than_sixteen_modules():
    folders: dict[Path, int] = {}
    for path in import_graph.project_files().values():
        if path.name != "__init__.py":
            folders[path.parent] = folders.get(path.parent, 0) + 1
    crowded = {str(f.relative_to(ROOT)): n for f, n in folders.items()
               if n > MAX_MODULES_PER_FOLDER}
    assert crowded == {}


def test_no_module_is_longer_than_five_hundred_lines():
    long = {str(p.relative_to(ROOT)): n for p in import_graph.project_files().values()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_agents_import_no_mechanism():
    graph = import_graph.import_graph()
    allowed = ("model.agents", "model.config")
    reached = {m: sorted(d for d in deps if not d.startswith(allowed))
               for m, deps in graph.items() if m.startswith("model.agents")}
    assert {m: d for m, d in reached.items() if d} == {}


def test_nothing_in_the_model_imports_the_model_class():
    graph = import_graph.import_graph()
    importers = sorted(m for m, deps in graph.items()
                       if {"model.market.market_model", "model.market"} & deps
                       and m.startswith("model.") and not m.startswith("model.market"))
    assert importers == []


def test_architecture_page_is_up_to_date():
    document = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert document == import_graph.render(document), (
        "docs/architecture.md is stale: regenerate with python docs/import_graph.py")
