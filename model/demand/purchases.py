"""Purchases: shoppers choose a listing from today's slates, pay, rate, and the day's
charges follow.

``serve_shoppers`` is listing choice (a logit over the slates a trip compares, or leaving),
payment and settlement (:mod:`model.accounting.settlement`, 1P retail, consumer auctions),
ratings and sales memory, and the ad, store, storage and holding charges of the day. The
slates come from the traffic allocation (:mod:`model.platforms.allocation`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.accounting.settlement import (
    Sales,
    charge_clicks,
    charge_holding_costs,
    charge_monthly_fees,
    charge_storage_fees,
    charge_store_costs,
    consolidate_first_party,
    settle_sales,
)
from model.agents.seller import INDEPENDENT
from model.demand import feedback, shopping
from model.platforms import auction_market, content_feed, fees, retail, traffic
from model.platforms.allocation import (
    fulfilled_by_platform,
    lets_sellers_choose,
    position_attention,
    slate_matrix,
)
from model.supply import fulfilment

NEW_PRODUCT_DAYS = 365

if TYPE_CHECKING:
    from model.market.state import MarketState


def serve_shoppers(market: MarketState, shoppers: np.ndarray, categories: np.ndarray,
                   consider: np.ndarray, offset: np.ndarray, impulse: np.ndarray | None = None
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shoppers pick one listing among the slates they compare (or leave); purchases
    settle; ads are charged.

    ``consider`` (trips x platforms) marks the slates each trip compares (one for a
    single-homer, every open platform for a multi-homer); ``offset`` (trips x platforms)
    is the utility of buying on that platform rather than another (delivery, habit,
    promotions); ``impulse`` marks trips from a content feed (their sales build the
    listing's engagement, :mod:`model.platforms.content_feed`). Returns the buyers, the platform
    each bought on, and units sold per (seller, platform).
    """
    s, c = market.sellers, market.consumers
    cfg = market.config.consumers
    units = np.zeros_like(s.sales_score)
    all_ids, all_sponsored = slate_matrix(market)          # (P, C, W)
    n_trips, (n_platforms, _, width) = len(shoppers), all_ids.shape
    ids = np.where(consider[:, :, None], all_ids[:, categories].transpose(1, 0, 2), -1)
    ids = ids.reshape(n_trips, n_platforms * width)        # platform-major columns
    valid = ids >= 0
    column_platform = np.repeat(np.arange(n_platforms), width)
    if impulse is not None and impulse.any():   # a feed session shows only its top items
        shown = np.array([p.config.feed_items for p in market.platforms])[column_platform]
        beyond = np.tile(np.arange(width), n_platforms) >= shown
        valid &= ~(impulse[:, None] & beyond[None, :])
    safe = np.where(valid, ids, 0)
    coupon_rate = np.array([p.coupon_now for p in market.platforms])
    reference = market.reference_price[categories]
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
    if any(lets_sellers_choose(p.config) for p in market.platforms):
        utility -= c.delivery_sensitivity[shoppers][:, None] * _listing_delay(
            market, shoppers, safe, column_platform, valid)
    outside = cfg.outside_option - alpha
    noisy, outside_noisy = shopping.random_utilities(utility, outside, market.rng)
    column = shopping.choose(noisy, outside_noisy)
    rows = np.flatnonzero(column >= 0)
    chosen = column[rows]
    seller = ids[rows, chosen]
    bought_on = column_platform[chosen]
    surplus = (utility[rows, chosen] - outside[rows]) / alpha[rows] * reference[rows]
    paid = price[rows, chosen]
    won, closing = auction_market.auction_outcomes(
        seller, bought_on, paid, noisy[rows, chosen] - outside_noisy[rows], alpha[rows],
        reference[rows], c.budget[shoppers[rows]], _auction_platforms(market),
        np.array([p.config.auction_lots for p in market.platforms]))
    if not won.all() or (closing != paid).any():   # auctions: losers leave, winners pay
        surplus = (surplus - (closing - paid))[won]   # the closing price
        rows, chosen, seller, bought_on, paid = (a[won] for a in (rows, chosen, seller,
                                                                  bought_on, closing))
    market.add_surplus(bought_on, np.maximum(surplus, 0.0))

    sales = _price_sales(market, seller, bought_on, categories[rows], paid)
    _settle(market, sales)
    np.add.at(market.band_gmv, (sales.platform, sales.category, fees.price_band(sales.price)),
              sales.price)
    np.add.at(market.category_gmv, (sales.platform, sales.category), sales.price)
    np.add.at(units, (seller, bought_on), 1.0)
    if impulse is not None and impulse.any():
        feed = impulse[rows]
        feed_today = np.zeros_like(units)
        np.add.at(feed_today, (seller[feed], bought_on[feed]), 1.0)
        s.feed_units += feed_today
        content_feed.update_engagement(s.engagement, feed_today,
                                       market.config.ranking.sales_memory)
    via_ad = all_sponsored[bought_on, categories[rows], chosen % width]
    np.add.at(s.paid_units, (seller[via_ad], bought_on[via_ad]), 1.0)
    feedback.update_ratings(s, seller, bought_on, market.rng, market.config.consumers.rating_noise,
                            market.config.ranking.rating_memory)
    trip, platform = np.nonzero(consider)
    _charge_ads(market, platform, categories[trip], 1.0 / consider.sum(axis=1)[trip])
    sellers_cfg = market.config.sellers
    charge_store_costs(s, sellers_cfg.store_cost, sellers_cfg.overhead_growth, market.ledger,
                       market.listing_groups())
    charge_holding_costs(s, sellers_cfg.frozen_holding_cost, market.ledger)
    monthly = np.array([p.monthly_fee for p in market.platforms])
    charge_monthly_fees(s, monthly, market.platform_cash, market.ledger)
    charge_storage_fees(s, np.array([p.storage_fee for p in market.platforms]),
                        fulfilled_by_platform(market.platforms)[None, :] & s.fulfilled,
                        sellers_cfg.stock_cover_days,
                        sellers_cfg.min_stock_units, market.platform_cash, market.ledger)
    if _auction_platforms(market).any():
        charge_insertion_fees(market)
    for pl in market.platforms:
        if pl.launched and pl.config.business_model == "retail":
            retail.carry_stock(s, pl.index, pl.config.stock_depreciation,
                               pl.config.stock_holding_cost, pl.config.wholesale_markup,
                               market.platform_cash, market.ledger)
    consolidate_first_party(s, market.platform_cash, market.ledger)
    return shoppers[rows], bought_on, units


