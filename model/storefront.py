"""Platforms' storefronts: the slates they show today and the purchases made from them.

``refresh_slates`` is the traffic allocation step (each platform ranks its listings per
category by its own rule and sells the top slots by auction); ``serve_shoppers`` is
listing choice, payment, rating and the ad charges that follow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from agents.seller import INDEPENDENT, SELLER_KINDS
from model import (
    auction_market,
    content_feed,
    feedback,
    fees,
    fulfilment,
    retail,
    shopping,
    traffic,
)
from model.settlement import (
    Sales,
    charge_clicks,
    charge_holding_costs,
    charge_monthly_fees,
    charge_storage_fees,
    charge_store_costs,
    consolidate_first_party,
    settle_sales,
)

BRAND = SELLER_KINDS.index("brand")
NEW_PRODUCT_DAYS = 365

if TYPE_CHECKING:
    from model.market import MarketModel
    from model.participants import PlatformConfig


def refresh_slates(model: MarketModel) -> None:
    """Rank every platform's listings per category into today's slates.

    Also updates ``model.price_index`` (attention-weighted price / reference price on the
    slate) and ``model.listings`` (selection), which consumers weigh tomorrow.
    """
    s, n = model.sellers, model.sellers.count
    stores = s.listed[:n] & s.alive[:n, None]
    category = s.category[:n]
    model.slates.clear()
    model.listings[:] = 0
    for platform in model.platforms:
        p, cfg = platform.index, platform.config
        if not platform.launched:
            continue
        for c in range(len(model.category_names)):
            candidates = np.flatnonzero(stores[:, p] & (category == c))
            if cfg.business_model == "managed" and len(candidates):
                candidates = traffic.within_supply_tolerance(
                    candidates, s.supply_price[candidates, p], cfg.price_tolerance)
            model.listings[p, c] = len(candidates)
            if len(candidates) == 0:
                continue
            scores = traffic.rank_scores(
                cfg.traffic_rule, sales_score=s.sales_score[candidates, p],
                rating=s.rating[candidates, p], price=s.price[candidates, p],
                quality=s.quality[candidates], age_days=model.day - s.listed_since[candidates, p],
                stickiness=cfg.organic_stickiness, new_seller_boost=cfg.new_seller_boost,
                rng=model.rng, ranking=model.config.ranking)
            scores += cfg.brand_boost * (s.kind[candidates] == BRAND)
            if _lets_sellers_choose(cfg):
                scores += cfg.fulfilment_rank_boost * s.fulfilled[candidates, p]
            if cfg.business_model == "content" and cfg.engagement_weight > 0:
                scores += content_feed.rank_bonus(
                    s.quality[candidates], s.channel[candidates],
                    s.engagement[candidates, p], cfg.engagement_gain, cfg.engagement_weight)
            if cfg.price_parity:
                compared = s.listed[candidates] & platform.compared[None, :]
                scores -= traffic.parity_penalty(s.price[candidates], compared, p,
                                                 model.config.ranking)
            slate = traffic.build_slate(
                candidates, scores, s.ad_bid[candidates, p], s.rating[candidates, p] + 0.1,
                cfg.slate_size, platform.ad_slots, platform.ad_reserve_cpc)
            model.slates[(p, c)] = slate
            attention = traffic.position_ctr(len(slate.sellers), *_attention(model))
            relative = s.price[slate.sellers, p] / model.reference_price[c]
            model.price_index[p, c] = np.average(relative, weights=attention)


def fulfilled_by_platform(platforms: list) -> np.ndarray:
    """Per platform: whether sellers' orders there are shipped from its warehouses by its
    fulfilment service (a managed or retail platform ships its own stock and charges
    sellers nothing for it)."""
    return np.array([p.config.fulfilment and not p.config.sells_its_own_stock
                     for p in platforms])


def organic_visibility(model: MarketModel) -> np.ndarray:
    """(sellers x platforms) attention each store gets from its organic place on today's
    slate, relative to the top organic place (1 at the top, 0 off the slate or shown only
    as an ad)."""
    visibility = np.zeros_like(model.sellers.sales_score)
    for (p, _), slate in model.slates.items():
        organic = slate.sellers[~slate.sponsored]
        visibility[organic, p] = (traffic.position_ctr(len(organic), *_attention(model))
                                  / traffic.position_ctr(1, *_attention(model))[0])
    return visibility


def _attention(model: MarketModel) -> tuple[float, float]:
    """Clicks per shopper at the top of a slate and their decay per position."""
    consumers = model.config.consumers
    return consumers.first_position_ctr, consumers.attention_decay


def slate_matrix(model: MarketModel) -> tuple[np.ndarray, np.ndarray]:
    """Seller index at each (platform, category, position), -1 where empty; and whether
    the position is sponsored."""
    width = max([pc.slate_size for pc in model.config.platforms], default=1)
    shape = (len(model.platforms), len(model.category_names), width)
    ids = np.full(shape, -1, np.int64)
    sponsored = np.zeros(shape, dtype=bool)
    for (p, c), slate in model.slates.items():
        ids[p, c, : len(slate.sellers)] = slate.sellers
        sponsored[p, c, : len(slate.sellers)] = slate.sponsored
    return ids, sponsored


def serve_shoppers(model: MarketModel, shoppers: np.ndarray, categories: np.ndarray,
                   consider: np.ndarray, offset: np.ndarray, impulse: np.ndarray | None = None
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shoppers pick one listing among the slates they compare (or leave); purchases
    settle; ads are charged.

    ``consider`` (trips x platforms) marks the slates each trip compares (one for a
    single-homer, every open platform for a multi-homer); ``offset`` (trips x platforms)
    is the utility of buying on that platform rather than another (delivery, habit,
    promotions); ``impulse`` marks trips from a content feed (their sales build the
    listing's engagement, :mod:`model.content_feed`). Returns the buyers, the platform
    each bought on, and units sold per (seller, platform).
    """
    s, c = model.sellers, model.consumers
    cfg = model.config.consumers
    units = np.zeros_like(s.sales_score)
    all_ids, all_sponsored = slate_matrix(model)          # (P, C, W)
    n_trips, (n_platforms, _, width) = len(shoppers), all_ids.shape
    ids = np.where(consider[:, :, None], all_ids[:, categories].transpose(1, 0, 2), -1)
    ids = ids.reshape(n_trips, n_platforms * width)        # platform-major columns
    valid = ids >= 0
    column_platform = np.repeat(np.arange(n_platforms), width)
    if impulse is not None and impulse.any():   # a feed session shows only its top items
        shown = np.array([p.config.feed_items for p in model.platforms])[column_platform]
        beyond = np.tile(np.arange(width), n_platforms) >= shown
        valid &= ~(impulse[:, None] & beyond[None, :])
    safe = np.where(valid, ids, 0)
    coupon_rate = np.array([p.coupon_now for p in model.platforms])
    reference = model.reference_price[categories]
    price = s.price[safe, column_platform[None, :]]
    alpha = c.price_sensitivity[shoppers]
    utility = shopping.listing_utilities(
        price_sensitivity=alpha, quality_sensitivity=c.quality_sensitivity[shoppers],
        budget=c.budget[shoppers],
        relative_price=price * (1 - coupon_rate[column_platform]) / reference[:, None],
        quality=s.quality[safe], rating=s.rating[safe, column_platform[None, :]],
        positions=np.tile(np.arange(width), n_platforms)[None, :], valid=valid,
        rating_utility=cfg.rating_utility, position_utility=cfg.position_utility)
    utility += np.repeat(offset, width, axis=1)
    if any(_lets_sellers_choose(p.config) for p in model.platforms):
        utility -= c.delivery_sensitivity[shoppers][:, None] * _listing_delay(
            model, shoppers, safe, column_platform, valid)
    outside = cfg.outside_option - alpha
    noisy, outside_noisy = shopping.random_utilities(utility, outside, model.rng)
    column = shopping.choose(noisy, outside_noisy)
    rows = np.flatnonzero(column >= 0)
    chosen = column[rows]
    seller = ids[rows, chosen]
    bought_on = column_platform[chosen]
    surplus = (utility[rows, chosen] - outside[rows]) / alpha[rows] * reference[rows]
    paid = price[rows, chosen]
    won, closing = auction_market.auction_outcomes(
        seller, bought_on, paid, noisy[rows, chosen] - outside_noisy[rows], alpha[rows],
        reference[rows], c.budget[shoppers[rows]], _auction_platforms(model),
        np.array([p.config.auction_lots for p in model.platforms]))
    if not won.all() or (closing != paid).any():   # auctions: losers leave, winners pay
        surplus = (surplus - (closing - paid))[won]   # the closing price
        rows, chosen, seller, bought_on, paid = (a[won] for a in (rows, chosen, seller,
                                                                  bought_on, closing))
    model.add_surplus(bought_on, np.maximum(surplus, 0.0))

    sales = _price_sales(model, seller, bought_on, categories[rows], paid)
    _settle(model, sales)
    np.add.at(model.band_gmv, (sales.platform, sales.category, fees.price_band(sales.price)),
              sales.price)
    np.add.at(model.category_gmv, (sales.platform, sales.category), sales.price)
    np.add.at(units, (seller, bought_on), 1.0)
    if impulse is not None and impulse.any():
        feed = impulse[rows]
        feed_today = np.zeros_like(units)
        np.add.at(feed_today, (seller[feed], bought_on[feed]), 1.0)
        s.feed_units += feed_today
        content_feed.update_engagement(s.engagement, feed_today,
                                       model.config.ranking.sales_memory)
    via_ad = all_sponsored[bought_on, categories[rows], chosen % width]
    np.add.at(s.paid_units, (seller[via_ad], bought_on[via_ad]), 1.0)
    feedback.update_ratings(s, seller, bought_on, model.rng, model.config.consumers.rating_noise,
                            model.config.ranking.rating_memory)
    trip, platform = np.nonzero(consider)
    _charge_ads(model, platform, categories[trip], 1.0 / consider.sum(axis=1)[trip])
    sellers_cfg = model.config.sellers
    charge_store_costs(s, sellers_cfg.store_cost, sellers_cfg.overhead_growth, model.ledger,
                       model.listing_groups())
    charge_holding_costs(s, sellers_cfg.frozen_holding_cost, model.ledger)
    monthly = np.array([p.monthly_fee for p in model.platforms])
    charge_monthly_fees(s, monthly, model.platform_cash, model.ledger)
    charge_storage_fees(s, np.array([p.storage_fee for p in model.platforms]),
                        fulfilled_by_platform(model.platforms)[None, :] & s.fulfilled,
                        sellers_cfg.stock_cover_days,
                        sellers_cfg.min_stock_units, model.platform_cash, model.ledger)
    if _auction_platforms(model).any():
        charge_insertion_fees(model)
    for pl in model.platforms:
        if pl.launched and pl.config.business_model == "retail":
            retail.carry_stock(s, pl.index, pl.config.stock_depreciation,
                               pl.config.stock_holding_cost, pl.config.wholesale_markup,
                               model.platform_cash, model.ledger)
    consolidate_first_party(s, model.platform_cash, model.ledger)
    return shoppers[rows], bought_on, units


