"""Statistics of the theory experiments: paired means with a t interval, Wilson intervals for a
frequency, Newcombe's interval for a difference of two frequencies; the verdict a 95% CI gives
on a prediction and the power of the run behind it.

Arms share their seeds (common random numbers), so a treatment effect is estimated seed by seed
and the Student-t interval is taken over those paired differences.

Verdict: ``holds`` if the whole CI lies on the predicted side of the threshold, ``contradicted``
if it lies wholly on the other side, ``not detected`` if it contains the threshold. Power (the
normal-approximation sample size ``n = ((q(0.975) + q(0.80)) sigma / delta)^2`` of Cohen 1988,
Statistical Power Analysis for the Behavioral Sciences, 2nd ed., ch. 2): the standard error implied
by the CI is its half-width on the side facing the threshold over the critical value
``q(0.975)`` (Student-t at n - 1 degrees of freedom for a paired mean, standard normal for
the Wilson and Newcombe intervals; the wider half if the estimate sits on the threshold); the
minimal detectable effect at 80% power is
``MDE = (q(0.975) + q(0.80)) SE``, and the replications needed to detect the estimated effect
``d = estimate - threshold`` at that power are ``ceil(n (MDE / |d|)^2)`` (SE shrinks as
1 / sqrt(n)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

HOLDS, CONTRADICTED, NOT_DETECTED = "holds", "contradicted", "not detected"
VERDICTS = (HOLDS, CONTRADICTED, NOT_DETECTED)
DIRECTIONS = ("above", "below")
POWER = 0.8  # the conventional power of Cohen (1988)


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its confidence interval over ``n`` seeds."""

    value: float
    low: float
    high: float
    n: int
    df: float = math.inf  # degrees of freedom of the interval's quantiles (inf: normal)
    conf: float = 0.95

    def verdict(self, direction: str, than: float = 0.0) -> str:
        """``holds``, ``contradicted`` or ``not detected`` for the prediction that the value
        lies ``above`` or ``below`` ``than`` (see the module docstring)."""
        if direction not in DIRECTIONS:
            raise ValueError(f"direction = {direction!r}: allowed are " + ", ".join(DIRECTIONS))
        above, below = self.low > than, self.high < than
        if not (above or below):
            return NOT_DETECTED
        return HOLDS if above == (direction == "above") else CONTRADICTED

    def holds(self, direction: str, than: float = 0.0) -> bool:
        """Whether the whole interval lies ``above`` or ``below`` ``than``."""
        return self.verdict(direction, than) == HOLDS

    def quantile(self, p: float) -> float:
        """The ``p`` quantile of the interval's reference distribution (t at ``df``, or
        normal)."""
        return float(stats.norm.ppf(p) if math.isinf(self.df) else stats.t.ppf(p, self.df))

    def se(self, than: float = 0.0) -> float:
        """Standard error the interval implies: its half-width on the side facing ``than``
        (the wider half if the estimate sits on ``than``) over the critical value."""
        lower, upper = self.value - self.low, self.high - self.value
        half = lower if self.value > than else upper if self.value < than else max(lower, upper)
        return half / self.quantile(0.5 + self.conf / 2)

    def mde(self, than: float = 0.0, power: float = POWER) -> float:
        """Minimal detectable effect: the distance from ``than`` an effect needs for the
        interval to exclude ``than`` with probability ``power`` at this ``n``."""
        if not 0.5 <= power < 1:
            raise ValueError(f"power = {power!r}: allowed are values in [0.5, 1)")
        return (self.quantile(0.5 + self.conf / 2) + self.quantile(power)) * self.se(than)

    def reps_needed(self, than: float = 0.0, power: float = POWER) -> float:
        """Replications needed to detect the estimated effect ``value - than`` with probability
        ``power`` (at least 2; ``inf`` when the estimate sits on ``than``)."""
        effect = abs(self.value - than)
        if effect == 0:
            return math.inf
        need = self.n * (self.mde(than, power) / effect) ** 2
        return max(2, math.ceil(need)) if math.isfinite(need) else math.inf


def paired_mean(values: np.ndarray, conf: float = 0.95) -> Estimate:
    """Mean of per-seed values (e.g. treatment minus control) with a Student-t interval."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if x.size < 2:
        raise ValueError(f"paired_mean: {x.size} finite value(s); at least 2 seeds are needed")
    mean = float(x.mean())
    if np.all(x == x[0]):
        return Estimate(mean, mean, mean, int(x.size), x.size - 1, conf)
    low, high = stats.ttest_1samp(x, 0.0).confidence_interval(conf)
    return Estimate(mean, float(low), float(high), int(x.size), x.size - 1, conf)


def wilson(successes: int, n: int, conf: float = 0.95) -> Estimate:
    """Share of successes with the Wilson score interval (good at 0 and 1, small n)."""
    if n < 1 or not 0 <= successes <= n:
        raise ValueError(f"wilson: successes = {successes}, n = {n}: need 0 <= successes <= n, "
                         "n >= 1")
    ci = stats.binomtest(int(successes), int(n)).proportion_ci(conf, method="wilson")
    return Estimate(successes / n, float(ci.low), float(ci.high), int(n), conf=conf)


def newcombe(successes1: int, n1: int, successes2: int, n2: int,
             conf: float = 0.95) -> Estimate:
    """Difference of two shares (1 minus 2) with Newcombe's hybrid score interval (method 10 of
    Newcombe 1998), built from the two Wilson intervals."""
    a, b = wilson(successes1, n1, conf), wilson(successes2, n2, conf)
    diff = a.value - b.value
    low = diff - np.sqrt((a.value - a.low) ** 2 + (b.high - b.value) ** 2)
    high = diff + np.sqrt((a.high - a.value) ** 2 + (b.value - b.low) ** 2)
    return Estimate(float(diff), float(low), float(high), int(min(n1, n2)), conf=conf)
