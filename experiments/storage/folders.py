"""Result folders belong to the project: claimed with a marker, cleared only of what it wrote.

``run`` and ``sweep`` write only into a folder that is absent, empty, or marked as a result folder
(the marker file is written when the folder is claimed). Files the commands write besides the run
store (reports, CSV tables, analyses) are recorded in the marker, one relative path a line, so a
fresh start removes exactly those, the run store's own files (``plan.json``, ``manifest.jsonl``,
``runs/<run_id>``, staging directories) and nothing a user placed there. Earlier results of a
different plan are never deleted: the command refuses, or on request moves them aside.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

MARKER = ".flywheel-results"
LOCK = ".lock"
STORE_FILES = ("plan.json", "manifest.jsonl")
RUN_DIR = re.compile(r"^p\d{6}-r\d{3}$")
STAGING_DIR = re.compile(r"^p\d{6}-r\d{3}\.\d+$")
#: What result folders made before the marker existed held; such a folder is adopted.
LEGACY_NAMES = {"runs", "tmp", "report", "analysis", LOCK, *STORE_FILES}


class StoreError(RuntimeError):
    """The output directory cannot be used for this command."""


def _header() -> str:
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    return json.dumps({"flywheel_results": 1, "created": stamp}) + "\n"


def _is_legacy(root: Path, names: set[str]) -> bool:
    extra = {n for n in names - LEGACY_NAMES if not n.endswith(".csv")}
    return not extra and set(STORE_FILES) <= names


def claimable(root: Path) -> bool:
    """Whether ``root`` may become (or already is) a result folder; refuse it otherwise.

    Returns True when it is already marked as one.
    """
    root = Path(root)
    for parent in [root, *root.parents]:
        if parent.exists() and not parent.is_dir():
            raise StoreError(f"--out {str(root)!r}: {str(parent)!r} is a file, not a folder; "
                             "give a folder path")
    if (root / MARKER).is_file():
        return True
    try:
        names = {p.name for p in root.iterdir()} if root.is_dir() else set()
    except OSError as exc:
        raise StoreError(f"--out {str(root)!r}: cannot be read ({exc.strerror or exc})") from exc
    if names - {LOCK} and not _is_legacy(root, names):
        shown = ", ".join(repr(n) for n in sorted(names)[:3])
        raise StoreError(f"--out {str(root)!r}: folder is not empty (holds {shown}) and was not "
                         "created by flywheel; choose a new or empty folder")
    return False


def claim(root: Path) -> None:
    """Make ``root`` a result folder, or refuse one that holds anything else."""
    if claimable(root):
        return
    try:
        root.mkdir(parents=True, exist_ok=True)
        (root / MARKER).write_text(_header())
    except OSError as exc:
        raise StoreError(f"--out {str(root)!r}: cannot create a result folder there "
                         f"({exc.strerror or exc})") from exc


def is_claimed(root: Path) -> bool:
    """Whether ``root`` carries the result-folder marker."""
    return (Path(root) / MARKER).is_file()


def record(root: Path, paths: Iterable[Path]) -> None:
    """Remember files written into a result folder (so a fresh start may remove them)."""
    root = Path(root)
    if not is_claimed(root):
        return
    lines = []
    for path in paths:
        try:
            lines.append(str(Path(path).resolve().relative_to(root.resolve())))
        except ValueError:  # written elsewhere (analyze --out): not this folder's
            continue
    if lines:
        with open(root / MARKER, "a") as fh:
            fh.write("".join(f"{line}\n" for line in lines))


def recorded(root: Path) -> list[str]:
    """Relative paths of the files recorded as written by the commands (no duplicates)."""
    path = Path(root) / MARKER
    if not path.is_file():
        return []
    lines = path.read_text().splitlines()[1:]
    return sorted({line for line in lines if line and ".." not in Path(line).parts})


def remove_staging(root: Path) -> None:
    """Delete staging directories left in ``tmp/`` by a killed driver (only the store's own)."""
    tmp = Path(root) / "tmp"
    if not tmp.is_dir():
        return
    for entry in tmp.iterdir():
        if entry.is_dir() and STAGING_DIR.match(entry.name):
            shutil.rmtree(entry)
    _prune(tmp)


def _prune(directory: Path) -> None:
    if directory.is_dir() and not any(directory.iterdir()):
        directory.rmdir()


def clear_own(root: Path) -> None:
    """Remove the results this folder's commands wrote, and nothing else."""
    root = Path(root)
    for rel in recorded(root):
        (root / rel).unlink(missing_ok=True)
    for name in STORE_FILES:
        (root / name).unlink(missing_ok=True)
    runs = root / "runs"
    if runs.is_dir():
        for entry in runs.iterdir():
            if entry.is_dir() and RUN_DIR.match(entry.name):
                shutil.rmtree(entry)
    remove_staging(root)
    for name in ("runs", "report", "analysis"):
        _prune(root / name)
    (root / MARKER).write_text(_header())


def set_aside(root: Path) -> Path:
    """Move everything in ``root`` (but its lock) to a new sibling folder; return that folder."""
    root = Path(root)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    aside = root.with_name(f"{root.name}.old-{stamp}")
    n = 1
    while aside.exists():
        n += 1
        aside = root.with_name(f"{root.name}.old-{stamp}-{n}")
    aside.mkdir()
    for entry in root.iterdir():
        if entry.name != LOCK:
            os.rename(entry, aside / entry.name)
    (root / MARKER).write_text(_header())
    return aside
