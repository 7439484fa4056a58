"""Platforms open and close: an entrant's launch and a platform's exit when its money and
its parent's funding run out (Evans and Schmalensee 2010 on failed entry)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.agents.seller import INDEPENDENT
from model.platforms.allocation import refresh_slates
from model.supply import products
from model.supply.migration import NONE

if TYPE_CHECKING:
    from model.agents.platform import Platform
    from model.market.state import MarketState


def launch_platform(market: MarketState, platform: Platform) -> None:
    """Open a platform: consumers hear of it and it recruits its first sellers (an
    adaptive platform's record starts here)."""
    platform.launched = True
    market.make_aware(platform.index, platform.config.initial_awareness)
    recruited = market.review.recruit(platform.index, platform.config.initial_sellers)
    products.add_first_party_lines(market, platform.index,
                                   platform.config.first_party_products)
    market.log_event(f"{platform.name} launched; {recruited} sellers recruited")
    refresh_slates(market)
    platform.strategy_state.clean_from = market.recorder.days


def close_platform(market: MarketState, platform: Platform) -> None:
    """A platform exits: every store on it closes (its own lines retire) and
    consumers can no longer choose it."""
    s, p = market.sellers, platform.index
    platform.launched = False
    platform.exited = True
    stores = np.flatnonzero(s.listed[: s.count, p] & s.alive[: s.count])
    independent = stores[s.owner[stores] == INDEPENDENT]
    market.record_moves("close", independent, p, NONE)
    s.listed[stores, p] = False
    market.retire_sellers(stores[s.owner[stores] != INDEPENDENT])
    market.consumers.member[:, p] = False   # a paid membership ends with the platform
    market.log_event(f"{platform.name} exits: its cash and its parent's funding are "
                     f"exhausted; {len(independent)} stores closed")
    refresh_slates(market)
