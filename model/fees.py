"""Fees sellers pay platforms: referral % by category and price tier, fulfilment, ads."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from model.config import FeeTier


def referral_rates(prices: np.ndarray, categories: np.ndarray, default_rate: float,
                   tiers: Sequence[FeeTier], category_names: Sequence[str]) -> np.ndarray:
    """Referral fee rate for each sale.

    Tiers are read in order; within a category the first tier whose ``max_price`` covers
    the price applies, otherwise the platform's ``default_rate``.

    Parameters
    ----------
    prices : (n,) USD.
    categories : (n,) category indices.
    default_rate : share of price.
    tiers : fee tiers, each for one category.
    category_names : names, indexed by category.

    Returns
    -------
    (n,) share of price.

    >>> t = [FeeTier("apparel", 15.0, 0.05), FeeTier("apparel", 20.0, 0.10)]
    >>> referral_rates(np.array([10., 18., 30., 10.]), np.array([0, 0, 0, 1]), 0.17, t,
    ...                ["apparel", "home"]).tolist()
    [0.05, 0.1, 0.17, 0.17]
    """
    rates = np.full(len(prices), default_rate, dtype=float)
    decided = np.zeros(len(prices), dtype=bool)
    for tier in tiers:
        c = list(category_names).index(tier.category)
        hit = ~decided & (categories == c) & (prices <= tier.max_price)
        rates[hit] = tier.rate
        decided |= hit
    return rates

