"""Platforms: configured archetypes whose fees, coupons and logistics change over time."""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

import mesa
import numpy as np

from model import fees, logistics
from model.participants import FeeTier

if TYPE_CHECKING:
    from model.participants import FeeResponse, PlatformConfig


class Platform(mesa.Agent):
    """A platform's live state. The frozen :class:`PlatformConfig` is its starting point;
    scheduled shocks and its own monthly review change the live fields here."""

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

    def _fulfilment_fee(self) -> float:
        if not self.config.fulfilment:
            return 0.0
        return self.unit_logistics_cost * (1.0 + self.fulfilment_markup)

    @property
    def cash(self) -> float:
        """Platform cash, USD."""
        return float(self.model.platform_cash[self.index])

    def launch(self) -> None:
        """Scheduled launch of an entrant platform."""
        self.model.launch_platform(self)

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
