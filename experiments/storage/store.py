"""On-disk results: one Parquet file per run and table, a manifest, resumable.

Layout of an output directory::

    plan.json                    the planned runs (fingerprint, design points, seeds)
    manifest.jsonl               one JSON record per finished run (done or failed), append-only
    runs/<run_id>/<table>.parquet   zstd Parquet, one file per output table of the run
    tmp/                         staging area; a run directory is renamed into runs/ atomically

A run counts as done when its manifest record says so and its directory exists. Its directory is
renamed into place *before* the record is appended, so a kill at any moment leaves either a
complete run or one that is simply redone (its directory replaced, never duplicated). Only the
driver process writes, under an exclusive lock on ``.lock`` (``filelock``: Linux, macOS and
Windows).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from filelock import FileLock, Timeout

from experiments.storage.folders import StoreError, claim, clear_own, remove_staging, set_aside

MANIFEST = "manifest.jsonl"
PLAN = "plan.json"

__all__ = ["MANIFEST", "PLAN", "RunStore", "StoreError", "connect", "latest_records",
           "load_manifest", "read_table"]


def atomic_write_text(path: Path, text: str) -> None:
    """Write a file via a temporary name and an atomic rename."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def read_manifest_records(root: str | Path, problems: list[str] | None = None
                          ) -> list[dict[str, Any]]:
    """All parseable manifest records in order.

    A torn final line from a kill is ignored; any other line that is not a run's record is
    skipped and, if ``problems`` is given, reported there with its line number.
    """
    path = Path(root) / MANIFEST
    if not path.exists():
        return []
    records = []
    data = path.read_bytes().decode("utf-8", errors="replace")
    lines = data.split("\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            if problems is not None and number < len(lines):  # the torn tail is no news
                problems.append(f"{path} line {number}: not a valid record ({exc.msg}); "
                                "skipped")
            continue
        if not isinstance(record, dict) or not isinstance(record.get("run_id"), str):
            if problems is not None:
                problems.append(f"{path} line {number}: no run_id; skipped")
            continue
        records.append(record)
    return records


def intact(run_dir: Path, rows: dict[str, Any] | None) -> bool:
    """Whether every table a run recorded opens as Parquet with the recorded number of rows."""
    if not run_dir.is_dir():
        return False
    for table, n in (rows or {}).items():
        try:
            if pq.ParquetFile(run_dir / f"{table}.parquet").metadata.num_rows != n:
                return False
        except (OSError, ValueError, pa.ArrowException):
            return False
    return True


def latest_records(root: str | Path) -> dict[str, dict[str, Any]]:
    """The last record of each run id."""
    return {r["run_id"]: r for r in read_manifest_records(root)}


def load_manifest(root: str | Path) -> pd.DataFrame:
    """Manifest as a table (last record per run), parameters and metrics flattened to columns."""
    recs = list(latest_records(root).values())
    if not recs:
        return pd.DataFrame(columns=["run_id", "status"])
    df = pd.json_normalize(recs, sep=".")
    return df.sort_values("run_id").reset_index(drop=True)


class RunStore:
    """Writer for one output directory (use as a context manager)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.runs = self.root / "runs"
        self.tmp = self.root / "tmp"
        self._lock: FileLock | None = None
        self._manifest_fd: int | None = None
        self.problems: list[str] = []  # garbled manifest lines, damaged runs (to report)

    def __enter__(self) -> RunStore:
        claim(self.root)
        lock = FileLock(self.root / ".lock")
        try:
            lock.acquire(timeout=0)
        except Timeout as exc:
            raise StoreError(f"--out {str(self.root)!r}: in use by another running command "
                             "(run or sweep); wait for it to finish") from exc
        self._lock = lock
        return self

    def __exit__(self, *exc: object) -> None:
        if self.tmp.is_dir() and not any(self.tmp.iterdir()):
            self.tmp.rmdir()
        if self._manifest_fd is not None:
            os.close(self._manifest_fd)
            self._manifest_fd = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def prepare(self, plan_json: dict[str, Any], fresh: bool = False,
                aside: bool = False) -> Path | None:
        """Check the directory holds this same plan (or nothing), repair the manifest tail.

        ``fresh`` forgets this plan's earlier results (only files the commands wrote). Results
        of a different plan are refused, or with ``aside`` moved to a sibling folder, whose
        path is returned.
        """
        plan_path = self.root / PLAN
        moved = None
        if plan_path.exists():
            old = _read_plan(plan_path)
            old_fingerprint = "unreadable" if old is None else str(old.get("fingerprint"))
            if old is None and not aside:
                raise StoreError(f"--out {str(self.root)!r}: {PLAN} cannot be read, so these "
                                 "results cannot be resumed; use another --out folder, or "
                                 "--set-aside to move them to a new folder")
            if old_fingerprint != plan_json["fingerprint"]:
                if not aside:
                    old_file = (old or {}).get("provenance", {}).get("scenario_sha256")
                    new_file = plan_json.get("provenance", {}).get("scenario_sha256")
                    why = ("; the scenario file has changed since they were made"
                           if old_file and new_file and old_file != new_file else "")
                    raise StoreError(
                        f"--out {str(self.root)!r}: holds results of a different run or sweep"
                        f"{why} (plan {old_fingerprint} vs {plan_json['fingerprint']}); use "
                        "another --out folder, or --set-aside to move the old results to a new "
                        "folder")
                moved = set_aside(self.root)
        if fresh and moved is None:
            clear_own(self.root)
        atomic_write_text(plan_path, json.dumps(plan_json, indent=1, default=str))
        remove_staging(self.root)
        self.tmp.mkdir(parents=True, exist_ok=True)
        self.runs.mkdir(exist_ok=True)
        manifest = self.root / MANIFEST
        if manifest.exists():
            data = manifest.read_bytes()
            if data and not data.endswith(b"\n"):  # torn write from a kill: drop the partial line
                with open(manifest, "r+b") as fh:
                    fh.truncate(data.rfind(b"\n") + 1)
        self._manifest_fd = os.open(manifest, os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o644)
        return moved

    def done_ids(self) -> set[str]:
        """Run ids whose record says done and whose Parquet files open with the recorded rows
        (a damaged run is not counted: it is redone)."""
        problems: list[str] = []
        records = {r["run_id"]: r for r in read_manifest_records(self.root, problems)}
        done = set()
        for rid, r in records.items():
            if r.get("status") != "done":
                continue
            if intact(self.runs / rid, r.get("rows")):
                done.add(rid)
            elif (self.runs / rid).is_dir():
                problems.append(f"run {rid}: its Parquet files cannot be read; it is redone")
        self.problems = problems
        return done

    def failed_ids(self) -> set[str]:
        """Run ids whose latest record is a failure."""
        return {rid for rid, r in latest_records(self.root).items() if r.get("status") == "failed"}

    def _append(self, record: dict[str, Any]) -> None:
        assert self._manifest_fd is not None, "prepare() first"
        line = (json.dumps(record, default=str) + "\n").encode()
        os.write(self._manifest_fd, line)

    def commit(self, record: dict[str, Any], tables: dict[str, bytes],
               files: dict[str, bytes] | None = None) -> None:
        """Store a finished run: stage its files (tables as Parquet, other ``files`` such as
        the resolved ``config.toml`` by name), rename the directory into place, record it."""
        rid = record["run_id"]
        if record["status"] == "done":
            stage = self.tmp / f"{rid}.{os.getpid()}"
            stage.mkdir()
            for name, blob in tables.items():
                (stage / f"{name}.parquet").write_bytes(blob)
            for name, blob in (files or {}).items():
                (stage / name).write_bytes(blob)
            final = self.runs / rid
            if final.exists():  # left by a kill between rename and record: replace it
                shutil.rmtree(final)
            os.rename(stage, final)
        self._append(record)


def _read_plan(path: Path) -> dict[str, Any] | None:
    """The stored plan, or None when it cannot be read."""
    try:
        plan = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    return plan if isinstance(plan, dict) else None


def table_files(root: str | Path, table: str, run_ids: list[str] | None = None) -> list[str]:
    """Parquet files of one table for the done runs (or the given run ids)."""
    root = Path(root)
    if run_ids is None:
        run_ids = sorted(rid for rid, r in latest_records(root).items()
                         if r.get("status") == "done")
    return [str(p) for rid in run_ids if (p := root / "runs" / rid / f"{table}.parquet").exists()]


def read_table(root: str | Path, table: str, sql_where: str | None = None) -> pd.DataFrame:
    """Read one output table across all done runs with DuckDB (empty frame when none)."""
    files = table_files(root, table)
    if not files:
        return pd.DataFrame()
    query = "SELECT * FROM read_parquet(?, union_by_name = true)"
    if sql_where:
        query += f" WHERE {sql_where}"
    with duckdb.connect() as con:
        return con.execute(query + " ORDER BY run_id", [files]).df()


def connect(root: str | Path) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with one view per output table plus ``manifest``."""
    root = Path(root)
    con = duckdb.connect()
    tables = sorted({p.stem for p in (root / "runs").glob("*/*.parquet")})
    for table in tables:
        files = table_files(root, table)
        if files:
            listing = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
            con.execute(f'CREATE VIEW "{table}" AS SELECT * FROM read_parquet([{listing}], '
                        "union_by_name = true)")
    con.register("manifest", load_manifest(root))
    return con
