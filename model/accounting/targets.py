"""How close a run comes to the figures its scenario's sources report.

Each :class:`~model.config.scenario.TargetConfig` names a metric of the platform table, a platform,
a window and a measure; the simulated value is compared with the range counted as a
match. Reported figures are approximate, so targets are ranges on direction and rough size.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from model.accounting.metrics import over_days_with_values
from model.config.scenario import TargetConfig

SMOOTHING_DAYS = 7  # window ends are averaged over a week to look past daily noise


def measure(series: pd.Series, how: str) -> float:
    """Summarise a daily series (indexed by step) by ``how``.

    Days without a value (a ratio with nothing to divide) are left out of every window
    (:func:`~model.accounting.metrics.over_days_with_values`); NaN if no day has one.

    >>> s = pd.Series([1.0] * 7 + [2.0] * 7, index=range(1, 15))
    >>> measure(s, "growth"), measure(s, "change"), measure(s, "final")
    (2.0, 1.0, 2.0)
    """
    values = series.to_numpy(dtype=float)
    first = over_days_with_values(values[:SMOOTHING_DAYS])
    last = over_days_with_values(values[-SMOOTHING_DAYS:])
    if how == "final":
        return float(last)
    if how == "mean":
        return over_days_with_values(values)
    if first == 0 or np.isnan(first):
        return float("nan")
    if how == "growth":
        return float(last / first)
    if how == "change":
        return float(last / first - 1.0)
    if how == "peak_change":
        return float(over_days_with_values(values, "max") / first - 1.0)
    raise ValueError(f"measure = {how!r}: allowed growth, change, final, mean, peak_change")


def evaluate(targets: Sequence[TargetConfig], platforms: pd.DataFrame) -> pd.DataFrame:
    """One row per target: what was reported, what the run gives, and whether it matches.

    A target whose window ends after the run's last day is not scored (``scored`` False,
    ``match`` False): what the run gives there measures a shorter window than the source's.
    """
    rows = []
    last_step = int(platforms["step"].max()) if len(platforms) else 0
    for target in targets:
        end = target.end or last_step
        scored = not target.end or target.end <= last_step
        window = platforms[(platforms["platform"] == target.platform)
                           & platforms["step"].between(target.start, end)]
        value = measure(window.set_index("step")[target.metric], target.measure) \
            if len(window) else float("nan")
        rows.append({
            "target": target.label, "platform": target.platform, "metric": target.metric,
            "measure": target.measure, "days": f"{target.start}-{end}",
            "reported": target.reported, "simulated": value,
            "accepted_range": f"[{target.low:g}, {target.high:g}]",
            "low": float(target.low), "high": float(target.high),
            "value": float("nan") if target.value is None else float(target.value),
            "match": bool(scored and target.low <= value <= target.high),
            "scored": scored, "run_end": last_step,
        })
    return pd.DataFrame(rows, columns=["target", "platform", "metric", "measure", "days",
                                       "reported", "simulated", "accepted_range", "low", "high",
                                       "value", "match", "scored", "run_end"])


#: Error of a run whose target metric is undefined (NaN: e.g. a platform that never opened).
MISSING_ERROR = 10.0


def band_error(simulated: float, low: float, high: float, value: float = float("nan")) -> float:
    """How far a simulated figure is from a target, in units of the target's own band.

    The scale is the band, so targets in users, dollars and shares add up (the distance of
    simulation-based calibration, e.g. Grazzini & Richiardi 2015; Platt 2020, on comparing
    moments in the units of their uncertainty):

    - with a reported point ``value``: ``|x - value|`` over the distance from ``value`` to the
      band's edge on that side, so 0 at the reported figure and 1 at the edge (a side with no
      edge, ``high = inf`` say, costs nothing: the source says "at least");
    - without one: 0 inside the band; outside, 1 plus the distance to the nearest edge over
      the band's width (or over the edge's own size for a one-sided band), so that every
      error above 1 is a miss and 1 or below a match, as with a point.

    An undefined simulated value (NaN) costs :data:`MISSING_ERROR`.

    >>> band_error(18.0, 6, 50, 18.0), band_error(12.0, 6, 50, 18.0)
    (0.0, 0.5)
    >>> band_error(0.55, 0.5, float("inf")), band_error(0.4, 0.5, float("inf"))
    (0.0, 1.2)
    >>> band_error(-0.2, -0.15, -0.01)
    1.3571428571428572
    """
    x = float(simulated)
    if not np.isfinite(x):
        return MISSING_ERROR
    if value is not None and np.isfinite(value):
        edge = high if x >= value else low
        if not np.isfinite(edge):
            return 0.0
        half = abs(edge - value)
        if half == 0:
            return 0.0 if x == value else 1.0 + abs(x - value) / max(abs(value), 1e-12)
        return abs(x - value) / half
    if low <= x <= high:
        return 0.0
    edge = low if x < low else high
    width = high - low
    scale = width if np.isfinite(width) and width > 0 else max(abs(edge), 1e-12)
    return 1.0 + abs(x - edge) / scale
