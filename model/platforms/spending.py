"""Platforms' daily spending on growth: outside advertising (reached consumers hear of the
platform), logistics investment, and fixed costs."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from model.market.state import MarketState


def spend_on_growth(market: MarketState) -> None:
    """Platforms buy outside advertising (reached consumers become aware), invest in
    logistics and pay their fixed costs."""
    n = len(market.consumers)
    for platform in market.platforms:
        invested = platform.invest_in_logistics()
        if invested > 0:
            market.platform_cash[platform.index] -= invested
            market.ledger.add("logistics_investment", platform.index, invested)
        spend = platform.marketing_spend
        if not platform.launched or spend <= 0 or not platform.funded:
            continue
        reached = market.rng.integers(0, n, size=int(spend / platform.config.reach_cost))
        reached = reached[market.serves[market.consumers.region[reached], platform.index]]
        market.consumers.aware[reached, platform.index] = True
        market.platform_cash[platform.index] -= spend
        market.ledger.add("marketing", platform.index, spend)
    fixed = market.market_scale * np.array([p.config.fixed_cost if p.launched else 0.0
                                            for p in market.platforms])
    market.platform_cash -= fixed
    market.ledger.add("fixed_costs", np.arange(len(market.platforms)), fixed)
