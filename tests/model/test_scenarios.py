"""The named scenarios tell their stories: each run moves in the direction its sources report.

Runs are shortened (fewer days, sometimes fewer agents) to keep the file fast; where a story is
a cause (a sweep, a fee cut) the test compares with the same scenario and seed without it.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from model.accounting.targets import measure
from model.config.scenario import MarketConfig, list_scenarios, load_scenario
from model.market.market_model import MarketModel

SCENARIOS = ("flywheel", "new_rivals", "fee_creep", "closure_wave", "apparel_fee_cut",
             "platform_models", "global_listing")


def run(config: MarketConfig, days: int, seed: int = 1) -> MarketModel:
    model = MarketModel(config, rng=seed)
    model.run(days)
    return model


def series(model: MarketModel, platform: str, metric: str) -> pd.Series:
    frame = model.platform_frame()
    return frame[frame.platform == platform].set_index("step")[metric]


def window(model: MarketModel, platform: str, metric: str, start: int, end: int) -> float:
    """Mean of a metric over days start..end."""
    return float(series(model, platform, metric).loc[start:end].mean())


def without_events(config: MarketConfig, kind: str) -> MarketConfig:
    return dataclasses.replace(config, events=[e for e in config.events if e.kind != kind])


def test_every_scenario_is_listed_with_a_story_and_targets():
    listed = dict(list_scenarios())
    for name in SCENARIOS:
        assert listed.get(name), f"{name} missing or without a story"
        config = load_scenario(name)
        assert config.targets, f"{name} records no reported figures"
        assert all(t.reported for t in config.targets)


def test_flywheel_marketplace_grows_from_small_and_overtakes_the_rival():
    model = run(load_scenario("flywheel", {"consumers.n_consumers": 10_000,
                                           "sellers.n_sellers": 250}), 540)
    share = series(model, "marketplace", "gmv_share")
    assert share.loc[1:7].mean() < 0.3
    assert share.iloc[-30:].mean() > 0.55
    sellers = series(model, "marketplace", "sellers")
    assert sellers.iloc[-7:].mean() > 1.3 * sellers.loc[30:36].mean()
    # selection, competition and scale: its prices fall as it grows
    assert window(model, "marketplace", "price_index", 480, 540) < \
        window(model, "marketplace", "price_index", 30, 60) - 0.02


def test_new_rivals_entrant_users_multiply_while_the_incumbent_dips():
    model = run(load_scenario("new_rivals"), 457)
    managed = series(model, "managed", "active_consumers").loc[92:457]
    incumbent = series(model, "incumbent", "active_consumers").loc[92:457]
    fast_fashion = series(model, "fast_fashion", "active_consumers").loc[92:457]
    assert measure(managed, "growth") > 5.0            # reported x17.9
    assert -0.2 < measure(incumbent, "change") < 0.0   # reported -4.7%
    assert measure(fast_fashion, "growth") > 1.2       # reported x1.9
    # by Sep 2023 the entrant has a large minority of the incumbent's users, not all of them
    assert 0.3 < managed.iloc[-7:].mean() / incumbent.iloc[-7:].mean() < 1.0
    # shoppers multi-home: most of the fast-fashion shoppers also used the managed platform
    names = model.platform_names
    recent = model.consumers.last_visit > model.day - 30
    ff, mg = names.index("fast_fashion"), names.index("managed")
    assert recent[recent[:, ff], mg].mean() > 0.5      # reported > 60%
    # sellers add the entrant rather than leave the incumbent
    moves = model.migration_frame()
    adds = moves[(moves.move == "add") & (moves.from_platform == "incumbent")
                 & (moves.to_platform == "managed")].sellers.sum()
    assert adds > 50
    assert window(model, "incumbent", "multihoming_sellers", 420, 457) > \
        2 * window(model, "incumbent", "multihoming_sellers", 90, 100)
    # the managed platform sells far cheaper, and pays for it with coupons and its parent's money
    assert window(model, "managed", "price_index", 300, 457) < \
        0.8 * window(model, "incumbent", "price_index", 300, 457)
    # (it loses money every month; its starting cash lasts until about day 500, then its
    # parent's funding carries it)
    assert window(model, "managed", "cash", 450, 457) < window(model, "managed", "cash", 63, 70)


def test_fee_creep_raises_the_share_of_sales_sellers_pay():
    config = load_scenario("fee_creep", {"consumers.n_consumers": 6000, "sellers.n_sellers": 30})
    model = run(config, 1100)   # 2016-2018: two fee rises
    first = window(model, "incumbent", "take_rate", 30, 366)
    third = window(model, "incumbent", "take_rate", 732, 1100)
    assert third > first + 0.03
    # more sellers crowd in despite the fees, and the ad auction prices clicks above its reserve
    assert window(model, "incumbent", "sellers", 1000, 1100) > \
        1.5 * window(model, "incumbent", "sellers", 1, 30)
    assert window(model, "incumbent", "avg_cpc", 732, 1100) > 2 * config.platform(
        "incumbent").ad_reserve_cpc


@pytest.fixture(scope="module")
def closure_runs() -> tuple[MarketModel, MarketModel, np.ndarray]:
    config = load_scenario("closure_wave", {"consumers.n_consumers": 12_000,
                                            "sellers.n_sellers": 300})
    treated = MarketModel(config, rng=3)
    treated.run(200)
    frozen_during = treated.sellers.frozen.copy()
    treated.run(100)
    control = run(without_events(config, "enforcement_sweep"), 300, seed=3)
    return treated, control, frozen_during


def test_closure_wave_freezes_funds_and_bankrupts_some_suspended_sellers(closure_runs):
    treated, _, frozen_during = closure_runs
    assert frozen_during.sum() > 0
    assert treated.sellers.frozen[: treated.sellers.count].sum() == pytest.approx(0.0, abs=1e-6)
    raw = pd.DataFrame(treated.recorder.moves, columns=["step", "source", "target", "move",
                                                        "seller"])
    suspended = set(raw[raw.move == "suspended"].seller)
    bankrupt = set(raw[raw.move == "bankrupt"].seller)
    assert len(suspended) > 10
    assert 0 < len(suspended & bankrupt) < len(suspended)   # some, not all, go under
    assert raw[raw.move == "suspended"].step.between(121, 205).all()


def test_closure_wave_sellers_diversify_after_the_sweep(closure_runs):
    treated, control, _ = closure_runs

    def multihoming_share(model):
        return window(model, "incumbent", "multihoming_sellers", 260, 300) / window(
            model, "incumbent", "sellers", 260, 300)

    assert window(treated, "incumbent", "sellers", 220, 300) < \
        window(control, "incumbent", "sellers", 220, 300)
    assert multihoming_share(treated) > multihoming_share(control)


def incumbent_cheap_apparel(model: MarketModel) -> pd.DataFrame:
    frame = model.seller_frame()
    return frame[(frame.platform == "incumbent") & (frame.category == "apparel")
                 & (frame.kind != "first_party")]


def test_apparel_fee_cut_lowers_incumbent_prices_under_15_dollars():
    config = load_scenario("apparel_fee_cut", {"consumers.n_consumers": 10_000,
                                               "sellers.n_sellers": 250})
    treated = run(config, 220, seed=2)
    control = run(without_events(config, "fee_change"), 220, seed=2)
    cut, same = incumbent_cheap_apparel(treated), incumbent_cheap_apparel(control)
    # more of the incumbent's listings sit under $15, and they are cheaper
    assert (cut.price <= 15).mean() > (same.price <= 15).mean()
    assert cut.price[cut.price <= 20].mean() < same.price[same.price <= 20].mean()
    assert window(treated, "incumbent", "take_rate", 150, 220) < \
        window(control, "incumbent", "take_rate", 150, 220) - 0.02
    assert window(treated, "incumbent", "gmv_share", 150, 220) > \
        window(control, "incumbent", "gmv_share", 150, 220)


def test_platform_models_auction_gives_newcomers_exposure_incumbent_keeps_shoppers():
    model = run(load_scenario("platform_models", {"consumers.n_consumers": 12_000,
                                                  "sellers.n_sellers": 300}), 300)
    s, n, names = model.sellers, model.sellers.count, model.platform_names
    stores = s.listed[:n] & s.alive[:n, None] & (s.owner[:n] == -1)[:, None]
    young = stores & (s.listed_since[:n] > model.day - 90)
    auction, incumbent = names.index("auction"), names.index("incumbent")

    def young_share_of_sales(p):
        sales = s.sales_score[:n, p]
        return sales[young[:, p]].sum() / sales[stores[:, p]].sum()

    # the auction site's low entry threshold draws newcomers, and its fair ranking sells their
    # goods; on the incumbent's sticky ranking new stores sell little
    assert young[:, auction].mean() / stores[:, auction].mean() > \
        young[:, incumbent].mean() / stores[:, incumbent].mean()
    assert young_share_of_sales(auction) > 0.3 > young_share_of_sales(incumbent)
    final = model.platform_frame().query("step > 270").groupby("platform").mean(
        numeric_only=True)
    # the sources' ranking is of marketplaces; the JD-like 1P retailer, which has no US
    # counterpart there, takes ~40-50% (a known gap, stated in the scenario and its target)
    marketplaces = final.gmv_share.drop("retail")
    assert marketplaces.idxmax() == "incumbent"
    assert final.gmv_share.idxmin() == "paid_traffic"   # little natural traffic, slow, disloyal
    # low commission: sellers there pay far less per sale than on the incumbent
    assert final.take_rate["paid_traffic"] < 0.5 * final.take_rate["incumbent"]


def test_global_listing_lists_once_and_emerging_markets_grow_faster():
    config = load_scenario("global_listing", {"consumers.n_consumers": 12_000,
                                              "sellers.n_sellers": 300})
    model = MarketModel(config, rng=1)
    model.run(1)
    s, names = model.sellers, model.platform_names
    br, us = names.index("global_br"), names.index("global_us")
    on_br = s.listed[: s.count, br] & s.alive[: s.count]
    assert on_br.sum() > 20
    assert s.listed[: s.count, us][on_br].all()          # list once, sell everywhere
    model.run(364)
    growth = {p: measure(series(model, p, "gmv").loc[30:], "growth")
              for p in ("global_br", "global_us")}
    brazil = series(model, "global_br", "gmv") + series(model, "local_br", "gmv")
    assert growth["global_br"] > growth["global_us"]
    # the emerging market itself (both its platforms) grows faster than the mature one
    assert measure(brazil.loc[30:], "growth") > growth["global_us"]
