"""An adaptive platform's monthly step: judge the running trial, then start the next one.

The rule itself -- which lever, which direction, the baseline and when a change is kept --
is described and built from the pieces in :mod:`model.platforms.strategy`; here it is
applied to one platform's live levers and its search state (``platform.strategy_state``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.platforms import strategy
from model.platforms.strategy import REVIEW_DAYS

if TYPE_CHECKING:
    from model.accounting.metrics import Recorder
    from model.agents.platform import Platform



def levers_that_act(platform: Platform, contested: int) -> list[str]:
    """Configured levers that can change anything today (coupons need a subsidy
    budget and funding, marketing funding, a reserve price ad slots, a band tier a
    band that somebody sells in, a fulfilment fee fulfilment)."""
    acts = {"fulfilment_markup": platform.config.fulfilment,
            "coupon_rate": platform.subsidy_left > 0 and platform.funded,
            "marketing_spend": platform.funded, "ad_reserve_cpc": platform.ad_slots > 0,
            "band_fee": contested >= 0}
    return [name for name in platform.config.strategy_levers if acts.get(name, True)]


def moved_lever(platform: Platform, name: str, direction: int, category: str, top: float) -> object:
    """The lever's value after one step in ``direction`` (tiers for ``band_fee``)."""
    cfg = platform.config
    if name == "band_fee":
        rate = strategy.band_rate(platform.fee_tiers, category, top, platform.referral_fee)
        new = strategy.moved(rate, cfg.band_fee_bounds, cfg.strategy_step, direction)
        if new == rate:
            return platform.lever(name)
        return strategy.with_band_rate(platform.fee_tiers, category, top, new)
    return strategy.moved(platform.lever(name), getattr(cfg, f"{name}_bounds"),  # type: ignore[arg-type]
                          cfg.strategy_step, direction, integer=name == "ad_slots")


def adapt(platform: Platform, recorder: Recorder, band_gmv: np.ndarray, category_names: list[str],
          reference_prices: np.ndarray) -> str | None:
    """Monthly step of the adaptive rule (:mod:`model.platforms.strategy`): judge a trial that has
    run its course, then start the next one. Returns a line for the event log when a
    change is kept."""
    cfg, state = platform.config, platform.strategy_state
    window, now = cfg.trial_months * REVIEW_DAYS, recorder.days
    daily = strategy.daily_objective(recorder.values["profit"][:now, platform.index],
                                     recorder.values[cfg.growth_metric][:now, platform.index],
                                     cfg.objective, platform.funded)
    text: str | None = None
    follow: tuple[str, int, float] | None = None
    if state.running:
        if now - state.started < window:
            return None
        result = float(daily[state.started:now].sum())
        state.history.append((now, state.lever, state.baseline, result))
        lever, direction, baseline = state.lever, state.direction, state.baseline
        if strategy.improved(result, state.baseline, cfg.strategy_noise_margin):
            state.kept += 1
            state.clean_from = state.started
            text = (f"{platform.name} keeps its trial of {lever} ({cfg.objective} "
                    f"{result:,.0f} vs {state.baseline:,.0f} expected)")
            follow = (lever, direction, result)      # the same way again
        else:
            platform.set_lever(lever, state.previous)
            state.reverted += 1
            state.clean_from = now
            if state.fresh:
                follow = (lever, -direction, baseline)  # the other way
        state.lever, state.previous = strategy.NO_TRIAL, None
    if not platform.launched:   # before launch (or after exit) the record is not its own
        state.clean_from = now
        return text
    contested = strategy.contested_band(band_gmv, platform.index, reference_prices)
    category = category_names[contested] if contested >= 0 else ""
    top = float(reference_prices[contested]) if contested >= 0 else 0.0
    levers = levers_that_act(platform, contested)
    if follow is not None and follow[0] in levers:
        name, direction, baseline = follow
        after = moved_lever(platform, name, direction, category, top)
        if after != platform.lever(name):
            start_trial(platform, name, direction, False, after, baseline, now)
            return text
    if now - state.clean_from < window or not levers:
        return text
    assert platform.strategy_rng is not None, "adapt() is for adaptive platforms"
    name, direction = strategy.draw_move(levers, platform.strategy_rng)
    memory = max(state.clean_from, now - cfg.strategy_memory_months * REVIEW_DAYS)
    baseline = strategy.expected_objective(daily[memory:now], window, cfg.strategy_detrend)
    for d in (direction, -direction):
        after = moved_lever(platform, name, d, category, top)
        if after != platform.lever(name):
            start_trial(platform, name, d, d == direction, after, baseline, now)
            break
    return text


def start_trial(platform: Platform, name: str, direction: int, fresh: bool, value: object,
                 baseline: float, row: int) -> None:
    """Move lever ``name`` to ``value`` and note the trial (from recorded day ``row``)."""
    state = platform.strategy_state
    state.lever, state.direction, state.fresh = name, direction, fresh
    state.previous, state.started, state.baseline = platform.lever(name), row, baseline
    platform.set_lever(name, value)
