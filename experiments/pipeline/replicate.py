"""Replications: independent seeds spawned from a base seed, and means with confidence intervals.

Seeds come from :class:`numpy.random.SeedSequence` spawning: replication ``r`` of every design point
gets the same seed (common random numbers), so differences between treatments are not blurred by
different random streams.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def spawn_seeds(base_seed: int, n: int) -> list[int]:
    """``n`` independent 63-bit seeds spawned from ``base_seed`` (same on every machine)."""
    children = np.random.SeedSequence(base_seed).spawn(n)
    return [int(c.generate_state(1, np.uint64)[0] >> np.uint64(1)) for c in children]


def replication_seeds(base_seed: int, n: int) -> list[int]:
    """Seeds of ``n`` replications: the first uses ``base_seed`` itself (so ``flywheel run X
    --seed S`` is the run ``MarketModel(config, rng=S)``), the others seeds spawned from it.

    >>> replication_seeds(7, 3)[0], len(set(replication_seeds(7, 3)))
    (7, 3)
    """
    return [base_seed, *spawn_seeds(base_seed, n - 1)] if n > 0 else []


def mean_ci(values: Sequence[float] | np.ndarray, conf: float = 0.95) -> tuple[float, float, float]:
    """Mean and two-sided Student-t confidence interval; the interval collapses when n < 2."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(x.mean())
    if x.size < 2:
        return mean, mean, mean
    from scipy import stats

    half = float(stats.t.ppf(0.5 + conf / 2, x.size - 1) * x.std(ddof=1) / np.sqrt(x.size))
    return mean, mean - half, mean + half


SHARE_FLOOR = 1e-3  # shares are clamped to [0.001, 0.999] before the logit


def is_share(name: str, values: np.ndarray | pd.Series) -> bool:
    """A column is a share when its name ends in ``share`` and its values lie in [0, 1]."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    return name.endswith("share") and bool(((x >= 0) & (x <= 1)).all())


def _logit_interval(mean_logit: np.ndarray, half: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from scipy.special import expit

    return expit(mean_logit - half), expit(mean_logit + half)


def ci_table(
    df: pd.DataFrame, by: list[str], columns: list[str], conf: float = 0.95
) -> pd.DataFrame:
    """Per group (e.g. step x platform): ``n`` and ``<col>_mean/_low/_high`` over replications.

    The interval is Student-t. For shares (see :func:`is_share`) it is computed on the logit
    scale (values clamped to [0.001, 0.999]) and transformed back, so it stays inside [0, 1];
    it is widened where needed to contain the mean. With one replication the interval collapses
    to the mean.
    """
    from scipy import stats
    from scipy.special import logit

    g = df.groupby(by, sort=True)[columns]
    mean, std, n = g.mean(), g.std(ddof=1), g.count()
    tcrit = stats.t.ppf(0.5 + conf / 2, np.maximum(n - 1, 1))
    half = np.where(n >= 2, tcrit * std / np.sqrt(n), 0.0)
    out = pd.DataFrame(index=mean.index)
    out["n"] = n[columns[0]].to_numpy()
    for i, col in enumerate(columns):
        out[f"{col}_mean"] = mean[col]
        low, high = mean[col] - half[:, i], mean[col] + half[:, i]
        if is_share(col, df[col]):
            z = df[by].copy()
            z["v"] = logit(np.clip(df[col].to_numpy(dtype=float), SHARE_FLOOR, 1 - SHARE_FLOOR))
            zg = z.groupby(by, sort=True)["v"]
            zhalf = np.where(n[col] >= 2, tcrit[:, i] * zg.std(ddof=1) / np.sqrt(n[col]), 0.0)
            zlow, zhigh = _logit_interval(zg.mean().to_numpy(), zhalf)
            low = np.where(n[col] >= 2, np.minimum(zlow, mean[col]), mean[col])
            high = np.where(n[col] >= 2, np.maximum(zhigh, mean[col]), mean[col])
        out[f"{col}_low"] = low
        out[f"{col}_high"] = high
    return out.reset_index()
