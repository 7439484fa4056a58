"""The ad auction: a generalised second-price (GSP) auction for sponsored slots.

Advertisers are ranked by bid x ad quality; the winner of slot k pays per click the
smallest bid that would still have kept its rank: the next score down divided by its own
quality, never below the reserve. The cost per click therefore emerges from sellers' bids
and rises as more sellers compete for the same slots.
"""

from __future__ import annotations

import numpy as np


def generalized_second_price(bids: np.ndarray, quality: np.ndarray, n_slots: int,
                             reserve: float) -> tuple[np.ndarray, np.ndarray]:
    """Allocate ``n_slots`` sponsored slots among bidders.

    Parameters
    ----------
    bids : (n,) USD per click each bidder offers.
    quality : (n,) ad quality (relevance, > 0).
    n_slots : number of slots for sale.
    reserve : minimum price per click.

    Returns
    -------
    winners : positions (into ``bids``) of the slot winners, best slot first.
    prices : USD per click each winner pays.

    >>> w, p = generalized_second_price(np.array([1.0, 3.0, 2.0]), np.ones(3), 2, 0.5)
    >>> w.tolist(), p.tolist()
    ([1, 2], [2.0, 1.0])
    """
    eligible = np.flatnonzero(bids >= reserve)
    if n_slots <= 0 or len(eligible) == 0:
        return np.empty(0, dtype=np.int64), np.empty(0)
    score = bids[eligible] * quality[eligible]
    order = eligible[np.argsort(-score, kind="stable")]
    winners = order[:n_slots]
    next_scores = np.zeros(len(winners))
    runners = order[1 : len(winners) + 1]
    next_scores[: len(runners)] = bids[runners] * quality[runners]
    prices = np.maximum(next_scores / quality[winners], reserve)
    return winners, np.minimum(prices, bids[winners])
