"""Paid consumer membership (model.membership): who joins, and the lock-in it builds."""

from __future__ import annotations

import numpy as np
import pytest

import model.market.day as market_module
from model.agents.consumer import Consumer
from model.demand import membership
from model.market.market_model import MarketModel
from tests.conftest import two_platform_config

CUT_DAY = 91


def test_a_consumer_joins_when_the_benefit_exceeds_the_fee():
    habit = np.array([[1.0, 0.0], [1.0, 0.0], [0.1, 0.9]])
    value = membership.membership_value(
        trips_per_day=np.array([0.2, 0.02, 0.2]),
        habit=habit,
        platform=0,
        delivery_sensitivity=np.full(3, 0.5),
        price_sensitivity=np.full(3, 4.0),
        days_saved=2.0,
        loyalty=0.5,
        reference_price=20.0,
    )
    # frequent shopper here, rare shopper, frequent shopper who mostly shops elsewhere
    member = np.zeros(3, dtype=bool)
    membership.review(member, np.ones(3, dtype=bool), value, fee=10.0)
    assert member.tolist() == [True, False, False]
    membership.review(member, np.ones(3, dtype=bool), value, fee=100.0)
    assert not member.any(), "a fee above the value makes members leave"


def _run(fee: float, *, cut: bool = False, seed: int = 1, days: int = 150):
    """Two marketplaces; A may run a membership; B may cut prices (coupons) from day 91.
    Returns the model, A's members on day 90 and each consumer's orders per platform
    after day 90."""
    events = (
        [{"day": CUT_DAY, "kind": "coupon_change", "platform": "B", "value": 0.3}] if cut else []
    )
    config = two_platform_config(
        **{
            "platforms.A.membership_fee": fee,
            "platforms.B.subsidy_budget": 1e7,
            "steps": days,
            "events": events,
        }
    )
    model = MarketModel(config, rng=seed)
    orders = np.zeros((len(model.consumers), 2))
    serve = market_module.serve_shoppers

    def recording(m, *args):
        buyers, bought_on, units = serve(m, *args)
        if m.day >= CUT_DAY:
            np.add.at(orders, (buyers, bought_on), 1.0)
        return buyers, bought_on, units

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(market_module, "serve_shoppers", recording)
        model.run(CUT_DAY - 1)
        members = model.consumers.member[:, 0].copy()
        model.run(days - CUT_DAY + 1)
    return model, members, orders


def _late(model: MarketModel, metric: str, platform: str) -> float:
    frame = model.platform_frame()
    late = frame[(frame.step > 120) & (frame.platform == platform)]
    return float(late[metric].mean())


def test_fewer_consumers_join_at_a_higher_fee_and_none_without_a_programme():
    shares = [_late(_run(fee, days=130)[0], "member_share", "A") for fee in (1.0, 4.0, 50.0)]
    assert shares[0] > shares[1] > shares[2]
    assert shares[0] > 0.3 and shares[2] == 0.0
    plain = _run(0.0, days=130)[0]
    assert _late(plain, "member_share", "A") == 0.0
    assert not plain.consumers.member.any()


def test_members_concentrate_their_purchases_on_the_platform():
    with_programme, members, orders = _run(2.0)
    without = _run(0.0)[0]
    assert members.mean() > 0.2
    share_on_a = orders[:, 0] / np.maximum(orders.sum(axis=1), 1.0)
    bought = orders.sum(axis=1) > 0
    assert share_on_a[members & bought].mean() > share_on_a[~members & bought].mean() + 0.2
    # and the programme shifts the market's purchases to A (same seed)
    assert _late(with_programme, "gmv_share", "A") > _late(without, "gmv_share", "A") + 0.05


def test_a_rivals_price_cut_moves_fewer_members_than_non_members():
    _, members, base = _run(2.0, seed=2)
    _, members_cut, cut = _run(2.0, cut=True, seed=2)
    assert (members == members_cut).all(), "same seed: the same members before the cut"
    # relative loss of A's orders when B cuts its prices by a 30% coupon
    loss_members = 1 - cut[members, 0].sum() / base[members, 0].sum()
    loss_others = 1 - cut[~members, 0].sum() / base[~members, 0].sum()
    assert loss_members > 0.05, "members do respond to a large price cut"
    assert loss_members < loss_others - 0.1


def test_membership_fees_are_paid_by_members_to_the_platform():
    config = two_platform_config(**{"platforms.A.membership_fee": 3.0})
    model = MarketModel(config, rng=4)
    cash_before = model.platform_cash.copy()
    model.run(40)
    frame = model.platform_frame()
    fees = model.ledger.total["membership_fees"]
    assert fees[1] == 0.0
    # days 31-40 after the first review: every member pays fee / 30 a day
    members = model.consumers.member[:, 0].sum()
    assert members > 0
    assert fees[0] == pytest.approx(10 * members * 3.0 / 30)
    member = int(np.flatnonzero(model.consumers.member[:, 0])[0])
    assert next(a for a in model.agents_by_type[Consumer] if a.index == member).member_of == ["A"]
    profit = frame.groupby("platform", sort=False)["profit"].sum().to_numpy()
    assert model.platform_cash - cash_before == pytest.approx(profit)
