"""Scenario shocks, scheduled as Mesa events: they fire before the day's shopping.

Each shock changes live state (a platform's fees, coupons, marketing, promotion window,
sellers' stores and funds, consumers' awareness) and writes a line to ``market.event_log``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.agents.seller import SELLER_KINDS
from model.config.event_overrides import EVENT_LEVERS
from model.config.scenario import EventConfig
from model.supply import migration
from model.supply.migration import NONE

if TYPE_CHECKING:
    from model.market.state import MarketState

EVENT_LEAD = 0.5  # shocks for day d fire at time d - 0.5, before day d's step


class ScheduledShock:
    """A configured shock bound to its market; ``fire`` is the scheduled callback."""

    def __init__(self, market: MarketState, event: EventConfig) -> None:
        self.market = market
        self.event = event

    def fire(self) -> None:
        """Apply the shock now."""
        market, event = self.market, self.event
        platform = market.platform_by_name[event.platform]
        text = APPLY[event.kind](market, platform.index, event)
        if event.kind in EVENT_LEVERS:   # an adaptive platform starts from the new value
            platform.strategy_state.lever_changed_elsewhere(market.recorder.days)
        if event.description:
            text = f"{event.description} ({text})"
        market.log_event(text)


def fee_change(market: MarketState, p: int, event: EventConfig) -> str:
    """New fee schedule on platform ``p``: any of referral fee, fee tiers, fulfilment
    markup, monthly fee, number of ad slots, ad reserve price and storage fee."""
    platform = market.platforms[p]
    parts = []
    if event.referral_fee is not None:
        parts.append(f"referral {platform.referral_fee:.0%} -> {event.referral_fee:.0%}")
        platform.referral_fee = event.referral_fee
    if event.fee_tiers is not None:
        platform.fee_tiers = list(event.fee_tiers)
        parts.append("tiers " + ", ".join(
            f"{t.category} <= ${t.max_price:g}: {t.rate:.0%}" for t in event.fee_tiers))
    if event.fulfilment_markup is not None:
        parts.append(f"fulfilment markup {platform.fulfilment_markup:.0%} -> "
                     f"{event.fulfilment_markup:.0%}")
        platform.set_fulfilment_markup(event.fulfilment_markup)
    if event.monthly_fee is not None:
        parts.append(f"monthly fee ${platform.monthly_fee:g} -> ${event.monthly_fee:g}")
        platform.monthly_fee = event.monthly_fee
    if event.ad_slots is not None:
        parts.append(f"ad slots {platform.ad_slots} -> {event.ad_slots}")
        platform.ad_slots = event.ad_slots
    if event.ad_reserve_cpc is not None:
        parts.append(f"ad reserve ${platform.ad_reserve_cpc:g} -> ${event.ad_reserve_cpc:g}")
        platform.ad_reserve_cpc = event.ad_reserve_cpc
    if event.storage_fee is not None:
        parts.append(f"storage ${platform.storage_fee:g} -> ${event.storage_fee:g} "
                     "per unit-month")
        platform.storage_fee = event.storage_fee
    return f"{platform.name} fee change: " + "; ".join(parts)


def audience_boost(market: MarketState, p: int, event: EventConfig) -> str:
    """A share of consumers become aware of, and used to, platform ``p``."""
    consumers = market.consumers
    chosen = np.flatnonzero(market.rng.random(len(consumers)) < event.share)
    consumers.aware[chosen, p] = True
    consumers.habit[chosen, p] = np.maximum(consumers.habit[chosen, p], 0.5)
    return f"{market.platforms[p].name} gains {len(chosen)} consumers"


def promotion(market: MarketState, p: int, event: EventConfig) -> str:
    """A sales event on ``p`` for ``duration`` days (this day included): the platform's
    deals pull shoppers to it and make buying there more attractive than leaving
    (``consumers.promotion_pull``), and its event draws ``multiplier - 1`` extra trips per
    usual trip from consumers who know it, to it alone. Ad prices are not set by the
    event: sellers bid what event clicks are worth to them."""
    platform = market.platforms[p]
    platform.promotion_until = market.day + event.duration  # shocks fire the evening before
    platform.promotion_lift = event.multiplier
    return (f"{platform.name} promotion for {event.duration} days "
            f"(extra trips x{event.multiplier:g})")


def marketing_change(market: MarketState, p: int, event: EventConfig) -> str:
    """New outside marketing spend (USD per day)."""
    platform = market.platforms[p]
    platform.marketing_spend = event.value * platform.scale
    return f"{platform.name} marketing spend ${platform.marketing_spend:,.0f}/day"


def coupon_change(market: MarketState, p: int, event: EventConfig) -> str:
    """New coupon rate (share of price)."""
    platform = market.platforms[p]
    platform.coupon_rate = event.value
    return f"{platform.name} coupons {event.value:.0%} of price"


def enforcement_sweep(market: MarketState, p: int, event: EventConfig) -> str:
    """Suspend stores on ``p``: chance ``share`` scaled by each seller's fake-review
    propensity. Suspended sellers lose the store and their cash is frozen for
    ``duration`` days, while the stranded stock keeps costing them
    (``sellers.frozen_holding_cost``): those with no other income can go bankrupt.
    Suspended sellers, and sellers there in proportion to the share of their peers
    suspended, are alarmed and look for a second platform at their next reviews."""
    sellers = market.sellers
    n = sellers.count
    on_platform = np.flatnonzero(sellers.alive[:n] & sellers.listed[:n, p])
    risk = np.clip(event.share * market.review.fake_review_propensity(on_platform), 0.0, 1.0)
    hit = on_platform[market.rng.random(len(on_platform)) < risk]
    review = market.review
    sellers.alarm[:n] = migration.sweep_alarm(sellers.alarm[:n], on_platform, hit,
                                              review.peer_source, review.peer_target,
                                              market.config.sellers.peer_alarm)
    sellers.listed[hit, p] = False
    held = np.maximum(sellers.cash[hit], 0.0)
    sellers.frozen[hit] += held
    sellers.frozen_on[hit] = p
    sellers.cash[hit] -= held
    market.record_moves("suspended", hit, p, NONE)
    release = FundRelease(market, hit, held)
    market.calendar.at(release.fire, market.day + event.duration - EVENT_LEAD, owner=release)
    return (f"{market.platforms[p].name} enforcement sweep: {len(hit)} stores suspended, "
            f"${held.sum():,.0f} frozen for {event.duration} days")


class FundRelease:
    """Returns funds frozen by a sweep. Sellers that went bankrupt meanwhile get them back
    too (to their creditors): the money stays in the market's books."""

    def __init__(self, market: MarketState, sellers: np.ndarray, amounts: np.ndarray) -> None:
        self.market = market
        self.seller_index = sellers
        self.amounts = amounts

    def fire(self) -> None:
        """Release the frozen funds."""
        sellers = self.market.sellers
        np.add.at(sellers.frozen, self.seller_index, -self.amounts)
        np.add.at(sellers.cash, self.seller_index, self.amounts)
        survivors = int(sellers.alive[self.seller_index].sum())
        self.market.log_event(f"frozen funds released to {len(self.seller_index)} sellers "
                             f"({survivors} still trading)")


