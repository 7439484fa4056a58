"""Market outcomes per platform and day, recorded into preallocated arrays.

A numpy recorder rather than Mesa's DataCollector: every metric is a (days x platforms)
column filled in place, turned into a long pandas frame on demand.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from model.accounting.ledger import Ledger

PLATFORM_METRICS = (
    "active_consumers",     # consumers who visited in the last 30 days
    "orders",
    "gmv",                  # USD, list prices of goods sold
    "gmv_share",            # share of all platforms' GMV
    "hhi",                  # Herfindahl–Hirschman index of GMV shares (0–10,000), market-wide
    "sellers",              # sellers with a store here
    "multihoming_sellers",  # of which also on another platform
    "take_rate",            # all seller payments to the platform / third-party GMV
    "avg_cpc",              # USD per paid click
    "price_index",          # mean slate price / category reference price
    "delivery_days",
    "new_product_share",    # share of orders for products under 12 months old
    "consumer_surplus",     # USD, money-metric utility over the outside option
    "profit",               # USD
    "cash",                 # USD
    "order_share",          # share of all platforms' orders (packages shipped)
    "member_share",         # paid members / consumers in the regions served (0: no programme)
    "referral_fee",         # share of price, the platform's default referral fee today
    "fulfilment_markup",    # share of logistics unit cost
    "ad_slots",             # sponsored slots per slate
    "ad_reserve_cpc",       # USD per click
    "coupon_rate",          # share of price (paid only while the subsidy budget lasts)
    "marketing_spend",      # USD per day at reference_consumers
)
#: The platform levers recorded each day (the last columns of the platform frame).
LEVER_METRICS = PLATFORM_METRICS[-6:]
ACTIVE_WINDOW_DAYS = 30
#: Ratios with nothing to divide are NaN on such a day, not a placeholder number; for each,
#: what such a day lacks. Every window over days is summarised by :func:`over_days_with_values`.
RATIO_METRICS = {
    "take_rate": "no third-party sales",
    "avg_cpc": "no paid click",
    "new_product_share": "no order",
    "price_index": "no listings (not launched, exited, or empty)",
}
#: How :func:`over_days_with_values` can summarise a window.
WINDOW_SUMMARIES = ("mean", "first", "last", "min", "max", "sum")


def over_days_with_values(values: ArrayLike, how: str = "mean") -> float:
    """Summarise a window of daily values by ``how`` over the days that have a value.

    The one rule for days without a value (NaN: a ratio with nothing to divide, see
    :data:`RATIO_METRICS`), used by target measures, reports, sweep metrics and theory
    metrics alike: such days are left out, so a window's mean is the mean over the days that
    have a value (``nanmean``), its last value that of the last day with one, and so on. A
    window in which no day has a value gives NaN.

    >>> over_days_with_values([0.1, np.nan, 0.3]), over_days_with_values([0.1, np.nan], "last")
    (0.2, 0.1)
    >>> over_days_with_values([np.nan, np.nan])
    nan
    """
    if how not in WINDOW_SUMMARIES:
        raise ValueError(f"how = {how!r}: allowed {', '.join(WINDOW_SUMMARIES)}")
    array = np.asarray(values, dtype=float).reshape(-1)
    valued = array[~np.isnan(array)]
    if not len(valued):
        return float("nan")
    if how == "first":
        return float(valued[0])
    if how == "last":
        return float(valued[-1])
    return float(getattr(np, how)(valued))


def reported_price_index(price_index: np.ndarray, listings: np.ndarray,
                         category_weight: np.ndarray) -> np.ndarray:
    """Each platform's price index over the categories it has listings in today.

    ``price_index`` (platforms x categories) is attention-weighted slate price / reference
    price, as consumers remember it; a category with no listings keeps its last value
    there, but is left out here, and the category weights are renormalised. NaN for a
    platform with no listings at all.

    >>> reported_price_index(np.array([[1.2, 0.8], [1.0, 1.0]]),
    ...                      np.array([[5, 0], [0, 0]]), np.array([0.5, 0.5])).tolist()
    [1.2, nan]
    """
    weight = np.where(listings > 0, category_weight[None, :], 0.0)
    total = weight.sum(axis=1)
    return np.divide((price_index * weight).sum(axis=1), total,
                     out=np.full(len(total), np.nan), where=total > 0)


def hhi(shares: np.ndarray) -> float:
    """Herfindahl–Hirschman index of shares (fractions), on the 0–10,000 scale.

    >>> hhi(np.array([0.5, 0.5]))
    5000.0
    """
    return float(np.sum((100.0 * shares) ** 2))


class Recorder:
    """Per-platform daily metrics, seller profit by kind, and migration moves."""

    def __init__(self, days: int, platform_names: list[str], kinds: tuple[str, ...]) -> None:
        self.platform_names = platform_names
        self.kinds = kinds
        self.capacity = days
        self.values = {m: np.zeros((days, len(platform_names))) for m in PLATFORM_METRICS}
        self.kind_profit = np.zeros((days, len(kinds)))
        self.days = 0
        self.moves: list[tuple[int, int, int, str, int]] = []  # day, from, to, move, seller

    def _grow(self) -> None:
        for name, array in self.values.items():
            self.values[name] = np.concatenate([array, np.zeros_like(array)])
        self.kind_profit = np.concatenate([self.kind_profit, np.zeros_like(self.kind_profit)])
        self.capacity *= 2

    def record_day(self, flows: dict[str, np.ndarray], state: dict[str, np.ndarray],
                   kind_profit: np.ndarray) -> None:
        """Store one day's flows (from the ledger) and state snapshot."""
        if self.days == self.capacity:
            self._grow()
        row = self.days
        gmv = flows["gmv"]
        total = gmv.sum()
        shares = gmv / total if total > 0 else np.zeros_like(gmv)
        v = self.values
        v["orders"][row] = flows["orders"]
        v["gmv"][row] = gmv
        v["gmv_share"][row] = shares
        orders = flows["orders"]
        v["order_share"][row] = orders / orders.sum() if orders.sum() > 0 else 0.0
        v["hhi"][row] = hhi(shares)
        paid = Ledger.platform_fees(flows) + flows["ad_spend"]
        sold = flows["third_party_gmv"]
        v["take_rate"][row] = np.divide(paid, sold, out=np.full_like(gmv, np.nan),
                                        where=sold > 0)
        clicks = flows["clicks"]
        v["avg_cpc"][row] = np.divide(flows["ad_spend"], clicks, out=np.full_like(gmv, np.nan),
                                      where=clicks > 0)
        v["profit"][row] = Ledger.platform_profit(flows)
        v["new_product_share"][row] = np.divide(flows["new_product_orders"], flows["orders"],
                                                out=np.full_like(gmv, np.nan),
                                                where=flows["orders"] > 0)
        for name, values in state.items():
            v[name][row] = values
        self.kind_profit[row] = kind_profit
        self.days += 1

    def platform_frame(self) -> pd.DataFrame:
        """Long frame: one row per (step, platform)."""
        days, n = self.days, len(self.platform_names)
        frame = pd.DataFrame({
            "step": np.repeat(np.arange(1, days + 1), n),
            "platform": np.tile(self.platform_names, days),
        })
        for name in PLATFORM_METRICS:
            frame[name] = self.values[name][:days].reshape(-1)
        return frame

    def seller_profit_frame(self) -> pd.DataFrame:
        """Daily profit summed by seller kind (USD)."""
        days = self.days
        return pd.DataFrame({
            "step": np.repeat(np.arange(1, days + 1), len(self.kinds)),
            "kind": np.tile(self.kinds, days),
            "profit": self.kind_profit[:days].reshape(-1),
        })

    def migration_frame(self, labels: dict[int, str]) -> pd.DataFrame:
        """Seller moves per review, counted by (step, from, to, move)."""
        columns = ["step", "from_platform", "to_platform", "move", "sellers"]
        if not self.moves:
            return pd.DataFrame({c: pd.Series(dtype=float if c == "sellers" else object)
                                 for c in columns})
        raw = pd.DataFrame(self.moves, columns=["step", "source", "target", "move", "seller"])
        raw["from_platform"] = raw["source"].map(labels)
        raw["to_platform"] = raw["target"].map(labels)
        counts = (raw.groupby(["step", "from_platform", "to_platform", "move"], sort=True)
                  .size().rename("sellers").reset_index())
        return counts[columns]
