"""Events are named, every field of an event is a parameter, and shadowed overrides warn."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from experiments.commands import sweep_summary
from experiments.pipeline.executors import make_backend
from experiments.pipeline.plan import plan_replicates, plan_sweep
from experiments.pipeline.runner import run_plan
from experiments.sweeps.spec import load_sweep
from model.config import ConfigError, load_scenario
from model.config.event_overrides import ShadowedOverrideWarning
from tests.conftest import two_platform_config

HIKE = {"name": "hike", "day": 5, "kind": "fee_change", "platform": "A", "referral_fee": 0.6}

SCENARIO = """
name = "hike"
steps = 40
[consumers]
n_consumers = 800
[sellers]
n_sellers = 50
[[platforms]]
name = "A"
kind = "marketplace"
[[platforms]]
name = "B"
kind = "marketplace"
[[events]]
name = "hike"
day = 5
kind = "fee_change"
platform = "A"
referral_fee = 0.6
"""

SWEEP = """
[sweep]
scenario = "{scenario}"
design = "grid"
replications = 1
steps = 40
seed = 3
[parameters]
"events.hike.day" = {{ values = [3, 36] }}
[[metrics]]
name = "share_a"
table = "platforms"
column = "gmv_share"
where = {{ platform = "A" }}
agg = "mean"
last_steps = 5
"""


def test_events_get_stable_default_names():
    names = [e.name for e in load_scenario("closure_wave").events]
    assert names[:2] == ["enforcement_sweep_121", "enforcement_sweep_135"]
    config = two_platform_config(events=[
        {"day": 9, "kind": "promotion", "platform": "A"},
        {"day": 9, "kind": "promotion", "platform": "B"}])
    assert [e.name for e in config.events] == ["promotion_9_A", "promotion_9_B"]


def test_event_fields_are_addressable_by_name():
    moved = load_scenario("apparel_fee_cut", {"events.apparel_cut.day": 200,
                                              "events.apparel_cut.fee_tiers.0.rate": 0.08})
    assert moved.events[0].day == 200
    assert moved.events[0].fee_tiers[0].rate == 0.08
    # the default name is kept when the day moves
    moved = load_scenario("closure_wave", {"events.enforcement_sweep_121.day": 30})
    assert moved.events[0].name == "enforcement_sweep_121" and moved.events[0].day == 30


def test_event_overrides_are_validated_like_any_parameter():
    with pytest.raises(ConfigError, match=r"no events named 'cut'; allowed: apparel_cut"):
        load_scenario("apparel_fee_cut", {"events.cut.day": 200})
    with pytest.raises(ConfigError, match=r"events\.apparel_cut\.day = 0: expected an int >= 1"):
        load_scenario("apparel_fee_cut", {"events.apparel_cut.day": 0})
    with pytest.raises(ConfigError, match="event names must be unique"):
        two_platform_config(events=[HIKE, {**HIKE, "day": 9}])


def test_override_shadowed_by_an_event_warns_naming_both():
    with pytest.warns(ShadowedOverrideWarning,
                      match=r"platforms\.incumbent\.fulfilment_markup.*'fees_2017'.*day 367"):
        load_scenario("fee_creep", {"platforms.incumbent.fulfilment_markup": 0.1})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a lever no event touches, or an event's own field
        load_scenario("fee_creep", {"platforms.incumbent.referral_fee": 0.1,
                                    "events.fees_2017.fulfilment_markup": 0.1})


def test_a_run_plan_reports_the_shadowed_override_up_front():
    plan = plan_replicates("experiments.runs:simulate", "fee_creep",
                           {"platforms.incumbent.fulfilment_markup": 0.1,
                            "consumers.n_consumers": 300}, reps=1, seed=1, steps=2)
    assert any("fees_2017" in w for w in plan.warnings)


def test_sweeping_an_event_day_moves_the_outcome(tmp_path):
    scenario = tmp_path / "hike.toml"
    scenario.write_text(SCENARIO)
    spec = tmp_path / "sweep.toml"
    spec.write_text(SWEEP.format(scenario=scenario))
    plan = plan_sweep(load_sweep(spec))
    with make_backend(1, None) as backend:
        outcome = run_plan(plan, tmp_path / "out", backend, progress=False)
    assert outcome.done == 2 and not outcome.failed
    table = sweep_summary(tmp_path / "out")
    share = pd.Series(table["share_a_mean"].to_numpy(), index=table["events.hike.day"])
    # a fee hike on day 3 has cost A far more of the market by day 40 than one on day 36
    assert share[3] < share[36] - 0.05
