"""Kill a sweep with SIGKILL in the middle, re-run the same command: every run exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from experiments.storage.store import read_table
from tests.experiments.helpers import (
    REPO,
    manifest_lines,
    run_cli,
    subprocess_env,
    toy_market_sweep,
    write,
)

N_RUNS = 24  # 6 points x 4 replications


def test_sigkill_then_rerun_resumes_without_loss_or_duplicates(tmp_path: Path) -> None:
    spec = write(tmp_path / "s.toml", toy_market_sweep(reps=4, extra_fixed="sleep = 0.15"))
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "experiments.cli", "sweep", str(spec), "--out", str(out),
           "--workers", "2"]
    proc = subprocess.Popen(cmd, cwd=REPO, env=subprocess_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.time() + 120
        while len(manifest_lines(out)) < 6 and time.time() < deadline:
            time.sleep(0.05)
    finally:  # SIGKILL the sweep and its worker processes (its own process group)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    first = manifest_lines(out)
    assert 6 <= len(first) < N_RUNS, "the kill must land in the middle of the sweep"

    result = run_cli("sweep", str(spec), "--out", str(out), "--workers", "2")
    assert result.returncode == 0, result.stderr
    assert f"{N_RUNS - len(first)} run(s) done, {len(first)} already done" in result.stderr

    lines = manifest_lines(out)
    ids = [r["run_id"] for r in lines]
    assert len(ids) == len(set(ids)) == N_RUNS, "each run recorded exactly once"
    assert all(r["status"] == "done" for r in lines)
    assert sorted(p.name for p in (out / "runs").iterdir()) == sorted(ids)
    assert not (out / "tmp").exists(), "staging area removed once empty"
    df = read_table(out, "platforms")
    assert df.groupby("run_id").size().eq(30 * 3).all() and df["run_id"].nunique() == N_RUNS

    # the resumed sweep holds exactly what an uninterrupted one does
    clean = tmp_path / "clean"
    assert run_cli("sweep", str(spec), "--out", str(clean), "--workers", "2").returncode == 0
    key = ["run_id", "step", "platform"]
    pd.testing.assert_frame_equal(df.sort_values(key).reset_index(drop=True),
                                  read_table(clean, "platforms").sort_values(key)
                                  .reset_index(drop=True))

    again = run_cli("sweep", str(spec), "--out", str(out))  # nothing left to do
    assert f"0 run(s) done, {N_RUNS} already done" in again.stderr
    assert len(manifest_lines(out)) == N_RUNS