def price_comparison_removal(market: MarketState, p: int, event: EventConfig) -> str:
    """Platform ``p`` drops ``rival`` from its price comparison: its parity clause no
    longer looks at sellers' prices there, so they may price lower on the rival without
    losing rank on ``p`` (sources: the incumbent removed the entrant from its
    price-comparison system)."""
    rival = market.platform_by_name[event.rival]
    market.platforms[p].compared[rival.index] = False
    return f"{market.platforms[p].name} no longer compares prices with {rival.name}"


def recruit_sellers(market: MarketState, p: int, event: EventConfig) -> str:
    """Platform ``p`` recruits a ``share`` of the sellers (of ``seller_kind``, or any)
    not yet on it who have room for another store (sources: the incumbent recruited
    factory-type sellers)."""
    kind = SELLER_KINDS.index(event.seller_kind) if event.seller_kind else None
    recruited = market.review.recruit(p, event.share, kind)
    who = f"{event.seller_kind} sellers" if event.seller_kind else "sellers"
    return f"{market.platforms[p].name} recruits {recruited} {who}"


APPLY = {
    "fee_change": fee_change,
    "audience_boost": audience_boost,
    "promotion": promotion,
    "price_comparison_removal": price_comparison_removal,
    "recruit_sellers": recruit_sellers,
    "marketing_change": marketing_change,
    "coupon_change": coupon_change,
    "enforcement_sweep": enforcement_sweep,
}
