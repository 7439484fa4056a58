"""Seller migration: the periodic portfolio review, entry and exit.

At each review a seller (unless inertia keeps it as it is) estimates the weekly profit
of a store on every platform: from its own results where it sells, and from what peers
in its network report (or the platform's category average) where it does not. If its
results fell short of its aspiration, a store of its is losing money, or a sweep on its
platform alarmed it (or, rarely, out of curiosity) it searches: it opens the best new
store if the gain over a horizon pays the onboarding cost and it has capacity left
(multi-homing), or swaps its worst store for a better platform when at capacity.

Stores that have been losing money for a while close, but a seller that can still add
a channel adds it first and keeps the losing store until the next review: under a fee
rise sellers multi-home before they leave (Edelman and Wright 2015), and close only
when even multi-homing does not make the store pay. Sellers whose cash runs out exit;
new sellers enter where listings are profitable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from model.agents.seller import INDEPENDENT, SellerArrays

if TYPE_CHECKING:
    from model.config.participants import SellerConfig

ENTRY = -1           # pseudo-platform index for sellers entering the market
EXIT = -2            # pseudo-platform index for sellers leaving the market
NONE = -3            # a store closed while the seller stays on its other platforms


@dataclass
class Moves:
    """Portfolio changes at one review: parallel arrays, one entry per move."""

    seller: list[np.ndarray] = field(default_factory=list)
    source: list[np.ndarray] = field(default_factory=list)
    target: list[np.ndarray] = field(default_factory=list)
    move: list[str] = field(default_factory=list)

    def record(self, move: str, seller: np.ndarray, source: np.ndarray | int,
               target: np.ndarray | int) -> None:
        """Append moves of one type."""
        n = len(seller)
        if n == 0:
            return
        self.seller.append(seller)
        self.source.append(np.broadcast_to(source, n).copy())
        self.target.append(np.broadcast_to(target, n).copy())
        self.move.extend([move] * n)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
        """(seller, source, target, move) as flat arrays."""
        if not self.seller:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty, empty, []
        return (np.concatenate(self.seller), np.concatenate(self.source),
                np.concatenate(self.target), self.move)


def peer_average(values: np.ndarray, listed: np.ndarray, source: np.ndarray,
                 target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean of ``values`` over each seller's peers listed on each platform, and peer counts.

    ``source -> target`` are peer links: ``source`` hears what ``target`` reports.
    """
    total = np.zeros_like(values)
    count = np.zeros_like(values)
    np.add.at(total, source, np.where(listed[target], values[target], 0.0))
    np.add.at(count, source, listed[target].astype(float))
    return np.divide(total, count, out=np.zeros_like(total), where=count > 0), count


def category_average(values: np.ndarray, listed: np.ndarray, category: np.ndarray,
                     n_categories: int) -> np.ndarray:
    """(categories x platforms) mean of ``values`` over listed sellers."""
    n_platforms = values.shape[1]
    total = np.zeros((n_categories, n_platforms))
    count = np.zeros((n_categories, n_platforms))
    np.add.at(total, category, np.where(listed, values, 0.0))
    np.add.at(count, category, listed.astype(float))
    return np.divide(total, count, out=np.zeros_like(total), where=count > 0)


def expected_profit(own: np.ndarray, listed: np.ndarray, peers: np.ndarray,
                    peer_count: np.ndarray, fallback: np.ndarray, peer_weight: float
                    ) -> np.ndarray:
    """Each seller's estimate of a store's profit per review on each platform.

    Own results where it sells, blended with what peers report; where no peer sells,
    ``fallback`` (e.g. the platform's category average).
    """
    market_info = np.where(peer_count > 0, peers, fallback)
    return np.where(listed, (1 - peer_weight) * own + peer_weight * market_info, market_info)


