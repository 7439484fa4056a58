"""Provenance: one meaning of seed, resolved configuration and versions stored, a changed
scenario file never reuses old runs, and a stored run reproduces bit for bit."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from experiments.pipeline.executors import make_backend
from experiments.pipeline.plan import plan_replicates, plan_sweep
from experiments.pipeline.reproduce import reproduce
from experiments.pipeline.runner import run_plan
from experiments.storage.store import StoreError, latest_records, read_table
from experiments.sweeps.spec import load_sweep
from model.config import config_from_dict, load_scenario
from model.market import MarketModel
from tests.experiments.helpers import SMALL_REAL, write

MODEL = "experiments.runs:simulate"

SCENARIO = """
name = "tiny"
steps = 10
[consumers]
n_consumers = 300
[sellers]
n_sellers = 40
[[platforms]]
name = "A"
kind = "marketplace"
referral_fee = {fee}
[[platforms]]
name = "B"
kind = "low_fee_marketplace"
"""

SWEEP = """
[sweep]
scenario = "{scenario}"
design = "grid"
replications = 1
steps = 6
seed = 4
[parameters]
"platforms.B.referral_fee" = {{ values = [0.05, 0.2] }}
[[metrics]]
name = "share"
table = "platforms"
column = "gmv_share"
where = {{ platform = "A" }}
"""


def run(plan, out: Path, aside: bool = False):
    with make_backend(1, None) as backend:
        return run_plan(plan, out, backend, aside=aside, progress=False)


def test_a_single_replication_uses_the_seed_as_rng(tmp_path: Path) -> None:
    plan = plan_replicates(MODEL, "flywheel", dict(SMALL_REAL), reps=1, seed=5, steps=8)
    assert [t.seed for t in plan.tasks] == [5]
    run(plan, tmp_path)
    stored = read_table(tmp_path, "platforms")
    assert (stored["seed"] == 5).all()
    assert (stored["consumers.n_consumers"] == SMALL_REAL["consumers.n_consumers"]).all()
    stored = stored.drop(columns=["run_id", "point", "rep", "seed", *SMALL_REAL])
    model = MarketModel(load_scenario("flywheel", SMALL_REAL), rng=5)
    model.run(8)
    pd.testing.assert_frame_equal(stored, model.platform_frame(), check_exact=True,
                                  check_dtype=False)


def test_runs_record_configuration_versions_and_scenario_hash(tmp_path: Path) -> None:
    plan = plan_replicates(MODEL, "flywheel", dict(SMALL_REAL), reps=2, seed=5, steps=3)
    run(plan, tmp_path)
    saved = json.loads((tmp_path / "plan.json").read_text())["provenance"]
    assert set(saved["packages"]) == {"numpy", "mesa", "pandas", "pyarrow", "scipy", "SALib",
                                      "dask"}
    expected = load_scenario("flywheel", SMALL_REAL)
    assert config_from_dict(tomllib.loads(saved["config_toml"])) == expected
    for rid, record in latest_records(tmp_path).items():
        assert record["scenario_sha256"] == saved["scenario_sha256"] != ""
        assert record["packages"]["numpy"] == saved["packages"]["numpy"]
        config = tomllib.loads((tmp_path / "runs" / rid / "config.toml").read_text())
        assert config_from_dict(config) == expected


def test_an_edited_scenario_file_never_reuses_old_runs(tmp_path: Path) -> None:
    scenario = write(tmp_path / "tiny.toml", SCENARIO.format(fee=0.15))
    spec = write(tmp_path / "sweep.toml", SWEEP.format(scenario=scenario))
    out = tmp_path / "out"
    assert run(plan_sweep(load_sweep(spec)), out).done == 2
    assert run(plan_sweep(load_sweep(spec)), out).skipped == 2  # unchanged: resumed
    scenario.write_text(SCENARIO.format(fee=0.3))
    with pytest.raises(StoreError, match="scenario file has changed"):
        run(plan_sweep(load_sweep(spec)), out)
    again = run(plan_sweep(load_sweep(spec)), out, aside=True)  # old results moved aside
    assert again.done == 2 and again.skipped == 0 and again.moved is not None
    fees = {r["params"]["platforms.B.referral_fee"] for r in latest_records(out).values()}
    assert fees == {0.05, 0.2}
    config = tomllib.loads((out / "runs" / "p000000-r000" / "config.toml").read_text())
    assert config["platforms"][0]["referral_fee"] == 0.3


def test_reproduce_is_bit_for_bit_and_detects_a_changed_table(tmp_path: Path) -> None:
    plan = plan_replicates(MODEL, "flywheel", dict(SMALL_REAL), reps=2, seed=9, steps=6)
    run(plan, tmp_path)
    outcome = reproduce(tmp_path, "p000000-r001")
    assert outcome.ok and "platforms" in outcome.identical
    path = tmp_path / "runs" / "p000000-r001" / "platforms.parquet"
    frame = pd.read_parquet(path)
    frame.loc[3, "gmv"] = float(frame.loc[3, "gmv"]) * (1 + 1e-15) + 1e-12
    frame.to_parquet(path)
    outcome = reproduce(tmp_path, "p000000-r001")
    assert not outcome.ok and outcome.different == ["platforms"]
