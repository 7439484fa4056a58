"""Traffic allocation: every platform ranks its listings per category into today's slates.

Each platform ranks by its own rule (:mod:`model.platforms.traffic`), adds the boosts its
business model gives (brands, its fulfilment, content engagement, the parity penalty) and
sells the top slots by the ad auction (:mod:`model.platforms.ad_auction`). The slates set
the price and selection indices consumers weigh tomorrow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.agents.seller import SELLER_KINDS
from model.platforms import content_feed, traffic

if TYPE_CHECKING:
    from model.config.platforms import PlatformConfig
    from model.market.state import MarketState

BRAND = SELLER_KINDS.index("brand")


def refresh_slates(market: MarketState) -> None:
    """Rank every platform's listings per category into today's slates.

    Also updates ``market.price_index`` (attention-weighted price / reference price on the
    slate) and ``market.listings`` (selection), which consumers weigh tomorrow.
    """
    s, n = market.sellers, market.sellers.count
    stores = s.listed[:n] & s.alive[:n, None]
    category = s.category[:n]
    market.slates.clear()
    market.listings[:] = 0
    for platform in market.platforms:
        p, cfg = platform.index, platform.config
        if not platform.launched:
            continue
        for c in range(len(market.category_names)):
            candidates = np.flatnonzero(stores[:, p] & (category == c))
            if cfg.business_model == "managed" and len(candidates):
                candidates = traffic.within_supply_tolerance(
                    candidates, s.supply_price[candidates, p], cfg.price_tolerance)
            market.listings[p, c] = len(candidates)
            if len(candidates) == 0:
                continue
            scores = traffic.rank_scores(
                cfg.traffic_rule, sales_score=s.sales_score[candidates, p],
                rating=s.rating[candidates, p], price=s.price[candidates, p],
                quality=s.quality[candidates], age_days=market.day - s.listed_since[candidates, p],
                stickiness=cfg.organic_stickiness, new_seller_boost=cfg.new_seller_boost,
                rng=market.rng, ranking=market.config.ranking)
            scores += cfg.brand_boost * (s.kind[candidates] == BRAND)
            if lets_sellers_choose(cfg):
                scores += cfg.fulfilment_rank_boost * s.fulfilled[candidates, p]
            if cfg.business_model == "content" and cfg.engagement_weight > 0:
                scores += content_feed.rank_bonus(
                    s.quality[candidates], s.channel[candidates],
                    s.engagement[candidates, p], cfg.engagement_gain, cfg.engagement_weight)
            if cfg.price_parity:
                compared = s.listed[candidates] & platform.compared[None, :]
                scores -= traffic.parity_penalty(s.price[candidates], compared, p,
                                                 market.config.ranking)
            slate = traffic.build_slate(
                candidates, scores, s.ad_bid[candidates, p], s.rating[candidates, p] + 0.1,
                cfg.slate_size, platform.ad_slots, platform.ad_reserve_cpc)
            market.slates[(p, c)] = slate
            attention = traffic.position_ctr(len(slate.sellers), *position_attention(market))
            relative = s.price[slate.sellers, p] / market.reference_price[c]
            market.price_index[p, c] = np.average(relative, weights=attention)


def fulfilled_by_platform(platforms: list) -> np.ndarray:
    """Per platform: whether sellers' orders there are shipped from its warehouses by its
    fulfilment service (a managed or retail platform ships its own stock and charges
    sellers nothing for it)."""
    return np.array([p.config.fulfilment and not p.config.sells_its_own_stock
                     for p in platforms])


def organic_visibility(market: MarketState) -> np.ndarray:
    """(sellers x platforms) attention each store gets from its organic place on today's
    slate, relative to the top organic place (1 at the top, 0 off the slate or shown only
    as an ad)."""
    visibility = np.zeros_like(market.sellers.sales_score)
    for (p, _), slate in market.slates.items():
        organic = slate.sellers[~slate.sponsored]
        visibility[organic, p] = (traffic.position_ctr(len(organic), *position_attention(market))
                                  / traffic.position_ctr(1, *position_attention(market))[0])
    return visibility


def position_attention(market: MarketState) -> tuple[float, float]:
    """Clicks per shopper at the top of a slate and their decay per position."""
    consumers = market.config.consumers
    return consumers.first_position_ctr, consumers.attention_decay


def slate_matrix(market: MarketState) -> tuple[np.ndarray, np.ndarray]:
    """Seller index at each (platform, category, position), -1 where empty; and whether
    the position is sponsored."""
    width = max([pc.slate_size for pc in market.config.platforms], default=1)
    shape = (len(market.platforms), len(market.category_names), width)
    ids = np.full(shape, -1, np.int64)
    sponsored = np.zeros(shape, dtype=bool)
    for (p, c), slate in market.slates.items():
        ids[p, c, : len(slate.sellers)] = slate.sellers
        sponsored[p, c, : len(slate.sellers)] = slate.sponsored
    return ids, sponsored


def lets_sellers_choose(config: PlatformConfig) -> bool:
    """Whether a platform's sellers choose between its fulfilment and their own."""
    return (config.fulfilment and config.fulfilment_choice
            and config.business_model != "managed")
