"""Consumers shop: who shops today, which platform they visit, which listing they buy.

Both choices are multinomial logits, sampled by adding Gumbel noise and taking the
argmax, for all shoppers of the day in one vectorised pass.

Platform utility for shopper i and platform p in the shopper's category c:

    V[i,p] = -alpha_i * price_index[p,c] * (1 - coupon[p])
             + selection_weight * log(1 + listings[p,c])
             - delta_i * delivery_days[p] + habit_weight * habit[i,p] + promotion_bonus[p]
             + membership_loyalty[p] * member[i,p]

only for platforms the shopper is aware of; the outside option (buying offline at the
reference price) has ``outside_option - alpha_i``. A coupon enters once, as a lower
price. A member of a platform's paid membership (``model.demand.membership``) has its member
delivery days instead of ``delivery_days[p]`` where they are faster.

Homing (Armstrong 2006; Rochet and Tirole 2003): a *single-homing* shopper shops on one
platform per trip, the one this logit picks; its switching costs are habit and awareness,
so it can move when another platform looks better, and it weighs each platform's
selection, which is what lets strong cross-side effects tip the market. A
*multi-homing* shopper compares the slates of every platform it knows and buys the best
listing among them, so a platform's size matters to it only through the offers it shows.
"""

from __future__ import annotations

import numpy as np


def draw_shoppers(shopping_rate: np.ndarray, rng: np.random.Generator,
                  multiplier: float = 1.0) -> np.ndarray:
    """Indices of consumers who go shopping today."""
    return np.flatnonzero(rng.random(len(shopping_rate)) < shopping_rate * multiplier)


