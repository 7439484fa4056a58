"""Execute a plan: workers run the model, the driver stores each finished run as it arrives.

:func:`execute` runs in a worker (any executor) and never raises: a model exception becomes a
``failed`` result carrying its traceback. Tables travel back as zstd Parquet bytes, so the driver,
the only writer, just renames them into place (see :mod:`experiments.storage.store`). This works
the same for the in-process executor, a process pool, and a Dask cluster without a shared file
system.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import platform
import socket
import subprocess
import time
import traceback
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Future, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from experiments.models.registry import ModelFn, package_versions, resolve_model, resolved_config
from experiments.pipeline.executors import Backend
from experiments.pipeline.plan import Plan, RunTask
from experiments.pipeline.progress import Progress
from experiments.storage.store import RunStore, latest_records
from experiments.sweeps.metrics import compute_metrics


@dataclass
class RunResult:
    """What a worker sends back for one run."""

    run_id: str
    status: str
    duration_s: float
    started: str
    host: str
    pid: int
    tables: dict[str, bytes] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    traceback: str | None = None
    code_version: str = ""
    packages: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)


@dataclass
class SweepOutcome:
    """Counts and failures of one invocation."""

    total: int
    skipped: int
    done: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    elapsed_s: float = 0.0
    code_version: str = ""
    other_versions: dict[str, int] = field(default_factory=dict)
    moved: Path | None = None
    warnings: list[str] = field(default_factory=list)


def run_columns(task: RunTask, existing: list[str]) -> dict[str, Any]:
    """The run's seed and parameter values, one column each (lists and tables as JSON text);
    a parameter named like one of the table's own columns gets a ``param:`` prefix."""
    columns: dict[str, Any] = {"seed": task.seed}
    for key, value in task.params.items():
        name = f"param:{key}" if key in existing or key in RUN_ID_COLUMNS else key
        columns[name] = json.dumps(value) if isinstance(value, list | dict) else value
    return columns


RUN_ID_COLUMNS = ("run_id", "point", "rep", "seed")


def to_parquet_bytes(df: pd.DataFrame, task: RunTask | None = None) -> bytes:
    """Serialise a frame as zstd-compressed Parquet, prefixed with the run's id, point, rep,
    seed and parameter values (so the tables of many runs read as one long table)."""
    table = pa.Table.from_pandas(df, preserve_index=False)
    if task is not None:
        n = table.num_rows
        extra = run_columns(task, list(df.columns))
        for position, (name, value) in enumerate(extra.items()):
            table = table.add_column(position, name, pa.array([value] * n))
        table = table.add_column(0, "rep", pa.array(np.full(n, task.rep, dtype=np.int64)))
        table = table.add_column(0, "point", pa.array(np.full(n, task.point, dtype=np.int64)))
        table = table.add_column(0, "run_id", pa.array([task.run_id] * n, type=pa.string()))
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd")
    return buf.getvalue()


def execute(task: RunTask, model_fn: ModelFn | None = None) -> RunResult:
    """Run one task in a worker; failures are returned, not raised.

    ``model_fn`` is the registered model function, resolved by the driver and sent by
    reference; without it the worker looks ``task.model`` up in its own registry.
    """
    started = datetime.now(UTC).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    base = {"run_id": task.run_id, "started": started, "host": socket.gethostname(),
            "pid": os.getpid(), "code_version": code_version(), "packages": _packages()}
    try:
        fn = model_fn if model_fn is not None else resolve_model(task.model)
        frames = fn(task.scenario, dict(task.params), task.seed, task.steps)
        if not isinstance(frames, dict) or not all(isinstance(v, pd.DataFrame)
                                                   for v in frames.values()):
            raise TypeError(f"model {task.model} must return dict[str, DataFrame], "
                            f"got {type(frames).__name__}")
        metrics = compute_metrics(frames, task.metrics)
        tables, rows = {}, {}
        for name, df in frames.items():
            tables[name], rows[name] = to_parquet_bytes(df, task), len(df)
        config = resolved_config(task.model, task.scenario, task.params)
        files = {"config.toml": config.encode()} if config is not None else {}
        return RunResult(status="done", duration_s=time.perf_counter() - t0, tables=tables,
                         rows=rows, metrics=metrics, files=files, **base)
    except Exception as exc:
        return RunResult(status="failed", duration_s=time.perf_counter() - t0,
                         error=f"{type(exc).__name__}: {exc}", traceback=traceback.format_exc(),
                         **base)


SOURCE_DIRS = ("model", "agents", "experiments")
_packages = functools.cache(package_versions)


