"""Fees sellers pay platforms: referral % by category and price tier, fulfilment, ads."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from model.config.scenario import FeeTier


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



PRICE_BANDS = 101  # USD 0-1, 1-2, ..., 99-100, and 100 or more


def price_band(prices: np.ndarray) -> np.ndarray:
    """Index of each price's one-dollar band (the last band holds $100 and above)."""
    return np.minimum(prices.astype(np.int64), PRICE_BANDS - 1)


def rival_share(band_gmv: np.ndarray, platform: int, category: int, max_price: float) -> float:
    """Rivals' share of a category's GMV at or below ``max_price``.

    ``band_gmv`` is (platforms x categories x price bands).

    >>> gmv = np.zeros((2, 1, PRICE_BANDS))
    >>> gmv[0, 0, 9], gmv[1, 0, 12], gmv[1, 0, 40] = 30.0, 70.0, 500.0
    >>> rival_share(gmv, 0, 0, 15.0)
    0.7
    """
    band = band_gmv[:, category, : int(max_price)].sum(axis=1)
    total = band.sum()
    return float((total - band[platform]) / total) if total > 0 else 0.0


def managed_margin_rates(price: np.ndarray, supply_price: np.ndarray, fallback: np.ndarray
                         ) -> np.ndarray:
    """Share of the retail price a managed platform keeps: ``1 - supply / retail``; where
    no supply price is agreed yet, ``fallback`` (what a prospective supplier expects).

    >>> managed_margin_rates(np.array([10.0, 10.0]), np.array([6.0, 0.0]),
    ...                      np.array([0.3, 0.3])).round(2).tolist()
    [0.4, 0.3]
    """
    agreed = (supply_price > 0) & (price > 0)
    kept = 1.0 - np.divide(supply_price, price, out=np.ones_like(price), where=agreed)
    return np.where(agreed, np.clip(kept, 0.0, 1.0), fallback)
