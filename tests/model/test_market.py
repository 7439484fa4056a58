"""The whole day's chain: determinism, money conservation, agents, outputs, shocks."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from model.accounting.ledger import Ledger
from model.accounting.metrics import PLATFORM_METRICS
from model.agents.consumer import Consumer
from model.agents.platform import Platform
from model.agents.seller import SELLER_KINDS, Seller
from model.market.market_model import MarketModel
from tests.conftest import two_platform_config


def run(config, seed, days):
    model = MarketModel(config, rng=seed)
    model.run(days)
    return model


def test_same_seed_same_numbers_bit_for_bit(small_config):
    a = run(small_config, 7, 40)
    b = run(small_config, 7, 40)
    pd.testing.assert_frame_equal(a.platform_frame(), b.platform_frame(), check_exact=True)
    pd.testing.assert_frame_equal(a.migration_frame(), b.migration_frame(), check_exact=True)
    assert np.array_equal(a.consumers.habit, b.consumers.habit)


def test_networks_are_seeded_and_analysable_with_networkx(small_config):
    a, b = MarketModel(small_config, rng=5), MarketModel(small_config, rng=5)
    graph = a.consumer_network()
    assert graph.number_of_nodes() == small_config.consumers.n_consumers
    assert set(graph.edges()) == set(b.consumer_network().edges())
    assert set(a.seller_network().edges()) == set(b.seller_network().edges())
    # a small world: short paths although contacts are mostly local
    sample = graph.subgraph(max(nx.connected_components(graph), key=len))
    assert nx.average_clustering(sample) > 0.2


def test_different_seed_different_numbers(small_config):
    a = run(small_config, 1, 20).platform_frame()
    b = run(small_config, 2, 20).platform_frame()
    assert not np.allclose(a["gmv"], b["gmv"])


def test_money_is_conserved_every_step():
    config = two_platform_config(**{
        "platforms.B.kind": "low_fee_marketplace", "platforms.B.coupon_rate": 0.1,
        "platforms.B.subsidy_budget": 2000.0, "platforms.A.monthly_fee": 20.0,
        "platforms.B.marketing_spend": 50.0, "platforms.A.membership_fee": 2.0,
        "platforms.A.membership_review_days": 15, "platforms.A.storage_fee": 1.0,
        "platforms.B.logistics_investment": 30.0,
        "events": [{"day": 10, "kind": "enforcement_sweep", "platform": "A", "share": 0.3,
                    "duration": 20}]})
    model = MarketModel(config, rng=3)
    s = model.sellers

    def wealth():
        return (s.cash + s.frozen)[: s.count].sum(), model.platform_cash.sum()

    sellers_before, platforms_before = wealth()
    for _ in range(45):
        model.step()
        flows = model.ledger.today
        identity_gap = (flows["consumer_payments"].sum()
                        - (model.ledger.seller_receipts(flows).sum()
                           + model.ledger.platform_fees(flows).sum() + flows["ad_spend"].sum()
                           + flows["logistics_charges"].sum() - flows["subsidies"].sum()))
        assert abs(identity_gap) < 1e-6
        model.run(0.999)  # reviews and data collection of the same day
    total = model.ledger.total
    sellers_after, platforms_after = wealth()
    # Every dollar consumers paid (for goods and memberships, plus entrants' capital) is held
    # by sellers or platforms or went to suppliers, carriers and outside costs.
    paid = Ledger.money_in(total)
    kept = (sellers_after - sellers_before) + (platforms_after - platforms_before)
    outside = Ledger.money_out(total)
    assert paid > 1000
    assert total["storage_fees"].sum() > 0 and total["logistics_investment"].sum() > 0
    assert kept + outside == pytest.approx(paid, rel=1e-9, abs=1e-6)
    assert total["subsidies"].sum() <= 2000.0 + 1e-6
    assert total["subsidies"].sum() > 0
    assert total["membership_fees"].sum() > 0


def test_consumers_sellers_platforms_are_inspectable_mesa_agents(small_config):
    model = run(small_config, 1, 30)
    consumers = model.agents_by_type[Consumer]
    assert len(consumers) == small_config.consumers.n_consumers
    shoppers = [c for c in consumers if c.platform is not None]
    assert shoppers, "some consumers have a home platform after a month"
    one = shoppers[0]
    assert one.platform in ("A", "B") and 0 < max(one.habit.values()) <= 1
    assert one.budget > 0 and one.platform in one.aware_of
    sellers = model.agents_by_type[Seller]
    assert len(sellers) == int(model.sellers.alive.sum())
    seller = next(iter(sellers))
    assert seller.kind in ("factory", "trader", "brand", "big_seller")
    assert set(seller.prices) == set(seller.platforms)
    assert {p.name for p in model.agents_by_type[Platform]} == {"A", "B"}


def test_outputs_cover_every_metric_and_day(small_config):
    model = run(small_config, 1, 35)
    frame = model.platform_frame()
    assert list(frame.columns) == ["step", "platform", *PLATFORM_METRICS]
    assert len(frame) == 35 * 2
    day = frame[frame.step == 35]
    assert day.gmv_share.sum() == pytest.approx(1.0)
    assert (day.hhi >= 5000 - 1e-9).all()  # two platforms: HHI at least 5,000
    assert (frame.take_rate.between(0, 1)).all()
    assert (day.sellers > 0).all() and (day.active_consumers > 0).all()
    kinds = model.seller_profit_frame()
    assert set(kinds.kind) == {"factory", "trader", "brand", "big_seller", "first_party"}
    sellers = model.seller_frame()
    assert (sellers.price > sellers.unit_cost).mean() > 0.9


def test_reviews_run_on_their_cadence(small_config):
    model = run(small_config, 1, 29)
    assert model.platforms[0].daily_orders.maxlen == 30
    before = model.platforms[0].unit_logistics_cost
    model.run(1)  # day 30: first monthly platform review
    assert model.platforms[0].unit_logistics_cost != before
    moves = model.migration_frame()
    assert set(moves.step.unique()) <= set(range(7, 31, 7))


def test_scheduled_fee_change_fires_on_its_day():
    config = two_platform_config(events=[
        {"day": 10, "kind": "fee_change", "platform": "A", "referral_fee": 0.3}])
    model = run(config, 1, 9)
    assert model.platforms[0].referral_fee == 0.15
    model.run(1)
    assert model.platforms[0].referral_fee == 0.3
    assert model.event_log[-1][0] == 10 and "A fee change" in model.event_log[-1][1]
    assert model.config.platform("A").referral_fee == 0.15  # configuration untouched


def test_enforcement_sweep_freezes_funds_then_releases_them():
    config = two_platform_config(events=[
        {"day": 5, "kind": "enforcement_sweep", "platform": "A", "share": 0.5, "duration": 10}])
    model = run(config, 2, 5)
    frozen = model.sellers.frozen.sum()
    assert frozen > 0
    suspended = model.migration_frame().query("move == 'suspended'").sellers.sum()
    assert suspended > 0
    model.run(10)
    assert model.sellers.frozen.sum() == pytest.approx(0.0)


def test_fee_change_can_reset_every_fee_lever():
    config = two_platform_config(events=[
        {"day": 3, "kind": "fee_change", "platform": "A", "fulfilment_markup": 0.6,
         "monthly_fee": 39.99, "ad_slots": 5, "ad_reserve_cpc": 0.8}])
    model = run(config, 1, 2)
    fee_before = model.platforms[0].fulfilment_fee
    model.run(1)
    platform = model.platforms[0]
    assert platform.fulfilment_fee == pytest.approx(fee_before / 1.3 * 1.6)
    assert (platform.monthly_fee, platform.ad_slots, platform.ad_reserve_cpc) == (39.99, 5, 0.8)
    model.run(1)
    sponsored = [sl.sponsored.sum() for (p, _), sl in model.slates.items() if p == 0]
    assert max(sponsored) > 3
    assert all((sl.cpc[sl.sponsored] >= 0.8 - 1e-12).all()
               for (p, _), sl in model.slates.items() if p == 0)


def test_take_rate_is_measured_on_third_party_sales():
    config = two_platform_config(**{"platforms.A.kind": "incumbent"})
    model = run(config, 2, 20)
    total = model.ledger.total
    paid = (model.ledger.platform_fees(total) + total["ad_spend"])[0]
    assert total["third_party_gmv"][0] < total["gmv"][0]  # the 1P lines sell too
    frame = model.platform_frame().query("platform == 'A'")
    assert frame.take_rate.mean() == pytest.approx(paid / total["third_party_gmv"][0], rel=0.15)


def test_seller_profit_by_kind_is_sales_minus_costs_not_capital():
    """Capital that entrants bring in is owners' money, not profit: each kind's profit is
    its sellers' wealth net of the capital they brought, and all kinds together earn what
    the ledger says sellers kept of their sales after fees, ads, carriers, goods and stores."""
    model = run(two_platform_config(**{"sellers.entry_rate": 0.05}), 1, 90)
    t = model.ledger.total
    assert t["seller_capital"].sum() > 0          # entrants did bring capital in
    by_kind = model.seller_profit_frame().groupby("kind").profit.sum()
    s, n = model.sellers, model.sellers.count
    net_worth = s.cash[:n] + s.frozen[:n] - s.capital[:n]
    for k, kind in enumerate(SELLER_KINDS):
        assert by_kind[kind] == pytest.approx(net_worth[s.kind[:n] == k].sum(), abs=1e-6)
    kept = (Ledger.seller_receipts(t) - t["cost_of_goods"] - t["store_costs"]
            - t["first_party_margin"]).sum()
    assert by_kind.sum() == pytest.approx(kept, rel=1e-9, abs=1e-6)


def test_ratios_with_nothing_to_divide_are_nan_not_placeholders():
    """A platform not yet launched has no price index, take rate or CPC (NaN, not 1.0 or
    0); once it has listings and sales they are numbers."""
    model = run(two_platform_config(**{"platforms.B.launch_day": 30,
                                       "platforms.B.ad_slots": 0}), 1, 60)
    frame = model.platform_frame().set_index(["platform", "step"])
    before, after = frame.loc["B"].loc[:29], frame.loc["B"].loc[40:]
    for metric in ("price_index", "take_rate", "avg_cpc", "new_product_share"):
        assert before[metric].isna().all(), metric
    assert after["price_index"].notna().all() and after["take_rate"].notna().any()
    assert after["avg_cpc"].isna().all()          # no ad slots: no paid click, no CPC
    assert frame.loc["A", "price_index"].between(0.3, 3).all()
