"""Sensitivity through the whole pipeline (sweep file, runs on disk, analyze) on toy functions."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.commands import cmd_analyze, cmd_sweep
from experiments.models.toy import ISHIGAMI_S1, ISHIGAMI_ST
from experiments.storage.store import load_manifest
from experiments.sweeps.sensitivity import AnalysisError, analyze
from tests.experiments.helpers import run_cli, write

PI = math.pi


def toy_sweep(model: str, design: str, samples: int, extra: str = "", reps: int = 1,
              fixed: str = "") -> str:
    """A sweep of a toy function of x1, x2, x3 on [-pi, pi]."""
    return f"""
[sweep]
scenario = "none"
model = "experiments.toy:{model}"
design = "{design}"
samples = {samples}
replications = {reps}
steps = 1
seed = 2024
resamples = 200
{extra}
[fixed]
{fixed}
[parameters]
x1 = {{ range = [{-PI}, {PI}] }}
x2 = {{ range = [{-PI}, {PI}] }}
x3 = {{ range = [{-PI}, {PI}] }}
[[metrics]]
name = "y"
table = "output"
column = "y"
"""


def test_sobol_recovers_ishigami_indices(tmp_path: Path) -> None:
    spec = write(tmp_path / "ishigami.toml", toy_sweep("ishigami", "sobol", 1024))
    out = tmp_path / "out"
    assert cmd_sweep(str(spec), out=str(out), progress=False) == 0
    assert len(load_manifest(out)) == 1024 * 5  # Saltelli: N (k + 2), k = 3
    assert cmd_analyze(str(out)) == 0
    table = pd.read_csv(out / "analysis" / "indices_y.csv", index_col="parameter")
    np.testing.assert_allclose(table["S1"], ISHIGAMI_S1, atol=0.06)
    np.testing.assert_allclose(table["ST"], ISHIGAMI_ST, atol=0.06)
    assert (table["S1_conf"] > 0).all() and (table["ST_conf"] < 0.15).all()
    assert table.loc[["x1", "x2"], "converged"].all()  # x3: S1 ~ 0 known only to ±0.06
    assert (out / "analysis" / "sobol_indices.png").stat().st_size > 10_000


def test_morris_ranks_linear_effects(tmp_path: Path) -> None:
    spec = write(tmp_path / "m.toml", toy_sweep("linear", "morris", 20, "levels = 4"))
    out = tmp_path / "out"
    cmd_sweep(str(spec), out=str(out), progress=False)
    t = analyze(out)["y"]
    assert len(load_manifest(out)) == 20 * 4  # r (k + 1)
    # SALib's elementary effects are per unit of the normalised input: coefficient x range
    np.testing.assert_allclose(t["mu_star"], [3.0 * 2 * PI, 2 * PI, 0.0], atol=1e-9)
    np.testing.assert_allclose(t["sigma"], 0.0, atol=1e-9)  # linear: no interaction
    assert (out / "analysis" / "morris_indices.png").exists()


def test_lhs_rank_correlations_with_replications(tmp_path: Path) -> None:
    spec = write(tmp_path / "l.toml", toy_sweep("linear", "lhs", 40, reps=3, fixed="noise = 0.5"))
    out = tmp_path / "out"
    cmd_sweep(str(spec), out=str(out), workers=2, progress=False)
    t = analyze(out)["y"]
    assert t.loc["x1", "spearman"] > 0.85 and t.loc["x1", "low"] > 0.6
    assert abs(t.loc["x3", "spearman"]) < 0.4 and t.loc["x3", "low"] < 0 < t.loc["x3", "high"]
    points = pd.read_csv(out / "analysis" / "point_means.csv")
    assert (points["y_n"] == 3).all() and len(points) == 40


def test_sobol_analysis_refuses_incomplete_design(tmp_path: Path) -> None:
    spec = write(tmp_path / "s.toml", toy_sweep("ishigami", "sobol", 8))
    out = tmp_path / "out"
    cmd_sweep(str(spec), out=str(out), progress=False)
    lines = (out / "manifest.jsonl").read_text().splitlines()
    (out / "manifest.jsonl").write_text("\n".join(lines[:-3]) + "\n")  # three runs missing
    with pytest.raises(AnalysisError, match="3 of 40 design points have no finished run"):
        analyze(out)


def test_analyze_cli_prints_indices(tmp_path: Path) -> None:
    spec = write(tmp_path / "s.toml", toy_sweep("linear", "sobol", 16))
    out = tmp_path / "out"
    assert run_cli("sweep", str(spec), "--out", str(out)).returncode == 0
    result = run_cli("analyze", str(out))
    assert result.returncode == 0, result.stderr
    assert "S1" in result.stdout and "x1" in result.stdout
    assert run_cli("analyze", str(tmp_path)).returncode == 2  # not a sweep directory


def test_sobol_with_too_few_samples_is_flagged_with_the_n_needed(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    spec = write(tmp_path / "ishigami.toml", toy_sweep("ishigami", "sobol", 16))
    out = tmp_path / "out"
    assert cmd_sweep(str(spec), out=str(out), progress=False) == 0
    capsys.readouterr()
    assert cmd_analyze(str(out)) == 0
    table = pd.read_csv(out / "analysis" / "indices_y.csv", index_col="parameter")
    assert not table["converged"].all()
    flagged = table[~table["converged"]]
    noisy = ((flagged["S1"] + flagged["S1_conf"] < 0) | (flagged["ST"] > 1)
             | (flagged[["S1_conf", "ST_conf"]].max(axis=1) > 0.05))
    assert noisy.all()
    needed = [int(n) for n in flagged["note"].str.extract(r"N ≈ (\d+)")[0]]
    assert all(n > 16 and n & (n - 1) == 0 for n in needed)  # more samples, a power of 2
    assert "not converged" in capsys.readouterr().out
