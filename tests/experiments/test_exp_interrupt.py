"""Ctrl-C stops every executor the same way; killing the driver ends its workers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.experiments.helpers import REPO, manifest_lines, subprocess_env, toy_market_sweep, write

N_RUNS = 12  # 6 points x 2 replications


def start_sweep(tmp_path: Path, workers: int, *extra: str) -> tuple[subprocess.Popen, Path]:
    spec = write(tmp_path / "s.toml", toy_market_sweep(reps=2, extra_fixed="sleep = 1.0"))
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "experiments.cli", "sweep", str(spec), "--out", str(out),
         "--workers", str(workers), *extra],
        cwd=REPO, env=subprocess_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, start_new_session=True)
    return proc, out


def wait_for_runs(out: Path, n: int, proc: subprocess.Popen) -> None:
    deadline = time.time() + 120
    while len(manifest_lines(out)) < n and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert len(manifest_lines(out)) >= n, "the sweep never got going"


@pytest.mark.parametrize(("workers", "extra"), [(1, ()), (2, ()), (2, ("--scheduler", "local"))],
                         ids=["in-process", "process-pool", "dask-local"])
def test_ctrl_c_stops_the_sweep_and_records_no_failure(tmp_path: Path, workers: int,
                                                      extra: tuple[str, ...]) -> None:
    proc, out = start_sweep(tmp_path, workers, *extra)
    try:
        wait_for_runs(out, 2, proc)
        os.kill(proc.pid, signal.SIGINT)  # the driver only, as a Ctrl-C to it would
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    lines = manifest_lines(out)
    assert len(lines) < N_RUNS, "the sweep stopped instead of carrying on"
    assert all(r["status"] == "done" for r in lines), "the interrupted run is not a failure"


def test_killing_the_driver_ends_its_workers(tmp_path: Path) -> None:
    proc, out = start_sweep(tmp_path, 2)
    try:
        wait_for_runs(out, 1, proc)
        workers = psutil.Process(proc.pid).children(recursive=True)
        assert workers, "a 2-worker sweep has worker processes"
        os.kill(proc.pid, signal.SIGKILL)  # the driver alone, not its process group
        proc.wait(timeout=30)
        _, alive = psutil.wait_procs(workers, timeout=20)
        assert not alive, f"workers outlived their driver: {[p.pid for p in alive]}"
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
