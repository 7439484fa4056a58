"""Consumers shop: who shops today, which platform they visit, which listing they buy.

Both choices are multinomial logits, sampled by adding Gumbel noise and taking the
argmax, for all shoppers of the day in one vectorised pass.

Platform utility for shopper i and platform p in the shopper's category c:

    V[i,p] = -alpha_i * price_index[p,c] + selection_weight * log(1 + listings[p,c])
             - delta_i * delivery_days[p] + coupon_sensitivity * coupon[p]
             + habit_weight * habit[i,p] + promotion_bonus[p]

only for platforms the shopper is aware of; the outside option (buying offline at the
reference price) has ``outside_option - alpha_i``.
"""

from __future__ import annotations

import numpy as np

POSITION_UTILITY = -0.12   # utility per slate position further down
RATING_UTILITY = 1.0


def draw_shoppers(shopping_rate: np.ndarray, rng: np.random.Generator,
                  multiplier: float = 1.0) -> np.ndarray:
    """Indices of consumers who go shopping today."""
    return np.flatnonzero(rng.random(len(shopping_rate)) < shopping_rate * multiplier)


def draw_categories(n: int, weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Category of each shopping trip, by the categories' relative weights."""
    cumulative = np.cumsum(weights) / np.sum(weights)
    return np.searchsorted(cumulative, rng.random(n), side="right").astype(np.int64)


def platform_utilities(*, price_sensitivity: np.ndarray, delivery_sensitivity: np.ndarray,
                       habit: np.ndarray, aware: np.ndarray, categories: np.ndarray,
                       price_index: np.ndarray, listings: np.ndarray,
                       delivery_days: np.ndarray, coupon: np.ndarray, bonus: np.ndarray,
                       selection_weight: float, coupon_sensitivity: float,
                       habit_weight: float) -> np.ndarray:
    """Deterministic utility (shoppers x platforms); -inf where a platform is not an option.

    ``price_index`` and ``listings`` are (platforms x categories); the rest per platform.
    """
    price = price_index[:, categories].T             # (S, P)
    count = listings[:, categories].T
    utility = (-price_sensitivity[:, None] * price
               + selection_weight * np.log1p(count)
               - delivery_sensitivity[:, None] * delivery_days[None, :]
               + coupon_sensitivity * coupon[None, :]
               + habit_weight * habit + bonus[None, :])
    available = aware & (count > 0)
    return np.where(available, utility, -np.inf)


def logit_choice(utility: np.ndarray, outside: np.ndarray, rng: np.random.Generator
                 ) -> np.ndarray:
    """Sample a choice per row: column index, or -1 for the outside option."""
    noisy = utility + rng.gumbel(size=utility.shape)
    best = noisy.argmax(axis=1)
    best_value = noisy[np.arange(len(noisy)), best]
    outside_value = outside + rng.gumbel(size=len(outside))
    return np.where(best_value > outside_value, best, -1)


def single_home_mask(habit: np.ndarray) -> np.ndarray:
    """For single-homing consumers: only their most habitual platform (if any) is open."""
    home = habit.argmax(axis=1)
    has_home = habit.max(axis=1) > 0.05
    mask = np.ones_like(habit, dtype=bool)
    mask[has_home] = False
    mask[np.flatnonzero(has_home), home[has_home]] = True
    return mask


def listing_utilities(*, price_sensitivity: np.ndarray, quality_sensitivity: np.ndarray,
                      budget: np.ndarray, relative_price: np.ndarray, quality: np.ndarray,
                      rating: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Utility of each slate position (shoppers x positions); -inf for empty or unaffordable.

    ``relative_price`` is price / reference price after coupons.
    """
    positions = np.arange(relative_price.shape[1])
    utility = (-price_sensitivity[:, None] * relative_price
               + quality_sensitivity[:, None] * quality
               + RATING_UTILITY * (rating - 0.5)
               + POSITION_UTILITY * positions[None, :])
    ok = valid & (relative_price <= budget[:, None])
    return np.where(ok, utility, -np.inf)
