"""Sellers' choice of platform fulfilment vs their own shipping (model.fulfilment)."""

from __future__ import annotations

import numpy as np
import pytest

from model.accounting.ledger import Ledger
from model.config.scenario import ConfigError
from model.market.market_model import MarketModel
from model.supply.fulfilment import prefers_fulfilment
from tests.conftest import two_platform_config

KINDS = ("factory", "trader", "brand", "big_seller")


def _run(days: int = 90, seed: int = 1, **changes) -> MarketModel:
    config = two_platform_config(
        **{"platforms.A.fulfilment_choice": True, "steps": days, **changes}
    )
    model = MarketModel(config, rng=seed)
    model.run(days)
    return model


def _self_shipping_share(model: MarketModel) -> float:
    s, n = model.sellers, model.sellers.count
    stores = s.listed[:n, 0] & s.alive[:n]
    return float((~s.fulfilled[:n, 0])[stores].mean())


def test_a_store_fulfils_while_the_fee_is_worth_the_extra_sales():
    common = {
        "price": 20.0,
        "referral_rate": 0.15,
        "unit_cost": 9.0,
        "demand_gain": 0.3,
    }
    # margin before logistics $8: with the fee ($5) it is $3 on 1.3x the sales (3.9), so
    # a store fulfils unless it ships for less than $4.10 itself
    choice = prefers_fulfilment(
        fulfilment_fee=5.0, own_shipping=np.array([5.0, 4.2, 4.0, 2.0]), **common
    )
    assert choice.tolist() == [True, True, False, False]
    # the demand gain makes a fee above one's own shipping cost worth paying, up to a point
    assert prefers_fulfilment(fulfilment_fee=5.5, own_shipping=np.array([5.0]), **common)[0]
    assert not prefers_fulfilment(fulfilment_fee=7.0, own_shipping=np.array([5.0]), **common)[0]


def test_raising_the_fulfilment_markup_makes_more_sellers_ship_themselves():
    shares = [
        _self_shipping_share(_run(**{"platforms.A.fulfilment_markup": markup}))
        for markup in (0.0, 0.6, 1.5)
    ]
    assert shares[0] < shares[1] < shares[2]
    assert shares[0] < 0.3 and shares[2] > 0.7


def test_sellers_with_good_logistics_ship_themselves_more():
    def with_logistics(skill: float) -> float:
        kinds = {f"sellers.kinds.{k}.logistics": skill for k in KINDS}
        return _self_shipping_share(_run(days=60, **kinds))

    assert with_logistics(0.9) > with_logistics(0.2) + 0.2


def test_fulfilment_revenue_falls_once_fees_pass_sellers_own_shipping():
    def revenue(markup: float, choice: bool) -> float:
        model = _run(
            **{"platforms.A.fulfilment_markup": markup, "platforms.A.fulfilment_choice": choice}
        )
        return float(model.ledger.total["fulfilment_fees"][0])

    # Forced on every seller, a higher fee loses some volume as it passes into prices; with
    # a choice, sellers leave for their own shipping once the fee passes its cost, and the
    # platform's fulfilment revenue falls much faster.
    forced = revenue(2.5, choice=False) / revenue(0.6, choice=False)
    chosen = revenue(2.5, choice=True) / revenue(0.6, choice=True)
    assert chosen < 0.5
    assert chosen < forced - 0.15


def test_shoppers_buy_less_from_slow_self_shipped_listings():
    def self_shipped_sales(delay: float) -> float:
        model = _run(
            **{"platforms.A.own_delivery_days": delay, "platforms.A.fulfilment_markup": 0.6}
        )
        flows = model.ledger.total
        own, fba = flows["logistics_charges"][0], flows["fulfilment_fees"][0]
        return own / (own + fba)

    assert self_shipped_sales(8.0) < self_shipped_sales(0.0) - 0.05


def test_without_the_choice_every_store_uses_the_platforms_fulfilment():
    model = _run(
        days=40, **{"platforms.A.fulfilment_choice": False, "platforms.A.fulfilment_markup": 2.5}
    )
    assert model.ledger.total["logistics_charges"][0] == 0.0
    assert model.ledger.total["fulfilment_fees"][0] > 0


def test_money_is_conserved_when_sellers_choose():
    config = two_platform_config(
        **{
            "platforms.A.fulfilment_choice": True,
            "platforms.A.fulfilment_markup": 0.8,
            "platforms.A.membership_fee": 2.0,
        }
    )
    model = MarketModel(config, rng=5)
    s = model.sellers
    before = (s.cash + s.frozen)[: s.count].sum() + model.platform_cash.sum()
    model.run(50)
    total = model.ledger.total
    assert total["logistics_charges"][0] > 0 and total["fulfilment_fees"][0] > 0
    after = (s.cash + s.frozen)[: s.count].sum() + model.platform_cash.sum()
    assert after - before + Ledger.money_out(total) == pytest.approx(Ledger.money_in(total),
                                                                     rel=1e-9)


def test_a_choice_of_fulfilment_needs_a_platform_that_offers_it():
    with pytest.raises(
        ConfigError, match=r"platforms.B.fulfilment_choice = True.*fulfilment = False"
    ):
        two_platform_config(
            **{"platforms.B.fulfilment": False, "platforms.B.fulfilment_choice": True}
        )
