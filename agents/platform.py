"""Platforms: configured archetypes whose fees, coupons and logistics change over time, by
scheduled events and configured fee responses, and for an adaptive platform by its own monthly
trial-and-error over its levers (:mod:`model.strategy`)."""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

import mesa
import numpy as np

from model import fees, logistics, strategy
from model.participants import FeeTier
from model.strategy import TrialState

if TYPE_CHECKING:
    from model.metrics import Recorder
    from model.participants import FeeResponse, PlatformConfig

REVIEW_DAYS = 30  # days between platform reviews (a month)


class Platform(mesa.Agent):
    """A platform's live state. The frozen :class:`PlatformConfig` is its starting point;
    scheduled shocks and its own monthly review (with, if adaptive, its strategy's trials in
    ``strategy_state``) change the live fields here."""

    def __init__(self, model: mesa.Model, index: int, config: PlatformConfig) -> None:
        super().__init__(model)
        self.index = index
        self.config = config
        self.name = config.name
        self.referral_fee: float = config.referral_fee
        self.fulfilment_markup: float = config.fulfilment_markup
        self.monthly_fee: float = config.monthly_fee
        self.ad_slots: int = config.ad_slots
        self.ad_reserve_cpc: float = config.ad_reserve_cpc
        self.fee_tiers: list[FeeTier] = list(config.fee_tiers)
        self.pending_responses: list[FeeResponse] = list(config.fee_responses)
        self.coupon_rate: float = config.coupon_rate
        self.scale: float = model.market_scale   # absolute amounts scale with the market
        self.subsidy_left: float = config.subsidy_budget * self.scale
        self.marketing_spend: float = config.marketing_spend * self.scale
        self.delivery_days: float = config.delivery_days
        self.launched: bool = config.launch_day <= 0
        self.exited: bool = False
        self.unfunded_losing_months: int = 0
        self._cash_at_review: float = float(model.platform_cash[index])
        self.promotion_until: int = -1
        self.promotion_lift: float = 1.0
        self.daily_orders: deque[float] = deque(maxlen=30)
        self.unit_logistics_cost: float = config.logistics_cost
        self.fulfilment_fee: float = self._fulfilment_fee()
        self.storage_fee: float = config.storage_fee
        # platforms whose prices its price comparison (parity clause) looks at
        self.compared: np.ndarray = np.ones(len(model.config.platforms), dtype=bool)
        self.logistics_invested: float = 0.0
        self.members_joined: int = 0   # paid membership: joins and departures so far
        self.members_left: int = 0
        self.strategy_state = TrialState()
        # The adaptive rule draws from a child of the model's generator (spawning does not
        # advance the model's own stream), so an adaptive run shares the model's random
        # numbers with its fixed twin until their levers part.
        self.strategy_rng: np.random.Generator | None = (
            model.rng.spawn(1)[0] if config.strategy == "adaptive" else None)

    def _fulfilment_fee(self) -> float:
        if not self.config.fulfilment:
            return 0.0
        return self.unit_logistics_cost * (1.0 + self.fulfilment_markup)

    @property
    def cash(self) -> float:
        """Platform cash, USD."""
        return float(self.model.platform_cash[self.index])

    def launch(self) -> None:
        """Scheduled launch of an entrant platform (an adaptive one's record starts here)."""
        self.model.launch_platform(self)
        self.strategy_state.clean_from = self.model.recorder.days

    @property
    def funded(self) -> bool:
        """Whether the platform (with its parent's backing) can still spend on growth."""
        return self.cash + self.config.parent_funding * self.scale > 0

    @property
    def coupon_now(self) -> float:
        """Coupon share of price offered today: zero once the subsidy budget is spent or
        the parent's funding is burnt through."""
        return self.coupon_rate if self.subsidy_left > 0 and self.funded else 0.0

    @property
    def must_exit(self) -> bool:
        """Out of money, parent's funding included, and still losing it: the platform
        closes (money runs out; Evans and Schmalensee 2010 on failed entry)."""
        return self.launched and self.unfunded_losing_months >= self.config.exit_after_months

    def in_promotion(self, day: int) -> bool:
        """Whether a promotion window is running on ``day``."""
        return day <= self.promotion_until

    def review_membership(self) -> None:
        """Scheduled review of this platform's paid membership by its consumers."""
        self.model.review_membership(self)

    def set_fulfilment_markup(self, markup: float) -> None:
        """A new fulfilment fee schedule: the markup over the logistics cost."""
        self.fulfilment_markup = markup
        self.fulfilment_fee = self._fulfilment_fee()

    def invest_in_logistics(self) -> float:
        """Today's spending on warehouses and delivery (USD), while the platform is funded."""
        spend = self.config.logistics_investment * self.scale
        if not self.launched or spend <= 0 or not self.funded:
            return 0.0
        self.logistics_invested += spend
        return spend

    def review(self) -> None:
        """Monthly review: count months of losses without funding; delivery gets faster
        with what has been invested in logistics; logistics unit cost follows last month's
        volume (scale economies)."""
        if self.config.logistics_investment > 0:
            self.delivery_days = logistics.delivery_days(
                self.config.delivery_days, self.config.delivery_days_floor,
                self.logistics_invested, self.config.delivery_investment_scale * self.scale)
        losing = self.cash < self._cash_at_review
        self.unfunded_losing_months = (self.unfunded_losing_months + 1
                                       if losing and not self.funded and self.launched else 0)
        self._cash_at_review = self.cash
        if not self.daily_orders:
            return
        volume = sum(self.daily_orders) / len(self.daily_orders)
        elasticity = self.config.scale_elasticity if self.model.config.scale_economies else 0.0
        self.unit_logistics_cost = logistics.unit_cost(
            volume, self.config.logistics_cost, self.config.logistics_reference_volume * self.scale,
            elasticity)
        self.fulfilment_fee = self._fulfilment_fee()

    def respond_to_rivals(self, band_gmv: np.ndarray, category_names: list[str]) -> list[str]:
        """Apply each pending fee response whose trigger is met; describe what changed."""
        changed = []
        for response in list(self.pending_responses):
            c = category_names.index(response.category)
            share = fees.rival_share(band_gmv, self.index, c, response.max_price)
            if share > response.rival_share:
                self.fee_tiers.insert(0, FeeTier(response.category, response.max_price,
                                                 response.rate))
                self.pending_responses.remove(response)
                changed.append(f"{self.name} answers rivals ({share:.0%} of {response.category} "
                               f"<= ${response.max_price:g}): referral {response.rate:.0%}")
        return changed

    # ------------------------------------------------------------- adaptive levers
    def lever(self, name: str) -> object:
        """A lever's live value (marketing spend in USD per day at reference_consumers;
        ``band_fee``: the whole list of fee tiers)."""
        if name == "marketing_spend":
            return self.marketing_spend / self.scale
        if name == "band_fee":
            return list(self.fee_tiers)
        return getattr(self, name)

    def set_lever(self, name: str, value: object) -> None:
        """Set a lever (the inverse of :meth:`lever`)."""
        if name == "fulfilment_markup":
            self.set_fulfilment_markup(float(value))  # type: ignore[arg-type]
        elif name == "marketing_spend":
            self.marketing_spend = float(value) * self.scale  # type: ignore[arg-type]
        elif name == "band_fee":
            self.fee_tiers = list(value)  # type: ignore[call-overload]
        else:
            setattr(self, name, value)

    def _levers_that_act(self, contested: int) -> list[str]:
        """Configured levers that can change anything today (coupons need a subsidy
        budget and funding, marketing funding, a reserve price ad slots, a band tier a
        band that somebody sells in, a fulfilment fee fulfilment)."""
        acts = {"fulfilment_markup": self.config.fulfilment,
                "coupon_rate": self.subsidy_left > 0 and self.funded,
                "marketing_spend": self.funded, "ad_reserve_cpc": self.ad_slots > 0,
                "band_fee": contested >= 0}
        return [name for name in self.config.strategy_levers if acts.get(name, True)]

    def _move(self, name: str, direction: int, category: str, top: float) -> object:
        """The lever's value after one step in ``direction`` (tiers for ``band_fee``)."""
        cfg = self.config
        if name == "band_fee":
            rate = strategy.band_rate(self.fee_tiers, category, top, self.referral_fee)
            new = strategy.moved(rate, cfg.band_fee_bounds, cfg.strategy_step, direction)
            if new == rate:
                return self.lever(name)
            return strategy.with_band_rate(self.fee_tiers, category, top, new)
        return strategy.moved(self.lever(name), getattr(cfg, f"{name}_bounds"),  # type: ignore[arg-type]
                              cfg.strategy_step, direction, integer=name == "ad_slots")

    def adapt(self, recorder: Recorder, band_gmv: np.ndarray, category_names: list[str],
              reference_prices: np.ndarray) -> str | None:
        """Monthly step of the adaptive rule (:mod:`model.strategy`): judge a trial that has
        run its course, then start the next one. Returns a line for the event log when a
        change is kept."""
        cfg, state = self.config, self.strategy_state
        window, now = cfg.trial_months * REVIEW_DAYS, recorder.days
        daily = strategy.daily_objective(recorder.values["profit"][:now, self.index],
                                         recorder.values[cfg.growth_metric][:now, self.index],
                                         cfg.objective, self.funded)
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
                text = (f"{self.name} keeps its trial of {lever} ({cfg.objective} "
                        f"{result:,.0f} vs {state.baseline:,.0f} expected)")
                follow = (lever, direction, result)      # the same way again
            else:
                self.set_lever(lever, state.previous)
                state.reverted += 1
                state.clean_from = now
                if state.fresh:
                    follow = (lever, -direction, baseline)  # the other way
            state.lever, state.previous = strategy.NO_TRIAL, None
        if not self.launched:   # before launch (or after exit) the record is not its own
            state.clean_from = now
            return text
        contested = strategy.contested_band(band_gmv, self.index, reference_prices)
        category = category_names[contested] if contested >= 0 else ""
        top = float(reference_prices[contested]) if contested >= 0 else 0.0
        levers = self._levers_that_act(contested)
        if follow is not None and follow[0] in levers:
            name, direction, baseline = follow
            after = self._move(name, direction, category, top)
            if after != self.lever(name):
                self._start_trial(name, direction, False, after, baseline, now)
                return text
        if now - state.clean_from < window or not levers:
            return text
        assert self.strategy_rng is not None, "adapt() is for adaptive platforms"
        name, direction = strategy.draw_move(levers, self.strategy_rng)
        memory = max(state.clean_from, now - cfg.strategy_memory_months * REVIEW_DAYS)
        baseline = strategy.expected_objective(daily[memory:now], window, cfg.strategy_detrend)
        for d in (direction, -direction):
            after = self._move(name, d, category, top)
            if after != self.lever(name):
                self._start_trial(name, d, d == direction, after, baseline, now)
                break
        return text

    def _start_trial(self, name: str, direction: int, fresh: bool, value: object,
                     baseline: float, row: int) -> None:
        """Move lever ``name`` to ``value`` and note the trial (from recorded day ``row``)."""
        state = self.strategy_state
        state.lever, state.direction, state.fresh = name, direction, fresh
        state.previous, state.started, state.baseline = self.lever(name), row, baseline
        self.set_lever(name, value)
