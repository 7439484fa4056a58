"""Platforms: configured archetypes whose fees, coupons and logistics change over time.

The agent holds a platform's live state; what changes it lives with the mechanisms:
scheduled shocks (:mod:`model.world.events`), the monthly review and fee responses
(:mod:`model.platforms.review`) and, for an adaptive platform, its trial-and-error over its
levers (:mod:`model.platforms.adaptive`)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import mesa
import numpy as np

if TYPE_CHECKING:
    from model.config.platforms import FeeResponse, FeeTier, PlatformConfig

NO_TRIAL = ""


@dataclass
class TrialState:
    """One adaptive platform's search state (a row index is a recorded day, 0-based);
    the rule that updates it is :mod:`model.platforms.adaptive`."""

    lever: str = NO_TRIAL  # lever under trial ("" = none)
    direction: int = 0  # +1 / -1, the trial's direction
    fresh: bool = True  # the lever's first direction tried (a failure tries the other)
    previous: object = None  # its value before the trial (restored on revert)
    started: int = 0  # first recorded day of the trial window
    baseline: float = 0.0  # objective over the window before the trial
    clean_from: int = 0  # first recorded day after the last lever change
    kept: int = 0  # trials kept so far
    reverted: int = 0  # trials reverted so far
    dropped: int = 0  # trials ended by an event
    history: list[tuple[int, str, float, float]] = field(default_factory=list)

    @property
    def running(self) -> bool:
        """Whether a trial is under way."""
        return self.lever != NO_TRIAL

    def lever_changed_elsewhere(self, row: int) -> None:
        """A scheduled event or fee response changed a lever on recorded day ``row``: any
        running trial ends without reverting, and the next baseline starts after it."""
        if self.running:
            self.dropped += 1
        self.lever = NO_TRIAL
        self.previous = None
        self.clean_from = max(self.clean_from, row)


class Platform(mesa.Agent):
    """A platform's live state. The frozen :class:`PlatformConfig` is its starting point;
    scheduled shocks and its own monthly review (with, if adaptive, its strategy's trials in
    ``strategy_state``) change the live fields here."""

    def __init__(self, model: mesa.Model, index: int, config: PlatformConfig,
                 cash_book: np.ndarray, scale: float) -> None:
        """``cash_book``: the market's platform cash array (row ``index`` is this platform's);
        ``scale``: the market's size relative to ``reference_consumers``."""
        super().__init__(model)
        self._cash_book = cash_book
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
        self.scale: float = scale   # absolute amounts scale with the market
        self.subsidy_left: float = config.subsidy_budget * self.scale
        self.marketing_spend: float = config.marketing_spend * self.scale
        self.delivery_days: float = config.delivery_days
        self.launched: bool = config.launch_day <= 0
        self.exited: bool = False
        self.unfunded_losing_months: int = 0
        self.cash_at_review: float = float(cash_book[index])
        self.promotion_until: int = -1
        self.promotion_lift: float = 1.0
        self.daily_orders: deque[float] = deque(maxlen=30)
        self.unit_logistics_cost: float = config.logistics_cost
        self.fulfilment_fee: float = self.priced_fulfilment_fee()
        self.storage_fee: float = config.storage_fee
        # platforms whose prices its price comparison (parity clause) looks at
        self.compared: np.ndarray = np.ones(len(cash_book), dtype=bool)
        self.logistics_invested: float = 0.0
        self.members_joined: int = 0   # paid membership: joins and departures so far
        self.members_left: int = 0
        self.strategy_state = TrialState()
        # The adaptive rule draws from a child of the model's generator (spawning does not
        # advance the model's own stream), so an adaptive run shares the model's random
        # numbers with its fixed twin until their levers part.
        self.strategy_rng: np.random.Generator | None = (
            model.rng.spawn(1)[0] if config.strategy == "adaptive" else None)

    def priced_fulfilment_fee(self) -> float:
        """The fulfilment fee per unit: the logistics unit cost plus the markup (0 without
        a fulfilment service)."""
        if not self.config.fulfilment:
            return 0.0
        return self.unit_logistics_cost * (1.0 + self.fulfilment_markup)

    @property
    def cash(self) -> float:
        """Platform cash, USD."""
        return float(self._cash_book[self.index])

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

    def set_fulfilment_markup(self, markup: float) -> None:
        """A new fulfilment fee schedule: the markup over the logistics cost."""
        self.fulfilment_markup = markup
        self.fulfilment_fee = self.priced_fulfilment_fee()

    def invest_in_logistics(self) -> float:
        """Today's spending on warehouses and delivery (USD), while the platform is funded."""
        spend = self.config.logistics_investment * self.scale
        if not self.launched or spend <= 0 or not self.funded:
            return 0.0
        self.logistics_invested += spend
        return spend

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
