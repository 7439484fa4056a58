"""The warm-up: a warmed scenario starts in its own steady state (day 1 looks like the days
before its first shock), money is conserved across the boundary, and nothing is recorded
before day 1. At each shipped scenario's own size, on three seeds."""

from __future__ import annotations

import numpy as np
import pytest

from model.accounting.ledger import Ledger
from model.accounting.stationarity import mser5
from model.config import list_scenarios, load_scenario
from model.market import MarketModel
from tests.conftest import two_platform_config

SEEDS = (1, 2, 3)
#: Stories that grow by design: no warm-up can make their day 1 look like day 60.
GROWTH_BY_DESIGN = {
    "flywheel": "a young marketplace grows from small: growth is the story",
    "fee_creep": "a market growing ~15% a year in which sellers crowd onto the incumbent",
    "fee_creep_adaptive": "fee_creep's growing market, with an adaptive incumbent",
    "global_listing": "regions adopting e-commerce at 15-30% a year",
}


#: Where the model disagrees, measured (seed 2 at its own size): the warmed market is
#: stationary around its trend by MSER-5, but its swings are wider than the test's band.
DISAGREES = {
    "platform_models": "seed 2: the incumbent's stores go 363 -> 302 (-17%) within 120 days of a "
                       "warmed start with no shock: five business models keep trading sellers",
}


def days_before_first_shock(config) -> int:
    """Days from day 1 to the day before the first event or launch (at most 120)."""
    firsts = [e.day for e in config.events] + [p.launch_day for p in config.platforms
                                               if p.launch_day > 0]
    return min([120, *(d - 1 for d in firsts)])


@pytest.mark.slow
@pytest.mark.parametrize("scenario", [
    pytest.param(name, marks=pytest.mark.xfail(reason=DISAGREES[name], strict=True))
    if name in DISAGREES else name
    for name, _ in list_scenarios() if name not in GROWTH_BY_DESIGN])
def test_a_warmed_scenario_starts_in_its_steady_state(scenario):
    config = load_scenario(scenario)
    assert config.warmup_days > 0
    horizon = days_before_first_shock(config)
    assert horizon >= 60
    for seed in SEEDS:
        model = MarketModel(config, rng=seed)
        model.run(horizon)
        frame = model.platform_frame()
        leader = frame[frame["step"] == 1].set_index("platform")["sellers"].idxmax()
        mine = frame[frame["platform"] == leader].set_index("step")
        stores = mine["sellers"]
        assert (stores / stores.loc[1]).between(0.85, 1.15).all(), (
            f"{scenario} seed {seed}: {leader}'s stores {stores.loc[1]:.0f} on day 1, "
            f"{stores.min():.0f}-{stores.max():.0f} before the first shock")
        actives = mine["active_consumers"]
        assert actives.loc[1] >= 0.8 * actives.loc[60], (
            f"{scenario} seed {seed}: 30-day actives {actives.loc[1]:.0f} on day 1, "
            f"{actives.loc[60]:.0f} on day 60")


def test_warm_up_records_nothing_and_conserves_money():
    config = two_platform_config(**{"warmup_days": 60, "platforms.B.coupon_rate": 0.1,
                                    "platforms.B.subsidy_budget": 500.0})
    model = MarketModel(config, rng=4)
    assert model.recorder.days == 0 and model.recorder.moves == [] and model.event_log == []
    assert Ledger.money_in(model.ledger.total) == 0
    # consumers shopped before day 1: last visits and habit carry over, so 30-day actives
    # are full on day 1
    assert (model.consumers.last_visit > -30).any()
    assert model.platform_by_name["B"].subsidy_left == pytest.approx(500.0 * model.market_scale)
    s = model.sellers
    before = (s.cash + s.frozen)[: s.count].sum() + model.platform_cash.sum()
    model.run(20)
    after = (s.cash + s.frozen)[: s.count].sum() + model.platform_cash.sum()
    total = model.ledger.total
    assert after - before + Ledger.money_out(total) == pytest.approx(Ledger.money_in(total),
                                                                     rel=1e-9)
    frame = model.platform_frame()
    assert frame["step"].min() == 1 and frame["active_consumers"].iloc[0] > 0


def test_without_warm_up_day_one_is_the_hand_set_start():
    cold = MarketModel(two_platform_config(), rng=4)
    assert cold.warmup.days == 0 and cold.warmup.stationary is None
    assert (cold.consumers.last_visit < -10**6).all()   # nobody has shopped yet


def test_mser5_finds_a_transient_and_a_series_still_moving():
    rng = np.random.default_rng(0)
    transient = np.r_[np.linspace(100, 50, 60), np.full(300, 50.0)] + rng.normal(0, 1, 360)
    found = mser5(transient)
    assert found.stationary and 30 <= found.days <= 90
    assert not mser5(np.linspace(0, 10, 360) + rng.normal(0, 0.1, 360)).stationary
