"""One day of the market, phase by phase (the reviews and the day's close are scheduled
separately, at their own cadence).

    platforms spend on growth -> consumers shop (trips, platform choice) -> platforms
    allocate traffic (slates, ad auction) -> purchases settle -> feedback (membership
    fees, habit, word of mouth, sales memory)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.demand import feedback, membership
from model.demand.purchases import serve_shoppers
from model.demand.trips import draw_trips
from model.platforms.allocation import refresh_slates
from model.platforms.spending import spend_on_growth

if TYPE_CHECKING:
    from model.market.state import MarketState


def run_day(market: MarketState) -> None:
    """One day's shopping and its feedback, on ``market.day``."""
    day, cfg = market.day, market.config.consumers
    spend_on_growth(market)
    trips = draw_trips(market)
    trip, platforms = np.nonzero(trips.consider)
    visitors = trips.consumer[trip]
    attention = 1.0 / trips.consider.sum(axis=1)[trip]   # a trip's attention split over slates
    np.add.at(market.arrivals, (platforms, trips.category[trip]), attention)
    refresh_slates(market)
    buyers, bought_on, units_today = serve_shoppers(
        market, trips.consumer, trips.category, trips.consider, trips.offset, trips.impulse)
    if market.membership_fee.any():   # members' fees, net of their consumer surplus
        paid = membership.charge(market.consumers.member, market.membership_fee,
                                 market.platform_cash, market.ledger)
        market.surplus_today -= paid
    loyalty = np.array([p.config.loyalty for p in market.platforms])
    feedback.update_habit(market.consumers, visitors, platforms, cfg.habit_gain * loyalty,
                          cfg.habit_decay, day)
    feedback.spread_word_of_mouth(market.consumers, *market.contacts, buyers, bought_on,
                                  cfg.word_of_mouth, market.rng, market.brand)
    feedback.update_sales_score(market.sellers, units_today, market.config.ranking.sales_memory)
