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
from filelock import FileLock, Timeout

MANIFEST = "manifest.jsonl"
PLAN = "plan.json"


class StoreError(RuntimeError):
    """The output directory cannot be used for this sweep."""


def atomic_write_text(path: Path, text: str) -> None:
    """Write a file via a temporary name and an atomic rename."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def read_manifest_records(root: str | Path) -> list[dict[str, Any]]:
    """All parseable manifest records in order (a torn final line from a kill is ignored)."""
    path = Path(root) / MANIFEST
    if not path.exists():
        return []
    records = []
    for line in path.read_text().splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return records


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

    def __enter__(self) -> RunStore:
        self.root.mkdir(parents=True, exist_ok=True)
        lock = FileLock(self.root / ".lock")
        try:
            lock.acquire(timeout=0)
        except Timeout as exc:
            raise StoreError(f"{self.root} is in use by another running sweep") from exc
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

    def clear(self) -> None:
        """Forget previous results in this directory (``--fresh``)."""
        for name in ("runs", "tmp", "report", "analysis"):
            shutil.rmtree(self.root / name, ignore_errors=True)
        for name in (MANIFEST, PLAN, "summary.csv", "metrics.csv"):
            (self.root / name).unlink(missing_ok=True)

    def prepare(self, plan_json: dict[str, Any], fresh: bool = False) -> None:
        """Check the directory holds this same plan (or nothing), repair the manifest tail."""
        if fresh:
            self.clear()
        plan_path = self.root / PLAN
        if plan_path.exists():
            old = json.loads(plan_path.read_text())
            if old.get("fingerprint") != plan_json["fingerprint"]:
                old_file = old.get("provenance", {}).get("scenario_sha256")
                new_file = plan_json.get("provenance", {}).get("scenario_sha256")
                why = ("; the scenario file has changed since they were made"
                       if old_file and new_file and old_file != new_file else "")
                raise StoreError(
                    f"{self.root} holds results of a different sweep{why} (fingerprint "
                    f"{old.get('fingerprint')} vs {plan_json['fingerprint']}); use another --out "
                    "directory or --fresh to discard them")
        atomic_write_text(plan_path, json.dumps(plan_json, indent=1, default=str))
        shutil.rmtree(self.tmp, ignore_errors=True)
        self.tmp.mkdir(parents=True)
        self.runs.mkdir(exist_ok=True)
        manifest = self.root / MANIFEST
        if manifest.exists():
            data = manifest.read_bytes()
            if data and not data.endswith(b"\n"):  # torn write from a kill: drop the partial line
                with open(manifest, "r+b") as fh:
                    fh.truncate(data.rfind(b"\n") + 1)
        self._manifest_fd = os.open(manifest, os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o644)

    def done_ids(self) -> set[str]:
        """Run ids whose record says done and whose data directory exists."""
        return {rid for rid, r in latest_records(self.root).items()
                if r.get("status") == "done" and (self.runs / rid).is_dir()}

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