def _auction_platforms(market: MarketState) -> np.ndarray:
    """Per platform: whether it sells by auction (:mod:`model.platforms.auction_market`)."""
    return np.array([p.config.business_model == "auction" and p.launched
                     for p in market.platforms])


def _settle(market: MarketState, sales: Sales) -> None:
    """Book the day's orders: retail (1P) platforms sell from their own stock
    (:mod:`model.platforms.retail`), the others settle between seller and platform."""
    s = market.sellers
    is_retail = np.array([p.config.business_model == "retail" for p in market.platforms])
    mine = is_retail[sales.platform]
    if not mine.any():
        settle_sales(sales, s, market.platform_cash, market.ledger)
        return
    settle_sales(retail.subset(sales, ~mine), s, market.platform_cash, market.ledger)
    markup = np.array([p.config.wholesale_markup for p in market.platforms])
    retail.settle_retail_sales(retail.subset(sales, mine), s, markup, market.platform_cash,
                               market.ledger)


def charge_insertion_fees(market: MarketState) -> None:
    """Auction platforms charge each store its insertion fees for today's lots."""
    s = market.sellers
    auction = _auction_platforms(market)
    lots = np.array([p.config.auction_lots for p in market.platforms]) * auction
    fee = np.array([p.config.insertion_fee for p in market.platforms])
    auction_market.charge_insertion_fees(s, lots, fee, market.platform_cash, market.ledger)


def _price_sales(market: MarketState, seller: np.ndarray, platform: np.ndarray,
                 category: np.ndarray, price: np.ndarray) -> Sales:
    """Fees, coupons and logistics costs of each sale, by its platform's live terms."""
    n = len(seller)
    s = market.sellers
    rate, fulfilment, shipping, logistics, coupon = (np.zeros(n) for _ in range(5))
    own_shipping = market.review.own_shipping_cost(seller)
    for pl in market.platforms:
        on = platform == pl.index
        if not on.any():
            continue
        rate[on] = fees.referral_rates(price[on], category[on], pl.referral_fee, pl.fee_tiers,
                                       market.category_names)
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
    young = market.day - s.product_since[seller] < NEW_PRODUCT_DAYS
    return Sales(seller=seller, platform=platform, category=category, price=price,
                 coupon=coupon, referral_rate=rate, fulfilment_fee=fulfilment,
                 shipping_cost=shipping, platform_logistics=logistics, new_product=young)


def _listing_delay(market: MarketState, shoppers: np.ndarray, ids: np.ndarray,
                   column_platform: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """(trips x listing columns) extra delivery days of self-shipped listings on platforms
    that let sellers choose: their own shipping's delay and, for members, the member
    delivery they do not get (``model.supply.fulfilment``)."""
    s, c = market.sellers, market.consumers
    choose = np.array([lets_sellers_choose(p.config) for p in market.platforms])
    own_days = np.array([p.config.own_delivery_days for p in market.platforms])
    saved = np.array([max(p.delivery_days - p.config.membership_delivery_days, 0.0)
                      if p.config.membership_fee > 0 else 0.0 for p in market.platforms])
    member_gap = c.member[shoppers] * saved[None, :]
    self_shipped = (valid & choose[column_platform][None, :]
                    & ~s.fulfilled[ids, column_platform[None, :]])
    return fulfilment.listing_delay(self_shipped, own_days[column_platform],
                                    member_gap[:, column_platform])


def _charge_ads(market: MarketState, platforms: np.ndarray, categories: np.ndarray,
                attention: np.ndarray) -> None:
    """Sponsored positions get clicks in proportion to today's visitors of their slate,
    each weighted by the share of its attention it gives the slate."""
    visits = np.zeros((len(market.platforms), len(market.category_names)))
    np.add.at(visits, (platforms, categories), attention)
    for (p, c), slate in market.slates.items():
        if visits[p, c] == 0 or not slate.sponsored.any():
            continue
        paid = np.flatnonzero(slate.sponsored)
        ctr = traffic.position_ctr(len(slate.sellers), *position_attention(market))
        clicks = visits[p, c] * ctr[paid]
        charge_clicks(slate.sellers[paid], p, clicks, slate.cpc[paid], market.sellers,
                      market.platform_cash, market.ledger)
