"""Scalar output metrics computed from one run's tables.

A metric selects rows of a table (``where`` column = value, or column in a list of values), sums the
column within each step (so ``sellers`` without a platform filter is the market total), optionally
keeps only the last ``last_steps`` steps, and aggregates over steps with ``agg``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from experiments.sweeps.spec import MetricSpec


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
        values = np.bincount(inverse, weights=values, minlength=len(steps))
        if spec.last_steps:
            values = values[steps > steps.max() - spec.last_steps]
    if spec.agg == "last":
        return float(values[-1])
    if spec.agg == "first":
        return float(values[0])
    return float(getattr(np, spec.agg)(values))


def compute_metrics(
    frames: Mapping[str, pd.DataFrame], specs: Iterable[MetricSpec]
) -> dict[str, float]:
    """All metrics of a run, by name."""
    return {s.name: compute_metric(frames, s) for s in specs}
