"""Scalar output metrics computed from one run's tables.

A metric selects rows of a table (``where`` column = value, or column in a list of values), sums the
column within each step (so ``sellers`` without a platform filter is the market total), optionally
keeps only the last ``last_steps`` steps, and aggregates over steps with ``agg``. Steps without a
value (a ratio with nothing to divide, e.g. take rate on a day without third-party sales) are
left out, as everywhere (:func:`model.accounting.metrics.over_days_with_values`); a metric whose
window has no step with a value is NaN.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from experiments.sweeps.spec import MetricSpec
from model.accounting.metrics import over_days_with_values


class MetricError(ValueError):
    """A metric cannot be computed from the run's tables."""


def compute_metric(frames: Mapping[str, pd.DataFrame], spec: MetricSpec) -> float:
    """Compute one metric; raises :class:`MetricError` naming what is missing."""
    if spec.table not in frames:
        raise MetricError(f"metric {spec.name!r}: the run has no table {spec.table!r} "
                          f"(tables: {sorted(frames)})")
    df = frames[spec.table]
    for col in [spec.column, *spec.where]:
        if col not in df.columns:
            raise MetricError(f"metric {spec.name!r}: table {spec.table!r} has no column {col!r}")
    mask = np.ones(len(df), dtype=bool)
    for col, value in spec.where.items():
        column = df[col].to_numpy()
        mask &= np.isin(column, value) if isinstance(value, list) else column == value
    if not mask.any():
        raise MetricError(f"metric {spec.name!r}: no rows of {spec.table!r} match where "
                          f"{spec.where!r}")
    values = df[spec.column].to_numpy(dtype=float)[mask]
    if "step" in df.columns:  # sum within each step, in step order
        steps, inverse = np.unique(df["step"].to_numpy()[mask], return_inverse=True)
        values = step_sums(inverse, values, len(steps))
        if spec.last_steps:
            values = values[steps > steps.max() - spec.last_steps]
    return over_days_with_values(values, spec.agg)


def step_sums(inverse: np.ndarray, values: np.ndarray, n_steps: int) -> np.ndarray:
    """Sum of the rows that have a value within each step; NaN for a step where none has.

    >>> step_sums(np.array([0, 0, 1, 2]), np.array([1.0, np.nan, np.nan, 2.0]), 3).tolist()
    [1.0, nan, 2.0]
    """
    valued = ~np.isnan(values)
    sums = np.bincount(inverse, weights=np.where(valued, values, 0.0), minlength=n_steps)
    counts = np.bincount(inverse, weights=valued, minlength=n_steps)
    return np.where(counts > 0, sums, np.nan)


def compute_metrics(
    frames: Mapping[str, pd.DataFrame], specs: Iterable[MetricSpec]
) -> dict[str, float]:
    """All metrics of a run, by name."""
    return {s.name: compute_metric(frames, s) for s in specs}
