"""How close a run comes to the figures its scenario's sources report.

Each :class:`~model.config.TargetConfig` names a metric of the platform table, a platform,
a window and a measure; the simulated value is compared with the range counted as a
match. Reported figures are approximate, so targets are ranges on direction and rough size.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from model.config import TargetConfig

SMOOTHING_DAYS = 7  # window ends are averaged over a week to look past daily noise


def _mean_of_days_with_values(values: np.ndarray) -> float:
    """Mean over the days that have a value (NaN: a ratio with nothing to divide); NaN if
    none has."""
    valid = values[~np.isnan(values)]
    return float(valid.mean()) if len(valid) else float("nan")


def measure(series: pd.Series, how: str) -> float:
    """Summarise a daily series (indexed by step) by ``how``.

    >>> s = pd.Series([1.0] * 7 + [2.0] * 7, index=range(1, 15))
    >>> measure(s, "growth"), measure(s, "change"), measure(s, "final")
    (2.0, 1.0, 2.0)
    """
    values = series.to_numpy(dtype=float)
    first = _mean_of_days_with_values(values[:SMOOTHING_DAYS])
    last = _mean_of_days_with_values(values[-SMOOTHING_DAYS:])
    if how == "final":
        return float(last)
    if how == "mean":
        return _mean_of_days_with_values(values)
    if first == 0 or np.isnan(first):
        return float("nan")
    if how == "growth":
        return float(last / first)
    if how == "change":
        return float(last / first - 1.0)
    if how == "peak_change":
        return float(np.nanmax(values) / first - 1.0)
    raise ValueError(f"measure = {how!r}: allowed growth, change, final, mean, peak_change")


def evaluate(targets: Sequence[TargetConfig], platforms: pd.DataFrame) -> pd.DataFrame:
    """One row per target: what was reported, what the run gives, and whether it matches."""
    rows = []
    last_step = int(platforms["step"].max()) if len(platforms) else 0
    for target in targets:
        end = target.end or last_step
        window = platforms[(platforms["platform"] == target.platform)
                           & platforms["step"].between(target.start, end)]
        value = measure(window.set_index("step")[target.metric], target.measure) \
            if len(window) else float("nan")
        rows.append({
            "target": target.label, "platform": target.platform, "metric": target.metric,
            "measure": target.measure, "days": f"{target.start}-{end}",
            "reported": target.reported, "simulated": value,
            "accepted_range": f"[{target.low:g}, {target.high:g}]",
            "match": bool(target.low <= value <= target.high),
        })
    return pd.DataFrame(rows, columns=["target", "platform", "metric", "measure", "days",
                                       "reported", "simulated", "accepted_range", "match"])
