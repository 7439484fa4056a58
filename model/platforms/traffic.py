"""Traffic allocation: how a platform turns its listings in a category into a slate.

Each platform ranks by its own rule:

* ``organic`` — relevance with stickiness: past sales and ratings keep a listing on top;
* ``price`` — cheapest first (managed platforms, price-ranked search);
* ``content`` — a feed: a fresh virality draw each day, weighted by quality;
* ``fair`` — like organic but with little memory, so newcomers get exposure.

Sponsored slots at the top are sold by the GSP auction (:mod:`model.platforms.ad_auction`). A slate
position k gets ``consumers.first_position_ctr * consumers.attention_decay ** k`` expected
clicks per shopper. The ranking weights are the ``ranking.*`` parameters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.config.behaviour import RankingConfig
from model.platforms.ad_auction import generalized_second_price

DEFAULT_RANKING = RankingConfig()


@dataclass
class Slate:
    """What a shopper sees for one platform and category today."""

    sellers: np.ndarray      # (k,) seller indices, best position first
    sponsored: np.ndarray    # (k,) bool: bought through the ad auction
    cpc: np.ndarray          # (k,) USD per click paid (0 for organic positions)


def position_ctr(n: int, first_ctr: float, decay: float) -> np.ndarray:
    """Expected clicks per shopper for the first ``n`` slate positions: ``first_ctr`` at the
    top, falling by ``decay`` per position.

    >>> position_ctr(3, 0.3, 0.5).tolist()
    [0.3, 0.15, 0.075]
    """
    return first_ctr * decay ** np.arange(n)


def rank_scores(rule: str, *, sales_score: np.ndarray, rating: np.ndarray, price: np.ndarray,
                quality: np.ndarray, age_days: np.ndarray, stickiness: float,
                new_seller_boost: float, rng: np.random.Generator,
                ranking: RankingConfig = DEFAULT_RANKING) -> np.ndarray:
    """Ranking score of each candidate listing under ``rule`` (higher ranks first)."""
    n = len(price)
    noise = rng.gumbel(size=n)
    if rule == "price":
        return -np.log(price) * ranking.price_weight + ranking.price_noise * noise
    if rule == "content":
        return np.log(quality + ranking.content_quality_floor) + ranking.content_noise * noise
    memory = stickiness if rule == "organic" else ranking.fair_memory * stickiness
    score = (memory * ranking.sales_weight * np.log1p(sales_score)
             + ranking.rating_weight * rating + (1.0 - memory) * noise)
    return score + new_seller_boost * (age_days < ranking.new_listing_days)


def build_slate(candidates: np.ndarray, scores: np.ndarray, bids: np.ndarray,
                ad_quality: np.ndarray, slate_size: int, ad_slots: int,
                reserve_cpc: float) -> Slate:
    """Sponsored winners first, then the best organic listings not already shown.

    Parameters are aligned with ``candidates`` (seller indices).
    """
    winners, prices = generalized_second_price(bids, ad_quality, min(ad_slots, slate_size),
                                               reserve_cpc)
    n_organic = min(slate_size - len(winners), len(candidates) - len(winners))
    remaining = np.ones(len(candidates), dtype=bool)
    remaining[winners] = False
    pool = np.flatnonzero(remaining)
    if n_organic < len(pool):
        top = np.argpartition(-scores[pool], n_organic)[:n_organic]
        pool = pool[top]
    organic = pool[np.argsort(-scores[pool], kind="stable")]
    order = np.concatenate([winners, organic]).astype(np.int64)
    sponsored = np.zeros(len(order), dtype=bool)
    sponsored[: len(winners)] = True
    cpc = np.zeros(len(order))
    cpc[: len(winners)] = prices
    return Slate(sellers=candidates[order], sponsored=sponsored, cpc=cpc)


def within_supply_tolerance(candidates: np.ndarray, prices: np.ndarray, tolerance: float
                            ) -> np.ndarray:
    """Managed model's reverse auction: only supply offers within ``tolerance`` of the
    lowest are shown."""
    return candidates[prices <= prices.min() * (1.0 + tolerance)]


def parity_penalty(prices: np.ndarray, listed: np.ndarray, platform: int,
                   ranking: RankingConfig = DEFAULT_RANKING) -> np.ndarray:
    """Price-parity policy: rank penalty for listings priced higher here than the same
    seller's price on another platform.

    >>> parity_penalty(np.array([[10.0, 8.0], [10.0, 12.0]]),
    ...                np.array([[True, True], [True, True]]), 0).tolist()
    [3.0, 0.0]
    """
    elsewhere = np.where(listed, prices, np.inf)
    elsewhere[:, platform] = np.inf
    cheapest_elsewhere = elsewhere.min(axis=1)
    return np.where(prices[:, platform] > cheapest_elsewhere * (1 + ranking.parity_slack),
                    ranking.parity_penalty, 0.0)