def draw_categories(n: int, weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Category of each shopping trip, by the categories' relative weights."""
    cumulative = np.cumsum(weights) / np.sum(weights)
    return np.searchsorted(cumulative, rng.random(n), side="right").astype(np.int64)


def platform_utilities(*, price_sensitivity: np.ndarray, aware: np.ndarray,
                       categories: np.ndarray, price_index: np.ndarray, listings: np.ndarray,
                       coupon: np.ndarray, terms: np.ndarray, selection_weight: float
                       ) -> np.ndarray:
    """Deterministic utility (shoppers x platforms); -inf where a platform is not an option.

    ``price_index`` and ``listings`` are (platforms x categories), ``price_index`` before
    coupons; ``coupon`` is per platform; ``terms`` (shoppers x platforms) the rest of a
    platform's utility (:func:`platform_terms`).
    """
    price = (price_index * (1 - coupon[:, None]))[:, categories].T   # (S, P)
    count = listings[:, categories].T
    utility = -price_sensitivity[:, None] * price + selection_weight * np.log1p(count) + terms
    available = aware & (count > 0)
    return np.where(available, utility, -np.inf)


def uniform_selection(listings: np.ndarray, launched: np.ndarray) -> np.ndarray:
    """Listings as a shopper who ignores selection sees them: every open platform with
    listings in a category offers the category's mean (an ablation of the selection
    channel that keeps the level of online demand).

    >>> uniform_selection(np.array([[10.0], [30.0], [0.0]]), np.array([True, True, True]))
    array([[20.],
           [20.],
           [ 0.]])
    """
    stocked = (listings > 0) & launched[:, None]
    mean = np.divide(np.where(stocked, listings, 0.0).sum(axis=0), stocked.sum(axis=0),
                     out=np.zeros(listings.shape[1]), where=stocked.any(axis=0))
    return np.where(stocked, mean[None, :], 0.0)


def platform_terms(*, delivery_sensitivity: np.ndarray, habit: np.ndarray,
                   delivery_days: np.ndarray, bonus: np.ndarray, habit_weight: float,
                   member: np.ndarray | None = None,
                   member_delivery_days: np.ndarray | None = None,
                   member_loyalty: np.ndarray | None = None) -> np.ndarray:
    """The part of a platform's utility that is not about its listings (shoppers x
    platforms): delivery time, habit and a running promotion.

    With a paid membership (``member``, shoppers x platforms; ``model.demand.membership``) a
    member gets the platform's member delivery days where they are faster, and its
    ``member_loyalty`` utility: the switching cost the membership builds.

    >>> platform_terms(delivery_sensitivity=np.array([0.5, 0.5]), habit=np.zeros((2, 1)),
    ...                delivery_days=np.array([3.0]), bonus=np.zeros(1), habit_weight=1.0,
    ...                member=np.array([[True], [False]]), member_delivery_days=np.array([1.0]),
    ...                member_loyalty=np.array([0.4])).round(2).tolist()
    [[-0.1], [-1.5]]
    """
    if member is None or member_delivery_days is None or member_loyalty is None:
        return (-delivery_sensitivity[:, None] * delivery_days[None, :]
                + habit_weight * habit + bonus[None, :])
    days = np.where(member, np.minimum(delivery_days, member_delivery_days)[None, :],
                    delivery_days[None, :])
    return (-delivery_sensitivity[:, None] * days + habit_weight * habit + bonus[None, :]
            + member_loyalty[None, :] * member)


def consideration_sets(noisy: np.ndarray, outside_value: np.ndarray,
                       multi_homer: np.ndarray) -> np.ndarray:
    """Platforms whose slates each shopper compares on this trip (shoppers x platforms).

    ``noisy`` are the shoppers' platform utilities with today's random draws. A
    single-homer opens only the best platform, if it beats the outside option; a
    multi-homer every platform that beats the outside option, each judged on its own,
    so that one platform's size does not keep a multi-homer from another.

    >>> noisy = np.array([[1.0, 2.0], [1.0, 2.0], [-1.0, -2.0]])
    >>> consideration_sets(noisy, np.zeros(3), np.array([False, True, True])
    ...                    ).astype(int).tolist()
    [[0, 1], [1, 1], [0, 0]]
    """
    choice = choose(noisy, outside_value)
    chosen = np.zeros(noisy.shape, dtype=bool)
    visiting = np.flatnonzero(choice >= 0)
    chosen[visiting, choice[visiting]] = True
    worth_opening = noisy > outside_value[:, None]
    return np.where(multi_homer[:, None], worth_opening, chosen)


def logit_choice(utility: np.ndarray, outside: np.ndarray, rng: np.random.Generator
                 ) -> np.ndarray:
    """Sample a choice per row: column index, or -1 for the outside option."""
    return choose(*random_utilities(utility, outside, rng))


def random_utilities(utility: np.ndarray, outside: np.ndarray, rng: np.random.Generator
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Utilities with their Gumbel draws (rows x columns) and the outside option's (rows)."""
    return (utility + rng.gumbel(size=utility.shape),
            outside + rng.gumbel(size=len(outside)))


def choose(noisy: np.ndarray, outside_value: np.ndarray) -> np.ndarray:
    """The best column per row, or -1 where the outside option is better."""
    best = noisy.argmax(axis=1)
    best_value = noisy[np.arange(len(noisy)), best]
    return np.where(best_value > outside_value, best, -1)


def listing_utilities(*, price_sensitivity: np.ndarray, quality_sensitivity: np.ndarray,
                      budget: np.ndarray, relative_price: np.ndarray, quality: np.ndarray,
                      rating: np.ndarray, positions: np.ndarray, valid: np.ndarray,
                      rating_utility: float, position_utility: float) -> np.ndarray:
    """Utility of each listing a shopper sees (shoppers x listings); -inf for empty or
    unaffordable.

    ``relative_price`` is price / reference price after coupons; ``positions`` the
    listing's position on its slate (0 = top).
    """
    utility = (-price_sensitivity[:, None] * relative_price
               + quality_sensitivity[:, None] * quality
               + rating_utility * (rating - 0.5)
               + position_utility * positions)
    ok = valid & (relative_price <= budget[:, None])
    return np.where(ok, utility, -np.inf)
