"""Statistics of the theory experiments: paired means with a t interval, Wilson intervals for a
frequency, Newcombe's interval for a difference of two frequencies.

Arms share their seeds (common random numbers), so a treatment effect is estimated seed by seed
and the Student-t interval is taken over those paired differences.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its confidence interval over ``n`` seeds."""

    value: float
    low: float
    high: float
    n: int

    def holds(self, direction: str, than: float = 0.0) -> bool:
        """Whether the whole interval lies ``above`` or ``below`` ``than``."""
        return self.low > than if direction == "above" else self.high < than


def paired_mean(values: np.ndarray, conf: float = 0.95) -> Estimate:
    """Mean of per-seed values (e.g. treatment minus control) with a Student-t interval."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if x.size < 2:
        raise ValueError(f"paired_mean: {x.size} finite value(s); at least 2 seeds are needed")
    mean = float(x.mean())
    if np.all(x == x[0]):
        return Estimate(mean, mean, mean, int(x.size))
    low, high = stats.ttest_1samp(x, 0.0).confidence_interval(conf)
    return Estimate(mean, float(low), float(high), int(x.size))


def wilson(successes: int, n: int, conf: float = 0.95) -> Estimate:
    """Share of successes with the Wilson score interval (good at 0 and 1, small n)."""
    if n < 1 or not 0 <= successes <= n:
        raise ValueError(f"wilson: successes = {successes}, n = {n}: need 0 <= successes <= n, "
                         "n >= 1")
    ci = stats.binomtest(int(successes), int(n)).proportion_ci(conf, method="wilson")
    return Estimate(successes / n, float(ci.low), float(ci.high), int(n))


def newcombe(successes1: int, n1: int, successes2: int, n2: int,
             conf: float = 0.95) -> Estimate:
    """Difference of two shares (1 minus 2) with Newcombe's hybrid score interval (method 10 of
    Newcombe 1998), built from the two Wilson intervals."""
    a, b = wilson(successes1, n1, conf), wilson(successes2, n2, conf)
    diff = a.value - b.value
    low = diff - np.sqrt((a.value - a.low) ** 2 + (b.high - b.value) ** 2)
    high = diff + np.sqrt((a.high - a.value) ** 2 + (b.value - b.low) ** 2)
    return Estimate(float(diff), float(low), float(high), int(min(n1, n2)))
