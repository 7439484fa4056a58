"""Today's shopping trips: who shops, on which platform, and which slates each trip compares.

Consumers shop at their own rate (grown by their region's adoption), a sales event adds
trips to its platform alone, each trip picks a category, then a platform by a logit over
the platforms' utilities (:mod:`model.demand.shopping`) or leaves; a multi-homer compares
the slates of its consideration set. Content platforms add impulse visits from their feed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model.demand import shopping

if TYPE_CHECKING:
    from model.market.state import MarketState


@dataclass
class Trips:
    """Today's trips that reach a platform (searches first, then feed visits)."""

    consumer: np.ndarray      # (trips,) who
    category: np.ndarray      # (trips,) what they look for
    consider: np.ndarray      # (trips, platforms) the slates each trip compares
    offset: np.ndarray        # (trips, platforms) non-listing utility relative to leaving
    impulse: np.ndarray       # (trips,) whether the trip comes from a content feed


def draw_trips(market: MarketState) -> Trips:
    """Draw today's trips: searches that choose a platform, and content-feed visits."""
    rate = market.shopping_rates()
    shoppers = shopping.draw_shoppers(rate, market.rng)
    shoppers, only = _add_event_shoppers(market, shoppers, rate)
    categories = shopping.draw_categories(len(shoppers), market.category_weight, market.rng)
    noisy, outside, terms, bonus = _platform_draws(market, shoppers, categories)
    if only is not None:   # an event's extra trips go to its platform or nowhere
        elsewhere = (only[:, None] >= 0) & (only[:, None] != np.arange(len(market.platforms)))
        noisy[elsewhere] = -np.inf
    choice = shopping.choose(noisy, outside)
    consider = shopping.consideration_sets(noisy, outside,
                                           market.consumers.multi_homer[shoppers])
    visiting = np.flatnonzero(choice >= 0)
    offset = np.zeros_like(terms)
    # Listing utilities are relative to leaving: other platforms' non-listing terms
    # relative to the one chosen, plus the chosen platform's own sales-event pull.
    base = terms[visiting, choice[visiting]] - bonus[choice[visiting]]
    offset[visiting] = terms[visiting] - base[:, None]
    feed_consumers, feed_platforms, feed_categories = _feed_sessions(market)
    feed_consider = np.zeros((len(feed_consumers), len(market.platforms)), dtype=bool)
    feed_consider[np.arange(len(feed_consumers)), feed_platforms] = True
    trips = np.concatenate([shoppers[visiting], feed_consumers])
    return Trips(
        consumer=trips,
        category=np.concatenate([categories[visiting], feed_categories]),
        consider=np.concatenate([consider[visiting], feed_consider]),
        offset=np.concatenate([offset[visiting], np.zeros(feed_consider.shape)]),
        impulse=np.arange(len(trips)) >= len(visiting))


def _add_event_shoppers(market: MarketState, shoppers: np.ndarray, rate: np.ndarray
                        ) -> tuple[np.ndarray, np.ndarray | None]:
    """Extra trips a sales event brings to the promoting platform only.

    A platform running a promotion with lift ``m`` draws ``(m - 1)`` times the usual
    shopping rate of the consumers who know it, and those trips go to it or nowhere:
    an event pulls its own shoppers, it does not lift rivals' demand. Returns every
    trip's shopper and, per trip, the only platform it may use (-1: any), or None
    when no event runs.
    """
    extra, target = [], []
    for platform in market.platforms:
        if not platform.in_promotion(market.day) or platform.promotion_lift <= 1.0:
            continue
        p = platform.index
        knows = market.consumers.aware[:, p] & market.serves[market.consumers.region, p]
        drawn = np.flatnonzero(knows & (market.rng.random(len(rate))
                                        < rate * (platform.promotion_lift - 1.0)))
        extra.append(drawn)
        target.append(np.full(len(drawn), p))
    if not extra:
        return shoppers, None
    only = np.concatenate([np.full(len(shoppers), -1), *target])
    return np.concatenate([shoppers, *extra]), only


def _platform_draws(market: MarketState, shoppers: np.ndarray, categories: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each shopper's platform utilities with today's random draws (-inf where a
    platform is not an option), the outside option's, the platforms' non-listing
    utility terms, and the platforms' sales-event pull (in the terms)."""
    cfg = market.config.consumers
    c = market.consumers
    launched = np.array([p.launched for p in market.platforms])
    listings = market.listings / market.market_scale   # selection as at reference_consumers
    if not market.config.consumers_value_selection:
        listings = shopping.uniform_selection(listings, launched)
    bonus = np.array([cfg.promotion_pull if p.in_promotion(market.day) else 0.0
                      for p in market.platforms])
    coupon = np.array([p.coupon_now for p in market.platforms])
    aware = c.aware[shoppers] & launched[None, :] & market.serves[c.region[shoppers]]
    members = {}
    if market.membership_fee.any():
        members = {"member": c.member[shoppers], "member_delivery_days": np.array(
            [p.config.membership_delivery_days for p in market.platforms]),
            "member_loyalty": np.array([p.config.membership_loyalty
                                        for p in market.platforms])}
    terms = shopping.platform_terms(
        delivery_sensitivity=c.delivery_sensitivity[shoppers], habit=c.habit[shoppers],
        delivery_days=np.array([p.delivery_days for p in market.platforms]), bonus=bonus,
        habit_weight=cfg.habit_weight, **members)
    utility = shopping.platform_utilities(
        price_sensitivity=c.price_sensitivity[shoppers], aware=aware,
        categories=categories, price_index=market.price_index, listings=listings,
        coupon=coupon, terms=terms, selection_weight=cfg.selection_weight)
    outside = cfg.outside_option - c.price_sensitivity[shoppers]
    noisy, outside_value = shopping.random_utilities(utility, outside, market.rng)
    return noisy, outside_value, terms, bonus


def _feed_sessions(market: MarketState) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Content platforms: consumers scrolling the feed, some of whom buy on impulse.

    Returns (consumers, platform, category) of today's impulse visits.
    """
    consumers, platforms, categories = [], [], []
    c = market.consumers
    for platform in market.platforms:
        cfg = platform.config
        if not platform.launched or cfg.feed_audience <= 0 or cfg.impulse_rate <= 0:
            continue
        p = platform.index
        chance = cfg.feed_audience * cfg.impulse_rate
        served = c.aware[:, p] & market.serves[c.region, p]
        who = np.flatnonzero(served & (market.rng.random(len(c)) < chance))
        consumers.append(who)
        platforms.append(np.full(len(who), p, dtype=np.int64))
        categories.append(shopping.draw_categories(len(who), market.category_weight,
                                                   market.rng))
    if not consumers:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty
    return (np.concatenate(consumers), np.concatenate(platforms),
            np.concatenate(categories))
