"""``flywheel run``: replications, CI summary, report plots, seeds, progress bar behaviour."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from experiments.commands import cmd_run
from experiments.pipeline.progress import Progress
from experiments.pipeline.replicate import ci_table, mean_ci, replication_seeds, spawn_seeds
from experiments.reports.run_report import final_rows
from experiments.storage.store import read_table
from tests.experiments.helpers import SMALL_REAL, manifest_lines, run_cli


def test_mean_ci_is_the_student_t_interval() -> None:
    x = np.array([1.0, 2.0, 4.0, 7.0])
    m, lo, hi = mean_ci(x)
    want = stats.t.interval(0.95, 3, loc=x.mean(), scale=stats.sem(x))
    assert m == pytest.approx(3.5) and (lo, hi) == pytest.approx(want)
    assert mean_ci([5.0]) == (5.0, 5.0, 5.0)
    df = pd.DataFrame({"g": ["a"] * 4 + ["b"], "v": [*x, 9.0]})
    t = ci_table(df, ["g"], ["v"]).set_index("g")
    assert (t.loc["a", "v_low"], t.loc["a", "v_high"]) == pytest.approx(want)
    assert t.loc["b", "n"] == 1 and t.loc["b", "v_low"] == t.loc["b", "v_high"] == 9.0


def test_seeds_are_reproducible_and_independent() -> None:
    assert spawn_seeds(7, 5) == spawn_seeds(7, 5)
    assert spawn_seeds(7, 5)[:3] == spawn_seeds(7, 3)  # more replications keep the first ones
    assert len(set(spawn_seeds(7, 1000))) == 1000 and spawn_seeds(8, 3) != spawn_seeds(7, 3)
    assert all(0 <= s < 2**63 for s in spawn_seeds(1, 100))


def test_replicated_toy_run_writes_consistent_summary_and_plots(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture
                                                                ) -> None:
    out = tmp_path / "toy"
    code = cmd_run("toy", reps=5, workers=2, steps=20, seed=3, sets=["noise=0.1"], out=str(out),
                   model="experiments.toy:market", progress=False)
    assert code == 0
    printed = capsys.readouterr().out
    assert "5 replication(s): mean [95% CI]" in printed and "incumbent" in printed
    platforms = read_table(out, "platforms")
    assert platforms["run_id"].nunique() == 5
    finals = final_rows(platforms)
    summary = pd.read_csv(out / "report" / "summary.csv").set_index("platform")
    for name, group in finals.groupby("platform"):
        m, lo, hi = mean_ci(group["gmv_share"].to_numpy())
        assert summary.loc[name, "gmv_share_mean"] == pytest.approx(m)
        low, high = summary.loc[name, "gmv_share_low"], summary.loc[name, "gmv_share_high"]
        # a share's interval is Student-t on the logit scale: inside [0, 1], near the plain one
        assert 0 <= low <= m <= high <= 1
        assert (low, high) == pytest.approx((lo, hi), abs=0.03)
    for png in ("timeseries_ci.png", "migration_flows.png", "final_share.png"):
        assert (out / "report" / png).stat().st_size > 10_000
    ts = pd.read_csv(out / "report" / "timeseries_ci.csv")
    assert len(ts) == 20 * 3 and (ts["n"] == 5).all()
    assert [r["seed"] for r in manifest_lines(out)] != [] and \
        sorted(r["seed"] for r in manifest_lines(out)) == sorted(replication_seeds(3, 5))


def test_real_model_run_via_cli(tmp_path: Path) -> None:
    out = tmp_path / "flywheel"
    sets = [arg for k, v in SMALL_REAL.items() for arg in ("--set", f"{k}={v}")]
    result = run_cli("run", "flywheel", "--steps", "15", "--reps", "2", "--workers", "2",
                     "--out", str(out), *sets)
    assert result.returncode == 0, result.stderr
    assert "marketplace" in result.stdout and "rival" in result.stdout
    assert "2 replication(s): mean [95% CI]" in result.stdout
    assert "\r" not in result.stderr and "run/s" not in result.stderr  # no bar off a terminal
    df = read_table(out, "platforms")
    assert sorted(df["platform"].unique()) == ["marketplace", "rival"]
    assert df.groupby("run_id")["step"].max().eq(15).all()
    single = run_cli("run", "flywheel", "--steps", "5", "--out", str(tmp_path / "one"), *sets)
    assert single.returncode == 0, single.stderr
    assert (tmp_path / "one" / "platforms.csv").exists()  # a single run also leaves plain CSVs
    bad = run_cli("run", "flywheel", "--set", "consumers.nope=1", "--out", str(tmp_path / "x"))
    assert bad.returncode == 2 and "consumers.nope" in bad.stderr


def test_progress_bar_shows_done_failures_and_eta(monkeypatch: pytest.MonkeyPatch) -> None:
    buf = io.StringIO()
    monkeypatch.setattr(sys, "stderr", buf)
    bar = Progress(total=4, already=1, enabled=True)
    bar.advance(ok=True)
    bar.advance(ok=False)
    bar.close()
    text = buf.getvalue()
    assert "3/4" in text and "failed=1" in text and "<" in text  # elapsed<remaining
    quiet = io.StringIO()
    monkeypatch.setattr(sys, "stderr", quiet)
    bar = Progress(total=4)  # not a terminal: silent
    bar.advance(ok=False)
    bar.close()
    assert quiet.getvalue() == ""