def _auction_platforms(model: MarketModel) -> np.ndarray:
    """Per platform: whether it sells by auction (:mod:`model.auction_market`)."""
    return np.array([p.config.business_model == "auction" and p.launched
                     for p in model.platforms])


def _settle(model: MarketModel, sales: Sales) -> None:
    """Book the day's orders: retail (1P) platforms sell from their own stock
    (:mod:`model.retail`), the others settle between seller and platform."""
    s = model.sellers
    is_retail = np.array([p.config.business_model == "retail" for p in model.platforms])
    mine = is_retail[sales.platform]
    if not mine.any():
        settle_sales(sales, s, model.platform_cash, model.ledger)
        return
    settle_sales(retail.subset(sales, ~mine), s, model.platform_cash, model.ledger)
    markup = np.array([p.config.wholesale_markup for p in model.platforms])
    retail.settle_retail_sales(retail.subset(sales, mine), s, markup, model.platform_cash,
                               model.ledger)


def charge_insertion_fees(model: MarketModel) -> None:
    """Auction platforms charge each store its insertion fees for today's lots."""
    s = model.sellers
    auction = _auction_platforms(model)
    lots = np.array([p.config.auction_lots for p in model.platforms]) * auction
    fee = np.array([p.config.insertion_fee for p in model.platforms])
    auction_market.charge_insertion_fees(s, lots, fee, model.platform_cash, model.ledger)


