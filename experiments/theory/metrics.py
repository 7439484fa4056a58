"""Per-run metrics of the theory experiments, computed from a run's stored tables.

Each metric reads one run's ``platforms`` table (one row per day and platform) and ``migration``
table (seller moves by type) and returns one number. Windows are in days of the run: ``window``
means the run's last ``window`` days; ``start``/``end`` are inclusive days.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from experiments.theory.errors import TheorySpecError
from model.accounting.metrics import over_days_with_values

REQUIRED = object()


def _last(platforms: pd.DataFrame, window: int) -> pd.DataFrame:
    return platforms[platforms["step"] > platforms["step"].max() - window]


def _shares(platforms: pd.DataFrame, window: int) -> pd.Series:
    """Each platform's share of GMV summed over the last ``window`` days."""
    gmv = _last(platforms, window).groupby("platform")["gmv"].sum()
    total = gmv.sum()
    return gmv / total if total > 0 else gmv * 0.0


def _mean_of(platforms: pd.DataFrame, column: str, platform: str, window: int) -> float:
    rows = _last(platforms, window)
    return over_days_with_values(rows.loc[rows["platform"] == platform, column])


def leader_share(tables: dict[str, pd.DataFrame], window: int) -> float:
    """The largest platform's GMV share over the last ``window`` days."""
    return float(_shares(tables["platforms"], window).max())


def tipped(tables: dict[str, pd.DataFrame], window: int, threshold: float) -> float:
    """1 if the leader's GMV share over the last ``window`` days exceeds ``threshold``, else 0."""
    return float(leader_share(tables, window) > threshold)


def gmv_share(tables: dict[str, pd.DataFrame], platform: str, window: int) -> float:
    """``platform``'s GMV share over the last ``window`` days."""
    return float(_shares(tables["platforms"], window).get(platform, 0.0))


def coexist(tables: dict[str, pd.DataFrame], window: int, floor: float) -> float:
    """1 if every platform holds at least ``floor`` of GMV over the last ``window`` days."""
    return float(_shares(tables["platforms"], window).min() >= floor)


def hhi(tables: dict[str, pd.DataFrame], window: int) -> float:
    """Herfindahl-Hirschman index (0-10,000) of GMV shares over the last ``window`` days."""
    return float(np.sum((100.0 * _shares(tables["platforms"], window)) ** 2))


def sellers(tables: dict[str, pd.DataFrame], platform: str, window: int) -> float:
    """Mean number of sellers with a store on ``platform`` over the last ``window`` days."""
    return _mean_of(tables["platforms"], "sellers", platform, window)


def price_index(tables: dict[str, pd.DataFrame], platform: str, window: int) -> float:
    """Mean price index (slate price / reference price) of ``platform``, last ``window`` days."""
    return _mean_of(tables["platforms"], "price_index", platform, window)


def price_gap(tables: dict[str, pd.DataFrame], platform: str, rival: str, window: int) -> float:
    """``platform``'s price index minus ``rival``'s, mean over the last ``window`` days: the
    rival's price edge."""
    return (_mean_of(tables["platforms"], "price_index", platform, window)
            - _mean_of(tables["platforms"], "price_index", rival, window))


def _count_moves(migration: pd.DataFrame, move: str, start: int, end: int,
                 from_platform: str = "", to_platform: str = "") -> float:
    if migration.empty:
        return 0.0
    rows = migration[(migration["move"] == move) & migration["step"].between(start, end)]
    if from_platform:
        rows = rows[rows["from_platform"] == from_platform]
    if to_platform:
        rows = rows[rows["to_platform"] == to_platform]
    return float(rows["sellers"].sum())


def moves(tables: dict[str, pd.DataFrame], move: str, start: int, end: int,
          from_platform: str = "", to_platform: str = "") -> float:
    """Seller moves of one type (add, switch, close, join, entry, left ...) in days
    ``start``-``end``, optionally from / to one platform."""
    return _count_moves(tables["migration"], move, start, end, from_platform, to_platform)


def add_minus_close(tables: dict[str, pd.DataFrame], platform: str, rival: str, start: int,
                    end: int) -> float:
    """Sellers of ``platform`` adding a store on ``rival`` minus stores closed on ``platform``,
    in days ``start``-``end``: positive when sellers answer by multi-homing more than leaving."""
    migration = tables["migration"]
    return (_count_moves(migration, "add", start, end, platform, rival)
            - _count_moves(migration, "close", start, end, platform))


