"""The day's close: the ledger's books for the day and every metric, into the recorder.

Seller profit is the change in sellers' wealth (cash and frozen funds) since yesterday's
close; a seller created today starts from the capital it brought in, which is its owners'
money, not income.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.accounting import metrics
from model.accounting.metrics import ACTIVE_WINDOW_DAYS, LEVER_METRICS
from model.agents.seller import INDEPENDENT, SELLER_KINDS
from model.demand import membership

if TYPE_CHECKING:
    from model.market.state import MarketState


def snapshot_wealth(market: MarketState) -> None:
    """Remember sellers' wealth at this close (tomorrow's profit is measured from it)."""
    s = market.sellers
    market.wealth_yesterday = (s.cash + s.frozen)[: s.count].copy()


def close_day(market: MarketState) -> None:
    """Close the day's books and record every metric."""
    s, n, day = market.sellers, market.sellers.count, market.day
    flows = market.ledger.close_day()
    for platform, orders in zip(market.platforms, flows["orders"], strict=True):
        platform.daily_orders.append(orders)
    third_party = s.alive[:n] & (s.owner[:n] == INDEPENDENT)
    stores = s.listed[:n] & third_party[:, None]
    multi = stores & (stores.sum(axis=1) > 1)[:, None]
    recent = market.consumers.last_visit > day - ACTIVE_WINDOW_DAYS
    weights = market.category_weight / market.category_weight.sum()
    wealth = (s.cash + s.frozen)[:n]
    yesterday = len(market.wealth_yesterday)
    baseline = np.concatenate([market.wealth_yesterday, s.capital[yesterday:n]])
    change = wealth - baseline
    kind_profit = np.bincount(s.kind[:n], weights=change, minlength=len(SELLER_KINDS))
    state = {
        "active_consumers": recent.sum(axis=0),
        "sellers": stores.sum(axis=0),
        "multihoming_sellers": multi.sum(axis=0),
        "price_index": metrics.reported_price_index(market.price_index, market.listings,
                                                    weights),
        "delivery_days": np.array([p.delivery_days for p in market.platforms]),
        "consumer_surplus": market.surplus_today.copy(),
        "cash": market.platform_cash.copy(),
        "member_share": (membership.member_share(market.consumers.member,
                                                 market.serves[market.consumers.region])
                         if market.membership_fee.any() else np.zeros(len(market.platforms))),
        **{lever: np.array([float(p.lever(lever)) for p in market.platforms])
           for lever in LEVER_METRICS},
    }
    market.recorder.record_day(flows, state, kind_profit)
    market.surplus_today[:] = 0.0
    snapshot_wealth(market)