def _price_sales(model: MarketModel, seller: np.ndarray, platform: np.ndarray,
                 category: np.ndarray, price: np.ndarray) -> Sales:
    """Fees, coupons and logistics costs of each sale, by its platform's live terms."""
    n = len(seller)
    s = model.sellers
    rate, fulfilment, shipping, logistics, coupon = (np.zeros(n) for _ in range(5))
    own_shipping = model.review.own_shipping_cost(seller)
    for pl in model.platforms:
        on = platform == pl.index
        if not on.any():
            continue
        rate[on] = fees.referral_rates(price[on], category[on], pl.referral_fee, pl.fee_tiers,
                                       model.category_names)
        if pl.config.business_model == "managed":   # the supplier is paid its supply price
            rate[on] = fees.managed_margin_rates(price[on], s.supply_price[seller[on], pl.index],
                                                 rate[on])
        if pl.config.sells_its_own_stock:
            logistics[on] = pl.unit_logistics_cost   # the platform ships; sellers pay nothing
        elif pl.config.fulfilment and pl.config.fulfilment_choice:
            fulfilled = on & s.fulfilled[seller, pl.index]
            fulfilment[fulfilled] = pl.fulfilment_fee
            logistics[fulfilled] = pl.unit_logistics_cost
            own = on & ~fulfilled
            shipping[own] = own_shipping[own]
        elif pl.config.fulfilment:
            fulfilment[on] = pl.fulfilment_fee
            logistics[on] = pl.unit_logistics_cost
        else:
            shipping[on] = own_shipping[on]
        wanted = price[on] * pl.coupon_now
        budget_share = min(1.0, pl.subsidy_left / wanted.sum()) if wanted.sum() > 0 else 0.0
        coupon[on] = wanted * budget_share
        pl.subsidy_left -= coupon[on].sum()
    owned = s.owner[seller] != INDEPENDENT
    rate[owned] = 0.0          # a platform's own line pays no referral fee to itself
    fulfilment[owned] = 0.0
    young = model.day - s.product_since[seller] < NEW_PRODUCT_DAYS
    return Sales(seller=seller, platform=platform, category=category, price=price,
                 coupon=coupon, referral_rate=rate, fulfilment_fee=fulfilment,
                 shipping_cost=shipping, platform_logistics=logistics, new_product=young)