def review_portfolios(sellers: SellerArrays, idx: np.ndarray, expected: np.ndarray,
                      eligible: np.ndarray, onboarding_cost: np.ndarray, config: SellerConfig,
                      day: int, rng: np.random.Generator) -> tuple[Moves, np.ndarray]:
    """Decide closes, opens and switches for sellers ``idx``; apply them to ``listed``.

    ``expected`` and ``eligible`` are (len(idx) x platforms); ``onboarding_cost`` is per
    platform. Returns the moves and the newly opened stores as (seller, platform) rows.
    """
    moves = Moves()
    listed = sellers.listed[idx]
    reviewing = rng.random(len(idx)) >= config.review_inertia
    alarmed = rng.random(len(idx)) < sellers.alarm[idx]
    sellers.alarm[idx] *= config.alarm_memory
    curious = rng.random(len(idx)) < config.exploration
    losing = np.where(listed & (expected < 0), sellers.losing[idx] + 1, 0)
    sellers.losing[idx] = losing
    searching = reviewing & (dissatisfied(sellers, idx, config.aspiration_memory) | alarmed
                             | curious | (losing > 0).any(axis=1))
    main = np.where(listed.any(axis=1), np.argmax(np.where(listed, expected, -np.inf), 1), NONE)

    settled = day - sellers.listed_since[idx] >= config.grace_days
    close = listed & settled & (losing >= config.patience_reviews) & reviewing[:, None]

    # a tiny random jitter breaks ties between equally attractive platforms at random
    jitter = rng.uniform(0.0, 1e-6, size=expected.shape)
    candidate = np.where(eligible & ~listed, expected + jitter, -np.inf)
    best = candidate.argmax(axis=1)
    best_value = candidate[np.arange(len(idx)), best]
    payback = config.payback_reviews
    pays = searching & (best_value * payback > onboarding_cost[best])
    capacity = sellers.capacity[idx]

    adds_first = pays & (listed.sum(axis=1) < capacity)   # room to add before closing
    close[adds_first] = False
    keep = listed & ~close
    count = keep.sum(axis=1)
    opens = pays & (count < capacity)
    worst = np.argmin(np.where(keep, expected, np.inf), axis=1)
    worst_value = expected[np.arange(len(idx)), worst]
    switch = (pays & ~opens & (count > 0)
              & ((best_value - worst_value) * payback > onboarding_cost[best]))

    rows = np.flatnonzero(switch)
    keep[rows, worst[rows]] = False
    moves.record("switch", idx[rows], worst[rows], best[rows])
    open_rows = np.flatnonzero(opens)
    kept_some = count[open_rows] > 0
    had_some = listed[open_rows].any(axis=1)
    moves.record("add", idx[open_rows[kept_some]], main[open_rows[kept_some]],
                 best[open_rows[kept_some]])
    moved = open_rows[~kept_some & had_some]   # closed everything and moved: a switch
    moves.record("switch", idx[moved], main[moved], best[moved])
    fresh = open_rows[~had_some]
    moves.record("join", idx[fresh], NONE, best[fresh])
    close[moved] = False  # already recorded as part of the switch
    closed_rows, closed_platforms = np.nonzero(close)
    moves.record("close", idx[closed_rows], closed_platforms, NONE)

    new_rows = np.concatenate([rows, open_rows])
    keep[new_rows, best[new_rows]] = True
    sellers.listed[idx] = keep
    return moves, np.column_stack([idx[new_rows], best[new_rows]])


def dissatisfied(sellers: SellerArrays, idx: np.ndarray, memory: float) -> np.ndarray:
    """Sellers whose profit since the last review fell short of their aspiration level
    (satisficing: a seller searches for new channels when results disappoint).

    Updates each aspiration towards the latest result by ``memory`` (the weight of the
    latest review).
    """
    result = sellers.profit[idx].sum(axis=1)
    aspiration = sellers.aspiration[idx]
    short = ~np.isnan(aspiration) & (result < aspiration)
    sellers.aspiration[idx] = np.where(
        np.isnan(aspiration), result,
        aspiration + memory * (result - np.nan_to_num(aspiration)))
    return short


def bankrupt(sellers: SellerArrays, exit_cash: float) -> np.ndarray:
    """Independent sellers whose cash has run out: they leave the market."""
    n = sellers.count
    independent = sellers.owner[:n] == INDEPENDENT
    return np.flatnonzero(sellers.alive[:n] & independent & (sellers.cash[:n] < exit_cash))


def idle(sellers: SellerArrays) -> np.ndarray:
    """Independent sellers with no store left and no frozen funds to wait for: they leave."""
    n = sellers.count
    independent = sellers.owner[:n] == INDEPENDENT
    no_store = ~sellers.listed[:n].any(axis=1) & (sellers.frozen[:n] <= 0)
    return np.flatnonzero(sellers.alive[:n] & independent & no_store)


def entrants(n_active: int, profitable_share: float, entry_rate: float,
             rng: np.random.Generator) -> int:
    """Number of new sellers this review: more when more existing stores make money."""
    return int(rng.poisson(entry_rate * n_active * max(profitable_share, 0.0)))


def sweep_alarm(alarm: np.ndarray, exposed: np.ndarray, hit: np.ndarray,
                peer_source: np.ndarray, peer_target: np.ndarray, peer_alarm: float
                ) -> np.ndarray:
    """Sellers' fear of depending on a platform after it sweeps stores (0-1 each).

    A seller whose store was suspended has learnt the risk first-hand (alarm 1). A seller
    still trading on the swept platform (``exposed``) reads the risk from its peers: the
    share of its peers that were suspended, times ``peer_alarm``. Sellers elsewhere are
    not alarmed. Alarm never falls here; it fades at reviews (``alarm_memory``).

    >>> sweep_alarm(np.zeros(4), np.array([0, 1, 2]), np.array([0]),
    ...             np.array([0, 1, 0, 2]), np.array([1, 0, 2, 0]), 1.5).tolist()
    [1.0, 1.0, 1.0, 0.0]
    """
    n = len(alarm)
    suspended = np.zeros(n)
    suspended[hit] = 1.0
    peers_hit = np.bincount(peer_target, weights=suspended[peer_source], minlength=n)
    peers = np.bincount(peer_target, minlength=n)
    share = np.divide(peers_hit, peers, out=np.zeros(n), where=peers > 0)
    risk = np.zeros(n)
    risk[exposed] = np.minimum(1.0, peer_alarm * share[exposed])
    risk[hit] = 1.0
    return np.maximum(alarm, risk)

