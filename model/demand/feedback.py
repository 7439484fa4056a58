"""Feedback after purchases: habit, word of mouth, ratings and organic sales memory.

These are the links that close the loops: a visit builds habit (switching cost), a buyer
tells contacts about the platform (awareness spreads), ratings and sales push a listing
up the organic ranking.
"""

from __future__ import annotations

import numpy as np

from model.agents.consumer import ConsumerArrays
from model.agents.seller import SellerArrays
from model.world.network import neighbours


def update_habit(consumers: ConsumerArrays, visitors: np.ndarray, platforms: np.ndarray,
                 gain: np.ndarray, decay: float, day: int) -> None:
    """Habit decays for everyone and grows towards 1 for today's visitors.

    ``gain`` is per platform (platforms differ in loyalty).
    """
    consumers.habit *= np.float32(1.0 - decay)
    h = consumers.habit[visitors, platforms]
    step = np.minimum(gain[platforms], 1.0).astype(np.float32)
    consumers.habit[visitors, platforms] = h + step * (1 - h)
    consumers.last_visit[visitors, platforms] = day


def spread_word_of_mouth(consumers: ConsumerArrays, indptr: np.ndarray, indices: np.ndarray,
                         buyers: np.ndarray, platforms: np.ndarray, rate: float,
                         rng: np.random.Generator, brand: np.ndarray | None = None) -> None:
    """Each buyer's contacts become aware of the platform bought on, with chance ``rate``.

    ``brand`` (platforms x platforms, optional) marks storefronts of one brand (a listing
    group: list once, sell everywhere): hearing of one, a contact knows them all, so a
    global marketplace's buyers at home spread its storefronts abroad.
    """
    if len(buyers) == 0 or rate <= 0:
        return
    degree = (indptr[buyers + 1] - indptr[buyers]).astype(np.int64)
    contacts = neighbours(indptr, indices, buyers)
    told = np.repeat(platforms, degree)
    hit = rng.random(len(contacts)) < rate
    if brand is None:
        consumers.aware[contacts[hit], told[hit]] = True
        return
    row, platform = np.nonzero(brand[told[hit]])
    consumers.aware[contacts[hit][row], platform] = True


def update_ratings(sellers: SellerArrays, seller: np.ndarray, platform: np.ndarray,
                   rng: np.random.Generator, noise: float, memory: float) -> None:
    """Each order leaves a rating near the product's quality (sd ``noise``); listings keep
    a running mean in which each new rating weighs ``memory``."""
    if len(seller) == 0:
        return
    scores = np.clip(sellers.quality[seller] + rng.normal(0, noise, len(seller)), 0, 1)
    total = np.zeros_like(sellers.rating)
    count = np.zeros_like(sellers.rating)
    np.add.at(total, (seller, platform), scores)
    np.add.at(count, (seller, platform), 1.0)
    rated = count > 0
    weight = 1.0 - (1.0 - memory) ** count[rated]
    sellers.rating[rated] += weight * (total[rated] / count[rated] - sellers.rating[rated])


def update_sales_score(sellers: SellerArrays, units_today: np.ndarray, memory: float) -> None:
    """Smoothed daily units per listing (today weighs ``memory``): the memory behind sticky
    organic ranking."""
    n = sellers.count
    sellers.sales_score[:n] += memory * (units_today[:n] - sellers.sales_score[:n])