def growth(tables: dict[str, pd.DataFrame], platform: str, start: int, days: int,
           column: str = "active_consumers") -> float:
    """Log growth of ``column`` on ``platform`` from day ``start`` to day ``start + days``
    (0 = held, < 0 = decayed)."""
    p = tables["platforms"]
    series = p[p["platform"] == platform].set_index("step")[column]
    first, last = float(series.get(start, 0.0)), float(series.get(start + days, 0.0))
    return float(np.log(max(last, 1.0) / max(first, 1.0)))  # counts: at least one


def platform_mean(tables: dict[str, pd.DataFrame], platform: str, column: str,
                  window: int) -> float:
    """Mean of a platform-frame ``column`` (e.g. a lever: ``referral_fee``, ``coupon_rate``)
    on ``platform`` over the last ``window`` days."""
    return _mean_of(tables["platforms"], column, platform, window)


# kind -> (function, {argument: (type, default or REQUIRED)})
METRICS: dict[str, tuple[Callable[..., float], dict[str, tuple[type, Any]]]] = {
    "leader_share": (leader_share, {"window": (int, 30)}),
    "tipped": (tipped, {"window": (int, 30), "threshold": (float, 0.75)}),
    "gmv_share": (gmv_share, {"platform": (str, REQUIRED), "window": (int, 30)}),
    "coexist": (coexist, {"window": (int, 30), "floor": (float, REQUIRED)}),
    "hhi": (hhi, {"window": (int, 30)}),
    "sellers": (sellers, {"platform": (str, REQUIRED), "window": (int, 30)}),
    "price_index": (price_index, {"platform": (str, REQUIRED), "window": (int, 30)}),
    "price_gap": (price_gap, {"platform": (str, REQUIRED), "rival": (str, REQUIRED),
                              "window": (int, 30)}),
    "moves": (moves, {"move": (str, REQUIRED), "start": (int, REQUIRED), "end": (int, REQUIRED),
                      "from_platform": (str, ""), "to_platform": (str, "")}),
    "add_minus_close": (add_minus_close, {"platform": (str, REQUIRED), "rival": (str, REQUIRED),
                                          "start": (int, REQUIRED), "end": (int, REQUIRED)}),
    "growth": (growth, {"platform": (str, REQUIRED), "start": (int, REQUIRED),
                        "days": (int, REQUIRED), "column": (str, "active_consumers")}),
    "platform_mean": (platform_mean, {"platform": (str, REQUIRED), "column": (str, REQUIRED),
                                      "window": (int, 30)}),
}
BINARY = ("tipped", "coexist")


def metric_args(metric: dict[str, Any]) -> dict[str, Any]:
    """The metric's arguments with defaults filled in (``kind`` removed)."""
    _fn, spec = METRICS[metric["kind"]]
    return {k: metric.get(k, default) for k, (_t, default) in spec.items()}


def validate_metric(metric: dict[str, Any], where: str = "metric.") -> None:
    """Refuse an unknown kind, a missing or unknown argument, or a value of the wrong type."""
    kind = metric.get("kind")
    if kind not in METRICS:
        raise _error(f"{where}kind = {kind!r}: allowed kinds are " + ", ".join(METRICS))
    _fn, spec = METRICS[kind]
    for key, value in metric.items():
        if key == "kind":
            continue
        if key not in spec:
            raise _error(f"{where}{key} = {value!r}: not an argument of metric {kind!r}; "
                         "allowed: " + ", ".join(spec))
        want = spec[key][0]
        ok = (isinstance(value, int | float) if want is float else isinstance(value, want))
        if isinstance(value, bool) or not ok:
            raise _error(f"{where}{key} = {value!r}: must be a {want.__name__}")
        if want is int and key != "start" and value < 1:
            raise _error(f"{where}{key} = {value!r}: must be >= 1")
    for key, (_t, default) in spec.items():
        if default is REQUIRED and key not in metric:
            raise _error(f"{where}{key}: missing; metric {kind!r} needs " + ", ".join(
                k for k, (_t2, d) in spec.items() if d is REQUIRED))


def last_day_needed(metric: dict[str, Any]) -> int:
    """The latest day the metric reads (runs must be at least this long)."""
    args = metric_args(metric)
    if "days" in args:
        return int(args["start"] + args["days"])
    if "end" in args:
        return int(args["end"])
    return int(args.get("window", 1))


def compute(metric: dict[str, Any], tables: dict[str, pd.DataFrame]) -> float:
    """The metric's value for one run."""
    fn, _spec = METRICS[metric["kind"]]
    return float(fn(tables, **metric_args(metric)))


def _error(message: str) -> ValueError:
    return TheorySpecError(message)
