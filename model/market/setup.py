"""Building a market from its configuration: platforms, consumers and their network,
sellers and their first stores, and the first slates.

The order of construction is the order of the random draws, so it is part of the model:
same configuration and seed, same market.
"""

from __future__ import annotations

import mesa
import numpy as np

from model.accounting.collection import snapshot_wealth
from model.accounting.ledger import Ledger
from model.accounting.metrics import Recorder
from model.agents.consumer import Consumer, ConsumerArrays
from model.agents.platform import Platform
from model.agents.seller import SELLER_KINDS, SellerAgents, SellerArrays
from model.config.scenario import MarketConfig
from model.market.state import Calendar, MarketState
from model.platforms import fees
from model.platforms.allocation import refresh_slates
from model.supply.review import SellerReview
from model.world import network


def build_market(config: MarketConfig, model: mesa.Model) -> MarketState:
    """The market on day 0, or with a warm-up on the day before it (``-warmup_days``).
    ``model`` is the Mesa model the agents belong to; its ``rng`` is the only source of
    randomness."""
    rng = model.rng
    market = MarketState(config, rng, Calendar(model))
    if config.warmup_days > 0:   # the market is built on the day before its warm-up
        market.calendar.warmup_day = -config.warmup_days
    n_platforms = len(config.platforms)
    market.platforms = [Platform(model, i, pc, market.platform_cash, market.market_scale)
                        for i, pc in enumerate(config.platforms)]
    market.platform_by_name = {p.name: p for p in market.platforms}

    market.consumers = ConsumerArrays.draw(
        config.consumers, n_platforms, np.array([r.share for r in config.regions]), rng)
    for platform in market.platforms:
        if platform.launched:
            market.make_aware(platform.index, platform.config.initial_awareness)
    sources, targets = network.small_world_edges(
        config.consumers.n_consumers, config.consumers.network_degree,
        config.consumers.network_rewiring, rng)
    market.contacts = network.to_csr(config.consumers.n_consumers, sources, targets)
    for i in range(config.consumers.n_consumers):
        Consumer(model, i)

    market.sellers = SellerArrays.empty(2 * config.sellers.n_sellers, n_platforms)
    market.seller_agents = SellerAgents(model)
    market.review = SellerReview(market)
    market.review.populate(config.sellers.n_sellers)

    market.band_gmv = np.zeros((n_platforms, len(config.categories), fees.PRICE_BANDS))
    market.ledger = Ledger(n_platforms)
    market.recorder = Recorder(config.steps, market.platform_names, SELLER_KINDS)
    snapshot_wealth(market)
    market.review.reprice()
    refresh_slates(market)
    return market