def _lets_sellers_choose(config: PlatformConfig) -> bool:
    """Whether a platform's sellers choose between its fulfilment and their own."""
    return (config.fulfilment and config.fulfilment_choice
            and config.business_model != "managed")


def _listing_delay(model: MarketModel, shoppers: np.ndarray, ids: np.ndarray,
                   column_platform: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """(trips x listing columns) extra delivery days of self-shipped listings on platforms
    that let sellers choose: their own shipping's delay and, for members, the member
    delivery they do not get (``model.fulfilment``)."""
    s, c = model.sellers, model.consumers
    choose = np.array([_lets_sellers_choose(p.config) for p in model.platforms])
    own_days = np.array([p.config.own_delivery_days for p in model.platforms])
    saved = np.array([max(p.delivery_days - p.config.membership_delivery_days, 0.0)
                      if p.config.membership_fee > 0 else 0.0 for p in model.platforms])
    member_gap = c.member[shoppers] * saved[None, :]
    self_shipped = (valid & choose[column_platform][None, :]
                    & ~s.fulfilled[ids, column_platform[None, :]])
    return fulfilment.listing_delay(self_shipped, own_days[column_platform],
                                    member_gap[:, column_platform])


def _charge_ads(model: MarketModel, platforms: np.ndarray, categories: np.ndarray,
                attention: np.ndarray) -> None:
    """Sponsored positions get clicks in proportion to today's visitors of their slate,
    each weighted by the share of its attention it gives the slate."""
    visits = np.zeros((len(model.platforms), len(model.category_names)))
    np.add.at(visits, (platforms, categories), attention)
    for (p, c), slate in model.slates.items():
        if visits[p, c] == 0 or not slate.sponsored.any():
            continue
        paid = np.flatnonzero(slate.sponsored)
        clicks = visits[p, c] * traffic.position_ctr(len(slate.sellers), *_attention(model))[paid]
        charge_clicks(slate.sellers[paid], p, clicks, slate.cpc[paid], model.sellers,
                      model.platform_cash, model.ledger)
