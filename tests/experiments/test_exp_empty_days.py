"""Days without a value (a ratio with nothing to divide): one rule for every window.

The README's Sobol' example, at a reduced size, runs through ``sweep`` and ``analyze`` with
days on which the marketplace has no third-party sales (take rate NaN); a metric whose whole
window has no such day is named as such by ``analyze``.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.models.market import summary_table
from experiments.reports.figures import Calendar, with_derived
from experiments.sweeps.metrics import compute_metric
from experiments.sweeps.spec import MetricSpec
from experiments.theory import metrics as theory_metrics
from model.accounting.metrics import WINDOW_SUMMARIES, over_days_with_values
from model.accounting.targets import measure
from tests.experiments.helpers import REPO, manifest_lines, run_cli

SOBOL = REPO / "experiments" / "sweeps" / "fees_sobol.toml"
# Small enough to run in seconds, at the README's own market size (a market much smaller than
# that can lose its marketplace's sellers altogether, leaving a window with no valued day).
REDUCED = {"samples": 2, "steps": 20, "resamples": 20}


def reduced_sobol(path: Path, extra_fixed: str = "") -> Path:
    """The README's Sobol' sweep file with the sizes of :data:`REDUCED`."""
    text = SOBOL.read_text()
    for key, value in REDUCED.items():
        text, n = re.subn(rf"^{re.escape(key)} = \S+", f"{key} = {value}", text, flags=re.M)
        assert n == 1, f"{key} not found once in {SOBOL}"
    text = text.replace("[fixed]\n", f"[fixed]\n{extra_fixed}")
    path.write_text(text)
    return path


def test_rule_leaves_out_days_without_a_value() -> None:
    days = np.array([0.2, np.nan, 0.5, np.nan, 0.1, np.nan])
    valued = days[~np.isnan(days)]
    assert over_days_with_values(days) == pytest.approx(valued.mean())
    assert over_days_with_values(days, "first") == valued[0]
    assert over_days_with_values(days, "last") == valued[-1]   # not the NaN last day
    assert over_days_with_values(days, "min") == valued.min()
    assert over_days_with_values(days, "max") == valued.max()
    assert over_days_with_values(days, "sum") == pytest.approx(valued.sum())
    assert over_days_with_values(pd.Series(days)) == pytest.approx(valued.mean())


@pytest.mark.parametrize("how", WINDOW_SUMMARIES)
def test_rule_gives_nan_for_a_window_without_a_valued_day(how: str) -> None:
    assert np.isnan(over_days_with_values([np.nan, np.nan, np.nan], how))
    assert np.isnan(over_days_with_values([], how))


def test_rule_refuses_an_unknown_summary_naming_it() -> None:
    with pytest.raises(ValueError, match=r"how = 'median': allowed mean, first"):
        over_days_with_values([1.0], "median")


def test_every_consumer_averages_over_the_days_with_a_value() -> None:
    take_rate = np.array([0.3, np.nan, 0.1, np.nan, 0.2, 0.4, np.nan, np.nan])
    steps = np.arange(1, len(take_rate) + 1)
    frame = pd.DataFrame({"step": steps, "platform": "marketplace", "take_rate": take_rate,
                          "avg_cpc": take_rate * 2, "price_index": take_rate + 1,
                          "orders": 1.0, "gmv": 1.0, "active_consumers": 1.0, "sellers": 1.0,
                          "multihoming_sellers": 0.0, "cash": 0.0, "gmv_share": 1.0})
    expected = float(np.nanmean(take_rate))
    assert measure(frame.set_index("step")["take_rate"], "mean") == pytest.approx(expected)
    spec = MetricSpec("tr", "platforms", "take_rate", {"platform": "marketplace"}, "mean")
    assert compute_metric({"platforms": frame}, spec) == pytest.approx(expected)
    last = MetricSpec("tr", "platforms", "take_rate", {"platform": "marketplace"}, "last")
    assert compute_metric({"platforms": frame}, last) == take_rate[~np.isnan(take_rate)][-1]
    assert theory_metrics.price_index({"platforms": frame}, "marketplace", len(steps)) \
        == pytest.approx(expected + 1)
    summary = summary_table(frame)
    assert summary.loc["marketplace", "take_rate"] == pytest.approx(expected)
    assert summary.loc["marketplace", "avg_cpc"] == pytest.approx(2 * expected)
    smoothed = with_derived(frame, Calendar(), rolling=3)["take_rate"].to_numpy()
    by_hand = [np.nanmean(take_rate[max(0, i - 2): i + 1]) if
               (~np.isnan(take_rate[max(0, i - 2): i + 1])).any() else np.nan
               for i in range(len(take_rate))]
    np.testing.assert_allclose(smoothed, by_hand)


def _window_take_rates(out: Path, last_steps: int) -> list[np.ndarray]:
    """Each run's stored daily take rate of the marketplace over the metric's window."""
    windows = []
    for path in sorted((out / "runs").glob("*/platforms.parquet")):
        days = pd.read_parquet(path)
        days = days[days["platform"] == "marketplace"].sort_values("step")
        windows.append(days.loc[days["step"] > days["step"].max() - last_steps,
                                "take_rate"].to_numpy(dtype=float))
    return windows


@pytest.fixture(scope="module")
def sobol_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reduced README Sobol' sweep, run as the README runs it (two workers)."""
    tmp = tmp_path_factory.mktemp("sobol")
    spec = reduced_sobol(tmp / "fees_sobol.toml")
    out = tmp / "out"
    result = run_cli("sweep", str(spec), "--workers", "2", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_readme_sobol_example_analyses_with_days_without_sales(sobol_sweep: Path) -> None:
    out = sobol_sweep
    plan = json.loads((out / "plan.json").read_text())
    metric = next(m for m in plan["meta"]["spec"]["metrics"]
                  if m["name"] == "marketplace_take_rate")
    windows = _window_take_rates(out, metric["last_steps"])
    assert len(windows) == len(plan["points"])
    # days without third-party sales are there, inside the metric's window ...
    assert sum(int(np.isnan(w).sum()) for w in windows) > 0
    # ... and each run's metric is the mean over its days with a value
    records = {r["run_id"]: r for r in manifest_lines(out)}
    stored = [records[rid]["metrics"]["marketplace_take_rate"]
              for rid in sorted(records)]
    np.testing.assert_allclose(stored, [np.nanmean(w) for w in windows])
    result = run_cli("analyze", str(out))
    assert result.returncode == 0, result.stderr
    indices = pd.read_csv(out / "analysis" / "indices_marketplace_take_rate.csv",
                          index_col="parameter")
    assert len(indices) == len(plan["meta"]["spec"]["parameters"])
    assert indices[["S1", "ST"]].notna().all().all()
    assert (out / "analysis" / "sobol_indices.png").stat().st_size > 0
    assert (out / "analysis" / "scatter.png").stat().st_size > 0


def test_analyze_recomputes_metrics_stored_as_nan(sobol_sweep: Path, tmp_path: Path) -> None:
    """A sweep recorded when a NaN day made the whole window NaN is analysed by today's rule."""
    assert run_cli("analyze", str(sobol_sweep), "--out", str(tmp_path / "first")).returncode == 0
    out = tmp_path / "sweep"
    shutil.copytree(sobol_sweep, out)
    records = manifest_lines(out)
    for record in records:
        record["metrics"]["marketplace_take_rate"] = float("nan")
    (out / "manifest.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    result = run_cli("analyze", str(out), "--out", str(out / "again"))
    assert result.returncode == 0, result.stderr
    assert "recomputed from their Parquet files" in result.stderr + result.stdout
    first = pd.read_csv(tmp_path / "first" / "indices_marketplace_take_rate.csv")
    again = pd.read_csv(out / "again" / "indices_marketplace_take_rate.csv")
    pd.testing.assert_frame_equal(first, again)


def test_analyze_names_a_metric_whose_window_has_no_valued_day(tmp_path: Path) -> None:
    # no sponsored slots on the marketplace: no paid click, so no CPC on any day
    spec = reduced_sobol(tmp_path / "s.toml", '"platforms.marketplace.ad_slots" = 0\n')
    spec.write_text(spec.read_text() + '\n[[metrics]]\nname = "marketplace_cpc"\n'
                    'table = "platforms"\ncolumn = "avg_cpc"\n'
                    'where = { platform = "marketplace" }\nagg = "mean"\nlast_steps = 10\n')
    out = tmp_path / "out"
    assert run_cli("sweep", str(spec), "--out", str(out)).returncode == 0
    result = run_cli("analyze", str(out))
    assert result.returncode == 2
    message = result.stderr
    assert "metric 'marketplace_cpc'" in message
    points = len(json.loads((out / "plan.json").read_text())["points"])
    assert f"{points} of {points} design points" in message
    assert "no day with a value in its last 10 days" in message
    assert "no paid click" in message
    assert "resume" not in message
