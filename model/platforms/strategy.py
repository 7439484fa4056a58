"""An adaptive platform's levers: trial-and-error hill climbing on its own observed results.

The rule (``platforms.NAME.strategy = "adaptive"``), run at each monthly review, is a
coordinate pattern search (Hooke and Jeeves 1961) on the platform's own observed results:

1. If no trial is running and the last ``trial_months`` of the platform's record are clean
   (no lever changed in them, by the rule or by a scheduled event), it draws one lever and a
   direction from its generator and moves the lever by ``strategy_step`` of its bounds'
   range (ad slots: one slot), within the bounds. What the objective summed to over those
   last ``trial_months`` (or, with ``strategy_detrend``, the trend line through the clean
   record carried forward) is the trial's *baseline*.
2. Once the trial has run ``trial_months``, the objective over the trial window is compared
   with the baseline: the change is kept if it beats the baseline by more than
   ``strategy_noise_margin`` of it, else the lever goes back.
3. A kept change is followed at once by another step the same way (the trial window is the
   next baseline). A freshly drawn move that fails is followed at once by a step the other
   way, against the same baseline. When a lever has no step left that helps, the rule waits
   for one clean window and draws another lever.
4. A scheduled event (or a configured fee response) that changes a lever during a trial ends
   the trial without reverting: the rule starts from the event's value, after a clean window.

The objective uses what a platform observes: its own ledger (profit: fees, ads, first-party
margin less coupons, logistics, marketing and fixed costs), its own GMV and active users;
``growth`` (GMV or active consumers) applies while the parent funds the platform and falls
back to profit once it does not. The per-band lever watches rivals' public sales: it moves
the referral tier of the low-price band (at or below the category's reference price) of the
category in which rivals hold the largest share of that band.

This is a learning platform in the sense of Heinrich and Gräbner (2019, "Beyond equilibrium:
revisiting two-sided markets from an agent-based modelling perspective", Int. J. of
Computational Economics and Econometrics 9(3)): providers adjust prices by heuristic trial and
error on their own results rather than solving for an equilibrium. What it should find is
Rochet and Tirole (2003, 2006) and Armstrong (2006): the side that cannot leave (single-homing,
habit) is charged, the side whose participation the other values is subsidised, and fees stay
high where consumers single-home (competitive bottleneck) and fall where they multi-home with
a low-fee rival.

Known limits: a month shows most of a fee's pass-through into prices (sellers reprice weekly)
but little of the slower seller migration and habit decay, so the rule is myopic; and
comparing a window with the one before it reads a growing market as a gain (the noise margin
covers about a month of +15%/year growth; ``strategy_detrend`` removes the trend at the cost
of noisier baselines).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from model.agents.platform import NO_TRIAL, TrialState
from model.config.platforms import FeeTier

__all__ = ["NO_TRIAL", "REVIEW_DAYS", "TrialState"]  # the rule's state lives on the agent

REVIEW_DAYS = 30  # days between platform reviews (a month)

def daily_objective(
    profit: np.ndarray, growth: np.ndarray, objective: str, funded: bool
) -> np.ndarray:
    """The objective's daily values: profit, or the growth measure while the parent funds
    the platform (profit once it does not).

    >>> daily_objective(np.array([1.0, 2.0]), np.array([10.0, 10.0]), "growth", False)
    array([1., 2.])
    """
    return growth if objective == "growth" and funded else profit


def expected_objective(history: np.ndarray, horizon: int, trend: bool) -> float:
    """What the objective would sum to over the next ``horizon`` days with nothing changed:
    the last ``horizon`` days' total, or (``trend``) the least-squares line through the
    daily ``history`` carried forward, so that a market growing (or a platform losing
    ground) is not mistaken for the effect of a trial.

    >>> expected_objective(np.arange(10.0), 5, trend=False)
    35.0
    >>> expected_objective(np.arange(10.0), 5, trend=True)
    60.0
    """
    if not trend or len(history) < 2:
        return float(np.sum(history[-horizon:]))
    days = np.arange(len(history), dtype=float)
    slope, intercept = np.polyfit(days, history, 1)
    ahead = np.arange(len(history), len(history) + horizon, dtype=float)
    return float(np.sum(intercept + slope * ahead))


def improved(trial: float, baseline: float, margin: float) -> bool:
    """Whether the trial window beats the baseline by more than ``margin`` of it.

    >>> improved(103.0, 100.0, 0.02), improved(101.0, 100.0, 0.02)
    (True, False)
    >>> improved(-90.0, -100.0, 0.02)   # a smaller loss is an improvement
    True
    """
    return trial - baseline > margin * abs(baseline)


def moved(
    value: float, bounds: Sequence[float], step: float, direction: int, integer: bool = False
) -> float:
    """``value`` moved by ``step`` of the bounds' range in ``direction`` (+1 / -1), kept in
    the bounds; a value an event put outside them only moves back towards them.

    >>> moved(0.15, (0.0, 0.5), 0.05, 1)
    0.175
    >>> moved(0.49, (0.0, 0.5), 0.05, 1)
    0.5
    >>> moved(3, (0, 8), 0.05, -1, integer=True)
    2
    """
    low, high = bounds
    delta = max(1, round(step * (high - low))) if integer else step * (high - low)
    target = value + direction * delta
    target = min(max(target, min(low, value)), max(high, value))
    return int(round(target)) if integer else round(float(target), 10)


def draw_move(levers: Sequence[str], rng: np.random.Generator) -> tuple[str, int]:
    """A lever and a direction (+1 / -1), drawn uniformly."""
    lever = levers[int(rng.integers(len(levers)))]
    direction = 1 if rng.random() < 0.5 else -1
    return lever, direction


def contested_band(band_gmv: np.ndarray, platform: int, reference_prices: np.ndarray) -> int:
    """Category whose low-price band (prices at or below its reference price) rivals hold
    the largest share of, by last month's GMV; -1 if nobody sold in any such band.

    ``band_gmv`` is (platforms x categories x one-dollar price bands).

    >>> gmv = np.zeros((2, 2, 101))
    >>> gmv[0, 0, 5], gmv[1, 0, 5], gmv[0, 1, 5], gmv[1, 1, 5] = 90.0, 10.0, 40.0, 60.0
    >>> contested_band(gmv, 0, np.array([15.0, 20.0]))
    1
    """
    shares = np.full(len(reference_prices), -1.0)
    for c, top in enumerate(reference_prices):
        band = band_gmv[:, c, : int(top)].sum(axis=1)
        if band.sum() > 0:
            shares[c] = (band.sum() - band[platform]) / band.sum()
    return int(np.argmax(shares)) if shares.max() >= 0 else -1


def band_rate(tiers: Sequence[FeeTier], category: str, max_price: float, default: float) -> float:
    """Referral rate the platform charges in ``category`` at ``max_price`` today."""
    for tier in tiers:
        if tier.category == category and max_price <= tier.max_price:
            return tier.rate
    return default


def with_band_rate(
    tiers: Sequence[FeeTier], category: str, max_price: float, rate: float
) -> list[FeeTier]:
    """Tiers with the band ``category`` <= ``max_price`` charged ``rate`` (the band's own
    tier replaced, or a new one put first so that it takes precedence).

    >>> with_band_rate([FeeTier("apparel", 15.0, 0.05)], "apparel", 15.0, 0.1)[0].rate
    0.1
    """
    kept = [t for t in tiers if not (t.category == category and t.max_price == max_price)]
    return [FeeTier(category, max_price, rate), *kept]