@functools.cache
def code_version() -> str:
    """Git commit (``+dirty`` with uncommitted changes) and a hash of the model's source files.

    The source hash covers every ``.py`` and ``.toml`` file of the model, agents and experiments
    packages, so results made by different code are told apart even between commits.
    """
    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    for sub in SOURCE_DIRS:
        for path in sorted((root / sub).rglob("*")):
            if path.suffix in (".py", ".toml") and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    src = digest.hexdigest()[:10]
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"],
                              capture_output=True, text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(
            ["git", "--no-optional-locks", "-C", str(root), "status", "--porcelain",
             "--untracked-files=no"], capture_output=True, text=True, timeout=10).stdout.strip()
        return f"{head}{'+dirty' if dirty else ''} src:{src}"
    except (OSError, subprocess.SubprocessError):
        return f"src:{src}"


def make_record(task: RunTask, result: RunResult) -> dict[str, Any]:
    """The manifest record of a finished run."""
    return {
        "run_id": task.run_id, "status": result.status, "point": task.point, "rep": task.rep,
        "scenario": task.scenario, "scenario_sha256": task.scenario_sha256, "model": task.model,
        "params": task.params, "seed": task.seed, "steps": task.steps,
        "code_version": result.code_version or code_version(),
        "packages": result.packages or _packages(),
        "python": platform.python_version(), "duration_s": round(result.duration_s, 6),
        "started": result.started, "host": result.host, "pid": result.pid, "rows": result.rows,
        "metrics": result.metrics, "error": result.error, "traceback": result.traceback,
    }


def _lost(task: RunTask, exc: BaseException) -> RunResult:
    """A result for a run whose worker itself failed (crashed process, lost cluster worker)."""
    return RunResult(run_id=task.run_id, status="failed", duration_s=0.0, started="", host="?",
                     pid=-1, error=f"{type(exc).__name__}: {exc}",
                     traceback="".join(traceback.format_exception(exc)))


def run_plan(
    plan: Plan, out: str | Path | RunStore, backend: Backend, *, fresh: bool = False,
    retry_failed: bool = True, progress: bool | None = None,
    on_result: Callable[[dict[str, Any]], None] | None = None, aside: bool = False,
) -> SweepOutcome:
    """Run every task of ``plan`` not already done in ``out``; store each as it finishes.

    ``out`` may be a :class:`RunStore` the caller holds open (and locked) to write more after
    the runs, such as a report.
    """
    if isinstance(out, RunStore):
        return _run_plan(plan, out, backend, fresh, retry_failed, progress, on_result, aside)
    with RunStore(out) as store:
        return _run_plan(plan, store, backend, fresh, retry_failed, progress, on_result, aside)


def _run_plan(plan: Plan, store: RunStore, backend: Backend, fresh: bool, retry_failed: bool,
              progress: bool | None, on_result: Callable[[dict[str, Any]], None] | None,
              aside: bool) -> SweepOutcome:
    t0 = time.perf_counter()
    out = store.root
    moved = store.prepare(plan.to_json(), fresh=fresh, aside=aside)
    skip = store.done_ids() | (set() if retry_failed else store.failed_ids())
    todo = [t for t in plan.tasks if t.run_id not in skip]
    outcome = SweepOutcome(total=len(plan.tasks), skipped=len(plan.tasks) - len(todo),
                           code_version=code_version(), moved=moved,
                           warnings=list(store.problems))
    model_fns = {t.model: resolve_model(t.model) for t in todo}
    bar = Progress(len(plan.tasks), already=outcome.skipped, enabled=progress)
    pending = iter(todo)
    inflight: dict[Future, RunTask] = {}
    limit = max(2, 2 * backend.slots)
    broken: BaseException | None = None
    try:
        while True:
            while broken is None and len(inflight) < limit:
                task = next(pending, None)
                if task is None:
                    break
                inflight[backend.executor.submit(execute, task, model_fns[task.model])] = task
            if not inflight:
                break
            finished, _ = wait(inflight, return_when=FIRST_COMPLETED)
            for fut in sorted(finished, key=lambda f: inflight[f].run_id):
                task = inflight.pop(fut)
                exc = fut.exception()
                if exc is not None and not isinstance(exc, Exception):
                    raise KeyboardInterrupt  # a worker was interrupted: stop, record nothing
                if isinstance(exc, BrokenExecutor):
                    broken = exc
                result = fut.result() if exc is None else _lost(task, exc)
                record = make_record(task, result)
                store.commit(record, result.tables, result.files)
                if result.code_version and result.code_version != outcome.code_version:
                    v = result.code_version
                    outcome.other_versions[v] = outcome.other_versions.get(v, 0) + 1
                bar.advance(result.status == "done")
                if result.status == "done":
                    outcome.done += 1
                else:
                    outcome.failed.append((task.run_id, result.error or "?"))
                if on_result is not None:
                    on_result(record)
    finally:
        bar.close()
    if broken is not None:
        raise RuntimeError(f"the executor broke ({broken}); re-run the same command to "
                           "resume the remaining runs") from broken
    for rid, rec in latest_records(out).items():
        v = rec.get("code_version")
        if rid in skip and v and v != outcome.code_version:
            outcome.other_versions[v] = outcome.other_versions.get(v, 0) + 1
    outcome.elapsed_s = time.perf_counter() - t0
    return outcome
