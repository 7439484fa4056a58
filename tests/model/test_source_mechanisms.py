"""Mechanisms the sources describe: storage fees, faster delivery from logistics
investment, dropping a rival from price comparison, recruiting factory sellers."""

from __future__ import annotations

import numpy as np

from model.agents.seller import SELLER_KINDS
from model.config.scenario import config_from_dict
from model.market.market_model import MarketModel
from tests.conftest import two_platform_config

FACTORY = SELLER_KINDS.index("factory")


def run(days, seed=1, events=(), **changes):
    model = MarketModel(two_platform_config(events=list(events), **changes), rng=seed)
    model.run(days)
    return model


def test_storage_fees_are_paid_by_fulfilled_stores_and_passed_into_prices():
    """A storage fee is a cost of every unit sold through the platform's warehouses
    (prices rise), and weighs most on slow sellers, whose minimum stock sits unsold."""
    free, charged = (run(60, **{"platforms.A.storage_fee": fee}) for fee in (0.0, 3.0))
    assert free.ledger.total["storage_fees"].sum() == 0.0
    fees = charged.ledger.total["storage_fees"]
    assert fees[0] > 0 and fees[1] == 0.0          # only A charges, only its stores pay
    s, n = charged.sellers, charged.sellers.count
    on_a = s.alive[:n] & s.listed[:n, 0]
    both = on_a & s.listed[:n, 1]
    gap = (s.price[:n, 0] - s.price[:n, 1])[both].mean()
    f, fn = free.sellers, free.sellers.count
    both_free = f.alive[:fn] & f.listed[:fn, 0] & f.listed[:fn, 1]
    assert gap > (f.price[:fn, 0] - f.price[:fn, 1])[both_free].mean() + 0.5
    frame = charged.platform_frame().set_index(["platform", "step"])
    assert frame.loc["A"].sellers.iloc[-1] < free.platform_frame().query(
        "platform == 'A'").sellers.iloc[-1]


def test_a_fee_change_can_raise_the_storage_fee():
    model = run(12, events=[{"day": 10, "kind": "fee_change", "platform": "A",
                             "storage_fee": 2.0}])
    assert model.platforms[0].storage_fee == 2.0
    assert model.config.platform("A").storage_fee == 0.0
    assert model.ledger.total["storage_fees"][0] > 0


def test_logistics_investment_makes_delivery_faster_and_wins_shoppers():
    """Warehouses make delivery faster (with diminishing returns) and shoppers who value
    speed move to the platform that invests."""
    slow = {"platforms.A.delivery_days": 6.0, "platforms.B.delivery_days": 4.0,
            "consumers.delivery_sensitivity": 0.5}
    shares = {}
    for invest in (0.0, 2000.0):
        model = run(150, **slow, **{"platforms.A.logistics_investment": invest,
                                    "platforms.A.delivery_investment_scale": 5e4})
        frame = model.platform_frame().set_index(["platform", "step"])
        days = frame.loc["A"].delivery_days
        shares[invest] = frame.loc["A"].gmv_share.loc[120:].mean()
        if invest:
            assert days.iloc[0] == 6.0 and days.iloc[-1] < 2.0
            assert (np.diff(days.to_numpy()) <= 0).all()
            assert model.ledger.total["logistics_investment"][0] > 0
        else:
            assert (days == 6.0).all()
    assert shares[2000.0] > shares[0.0] + 0.05


def test_dropping_a_rival_from_price_comparison_lets_sellers_undercut_there():
    """Under a parity clause sellers price no lower on the rival than on A; once A stops
    comparing with the rival, their prices there fall below A's."""
    parity = {"platforms.A.price_parity": True, "platforms.B.referral_fee": 0.05,
              "platforms.B.initial_sellers": 0.9, "platforms.A.initial_sellers": 0.9}

    def undercut(model):
        s, n = model.sellers, model.sellers.count
        both = s.alive[:n] & s.listed[:n, 0] & s.listed[:n, 1]
        return (s.price[:n, 1] < s.price[:n, 0] - 1e-9)[both].mean()

    kept = run(60, **parity)
    dropped = run(60, events=[{"day": 20, "kind": "price_comparison_removal",
                               "platform": "A", "rival": "B"}], **parity)
    assert undercut(kept) == 0.0
    assert undercut(dropped) > 0.5
    assert "no longer compares prices with B" in dropped.event_log[-1][1] or any(
        "no longer compares" in text for _, text in dropped.event_log)


def test_recruiting_factories_brings_factories_only():
    """Recruiting every factory with room for a store brings exactly those, and no other
    kind; recruiting half brings about half."""
    def recruit(share):
        event = {"day": 30, "kind": "recruit_sellers", "platform": "B", "share": share,
                 "seller_kind": "factory"}
        model = run(29, events=[event], **{"platforms.B.initial_sellers": 0.1})
        s, n = model.sellers, model.sellers.count
        before = s.listed[:n, 1].copy()
        room = s.listed[:n].sum(axis=1) < s.capacity[:n]
        candidates = np.flatnonzero(s.alive[:n] & (s.kind[:n] == FACTORY) & ~before & room)
        model.run(1)
        return candidates, np.flatnonzero(s.listed[:n, 1] & ~before)

    candidates, joined = recruit(1.0)
    assert len(candidates) > 10
    assert set(joined) == set(candidates)
    candidates, joined = recruit(0.5)
    assert 0.2 * len(candidates) < len(joined) < 0.8 * len(candidates)
    assert set(joined) <= set(candidates)


def test_word_of_mouth_about_a_global_brand_reaches_its_storefronts_abroad():
    """Storefronts of one listing group are one brand: a buyer at home makes contacts
    abroad aware of the storefront that serves them. Without a group they learn only of
    the platform bought on, which does not serve them."""
    def aware_abroad(group):
        data = {"name": "t", "consumers": {"n_consumers": 3000, "word_of_mouth": 0.2},
                "sellers": {"n_sellers": 100},
                "regions": [{"name": "us", "share": 0.5}, {"name": "br", "share": 0.5}],
                "platforms": [
                    {"name": "us", "kind": "marketplace", "region": "us", "listing_group": group,
                     "initial_awareness": 0.9, "initial_sellers": 0.5},
                    {"name": "br", "kind": "marketplace", "region": "br", "listing_group": group,
                     "initial_awareness": 0.0, "initial_sellers": 0.5}]}
        model = MarketModel(config_from_dict(data), rng=2)
        model.run(30)
        c = model.consumers
        return c.aware[c.region == 1, 1].mean()
    assert aware_abroad("") == 0.0
    assert aware_abroad("global") > 0.2
