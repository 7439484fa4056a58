"""The platforms' monthly review: exit when the money runs out, logistics, fee responses and
the adaptive rule.

Every month (:data:`model.platforms.strategy.REVIEW_DAYS` days) each platform counts its
months of unfunded losses (and exits after ``exit_after_months`` of them), updates its
delivery time from what it invested in logistics and its logistics unit cost from last
month's volume (scale economies), answers low-price rivals with the fee responses it is
configured with, and, if adaptive, runs its trial-and-error rule
(:mod:`model.platforms.adaptive`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.config.platforms import FeeTier
from model.platforms import adaptive, fees, logistics
from model.platforms.entry_exit import close_platform

if TYPE_CHECKING:
    from model.agents.platform import Platform
    from model.market.state import MarketState


def review_platforms(market: MarketState) -> None:
    """Monthly: platforms out of money exit; the others update their logistics cost
    from last month's volume, answer low-price rivals with the fee responses they
    are configured with, and adaptive ones run their trial-and-error rule
    (:mod:`model.platforms.strategy`)."""
    for platform in market.platforms:
        monthly_review(platform, market.config.scale_economies)
        if platform.must_exit:
            close_platform(market, platform)
            continue
        for text in respond_to_rivals(platform, market.band_gmv, market.category_names):
            platform.strategy_state.lever_changed_elsewhere(market.recorder.days)
            market.log_event(text)
        if platform.config.strategy == "adaptive":
            text = adaptive.adapt(platform, market.recorder, market.band_gmv,
                                  market.category_names, market.reference_price)
            if text:
                market.log_event(text)
    market.band_gmv[:] = 0.0


def monthly_review(platform: Platform, scale_economies: bool) -> None:
    """Monthly review: count months of losses without funding; delivery gets faster
    with what has been invested in logistics; logistics unit cost follows last month's
    volume (scale economies)."""
    if platform.config.logistics_investment > 0:
        platform.delivery_days = logistics.delivery_days(
            platform.config.delivery_days, platform.config.delivery_days_floor,
            platform.logistics_invested,
            platform.config.delivery_investment_scale * platform.scale)
    losing = platform.cash < platform.cash_at_review
    platform.unfunded_losing_months = (platform.unfunded_losing_months + 1
                                       if losing and not platform.funded and platform.launched
                                       else 0)
    platform.cash_at_review = platform.cash
    if not platform.daily_orders:
        return
    volume = sum(platform.daily_orders) / len(platform.daily_orders)
    elasticity = platform.config.scale_elasticity if scale_economies else 0.0
    platform.unit_logistics_cost = logistics.unit_cost(
        volume, platform.config.logistics_cost,
        platform.config.logistics_reference_volume * platform.scale, elasticity)
    platform.fulfilment_fee = platform.priced_fulfilment_fee()


def respond_to_rivals(platform: Platform, band_gmv: np.ndarray,
                      category_names: list[str]) -> list[str]:
    """Apply each pending fee response whose trigger is met; describe what changed."""
    changed = []
    for response in list(platform.pending_responses):
        c = category_names.index(response.category)
        share = fees.rival_share(band_gmv, platform.index, c, response.max_price)
        if share > response.rival_share:
            platform.fee_tiers.insert(0, FeeTier(response.category, response.max_price,
                                             response.rate))
            platform.pending_responses.remove(response)
            changed.append(f"{platform.name} answers rivals ({share:.0%} of {response.category} "
                           f"<= ${response.max_price:g}): referral {response.rate:.0%}")
    return changed
