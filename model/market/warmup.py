"""The warm-up: the market runs its recent past before day 1, so day 1 is a steady state.

A scenario's hand-set initial values (stores per platform, awareness, habit, prices) are
not an equilibrium of the model; left alone, the market spends its first months settling.
With ``warmup_days = W`` the market first runs days ``-W+1 .. 0`` with its day-1 settings:
every daily phase, sellers' reviews at their cadence, platforms' monthly logistics review
and consumers' membership reviews, but no scheduled shock, no entrant's launch, no exit, no
fee response and no adaptive trial. Nothing is recorded: on day 1 the ledger, the recorder,
the event log and the migration record start empty, while every stock (cash, stores,
prices, awareness, habit, ratings, sales memory, the days of last visits) carries over, so
money is conserved across the boundary and every rolling window (30-day active consumers,
sellers' aspirations and alarm, habit) is full on day 1. Subsidy budgets and membership
counters start on day 1.

The warm-up's own record gives its diagnostic: MSER-5 truncation
(:mod:`model.accounting.stationarity`, around each series' own trend) of the leading
platform's third-party stores and of its 30-day active consumers; the market counts as
stationary when both joined their trend in the first half of the warm-up. The report also
gives the drift left: the leader's stores' change per 30 days over the warm-up's second
half.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model.accounting.collection import close_day
from model.accounting.ledger import Ledger
from model.accounting.metrics import ACTIVE_WINDOW_DAYS, Recorder
from model.accounting.stationarity import BATCH, Truncation, mser5
from model.agents.seller import SELLER_KINDS
from model.demand.membership import review_membership
from model.market.day import run_day
from model.platforms.review import monthly_review
from model.platforms.strategy import REVIEW_DAYS

if TYPE_CHECKING:
    from model.market.state import MarketState, SellerProcess

#: The shortest warm-up the diagnostic can judge (MSER-5 needs at least four batches).
MIN_DIAGNOSED_DAYS = 4 * BATCH


@dataclass(frozen=True)
class WarmupReport:
    """What the warm-up did and whether the market had settled by its end."""

    days: int
    leader: str = ""
    sellers: Truncation | None = None
    active_consumers: Truncation | None = None
    drift: float = 0.0   # leader's stores: relative change per 30 days, second half

    @property
    def stationary(self) -> bool | None:
        """Both diagnostics settled in the first half (None: no warm-up to judge)."""
        if self.sellers is None or self.active_consumers is None:
            return None
        return self.sellers.stationary and self.active_consumers.stationary

    def describe(self) -> str:
        """One line for a run's output."""
        if self.days == 0:
            return "no warm-up: day 1 is the scenario's hand-set start"
        if self.stationary is None:
            return f"warm-up {self.days} days (too short to diagnose)"
        verdict = "stationary" if self.stationary else "NOT stationary"
        return (f"warm-up {self.days} days: {verdict} at its end ({self.leader}'s stores: "
                f"{self.sellers.describe()}, drift {self.drift:+.1%} per 30 days; its 30-day "
                f"actives: {self.active_consumers.describe()})")


def warm_up(market: MarketState, review: SellerProcess, days: int) -> WarmupReport:
    """Run the market's ``days`` days before day 1 (see the module docstring)."""
    if days <= 0:
        return WarmupReport(days=0)
    config = market.config
    record = Recorder(days, market.platform_names, SELLER_KINDS)
    market.recorder = record
    for elapsed in range(1, days + 1):
        market.calendar.warmup_day = elapsed - days
        run_day(market)
        if elapsed % config.sellers.review_interval == 0:
            review.run()
        if elapsed % REVIEW_DAYS == 0:
            for platform in market.platforms:
                monthly_review(platform, config.scale_economies)
            market.band_gmv[:] = 0.0
        for platform in market.platforms:
            cadence = platform.config.membership_review_days
            if platform.config.membership_fee > 0 and elapsed % cadence == 0:
                review_membership(market, platform)
        close_day(market)
    market.calendar.warmup_day = None
    _start_day_one(market)
    return _diagnose(record, days)


def _start_day_one(market: MarketState) -> None:
    """Empty the records, keep the stocks: day 1 starts from the warmed market."""
    market.ledger = Ledger(len(market.platforms))
    market.recorder = Recorder(market.config.steps, market.platform_names, SELLER_KINDS)
    market.event_log.clear()
    market.category_gmv[:] = 0.0
    market.band_gmv[:] = 0.0
    market.surplus_today[:] = 0.0
    for platform in market.platforms:
        platform.subsidy_left = platform.config.subsidy_budget * platform.scale
        platform.cash_at_review = platform.cash
        platform.unfunded_losing_months = 0
        platform.members_joined = platform.members_left = 0


def _diagnose(record: Recorder, days: int) -> WarmupReport:
    """MSER-5 on the leading platform's stores and 30-day actives over the warm-up."""
    if days < MIN_DIAGNOSED_DAYS + ACTIVE_WINDOW_DAYS:
        return WarmupReport(days=days)
    sellers = record.values["sellers"][:days]
    leader = int(np.argmax(sellers[-1]))
    # the first 30 days' actives count a window that is still filling: judge the rest
    actives = record.values["active_consumers"][ACTIVE_WINDOW_DAYS:days, leader]
    stores = sellers[:, leader]
    half = stores[days // 2:]
    slope = np.polyfit(np.arange(len(half), dtype=float), half, 1)[0] if len(half) > 1 else 0.0
    drift = float(30 * slope / max(half.mean(), 1e-12))
    return WarmupReport(days=days, leader=record.platform_names[leader],
                        sellers=mser5(stores, detrend=True),
                        active_consumers=mser5(actives, detrend=True), drift=drift)
