"""Products: new-product introduction, platforms' own (1P) lines, and test-and-scale.

* Sellers refresh their product now and then; how good the new product is depends on
  their product-selection competence. In the sources ~40% of Chinese sellers' sales come
  from products under 12 months old.
* A retail (1P) platform sells its own product lines: seller rows owned by the platform,
  whose results are the platform's.
* Fast fashion's small-batch test-and-scale: every review the platform launches test
  products in small batches (at a higher unit cost); after a test window those that sell
  are scaled up (unit cost falls), the rest are dropped.

The numbers are the ``products.*`` parameters and each seller kind's quality
(``sellers.kinds.KIND.quality``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.agents.seller import SELLER_KINDS
from model.config.behaviour import ProductConfig

if TYPE_CHECKING:
    from model.market.state import MarketState

FIRST_PARTY = SELLER_KINDS.index("first_party")


def new_product_quality(selection: np.ndarray, base_quality: np.ndarray,
                        rng: np.random.Generator, config: ProductConfig) -> np.ndarray:
    """Quality of a newly launched product: better selection skill, better odds.

    >>> q = new_product_quality(np.array([0.9] * 1000), np.full(1000, 0.5),
    ...                         np.random.default_rng(0), ProductConfig())
    >>> bool(q.mean() > 0.5)
    True
    """
    draw = (base_quality * rng.lognormal(0.0, config.quality_spread, len(selection))
            + config.selection_effect * (selection - 0.5))
    return np.clip(draw, config.min_quality, 1.0)


def refresh_products(market: MarketState, sellers: np.ndarray, rate: float) -> int:
    """A share ``rate`` of ``sellers`` launch a new product; returns how many did."""
    s, rng, config = market.sellers, market.rng, market.config.products
    launching = sellers[rng.random(len(sellers)) < rate]
    kinds = market.config.sellers.kinds
    base = np.array([kinds[k].quality for k in SELLER_KINDS])[s.kind[launching]]
    s.quality[launching] = new_product_quality(s.selection[launching], base, rng, config)
    s.product_since[launching] = market.day
    s.rating[launching] = 0.5 + config.rating_carryover * (s.rating[launching] - 0.5)
    s.sales_score[launching] *= config.sales_carryover
    return len(launching)


def add_first_party_lines(market: MarketState, p: int, per_category: int,
                          unit_cost_factor: float = 1.0) -> np.ndarray:
    """Create ``per_category`` own product lines of platform ``p`` in every category."""
    s, rng = market.sellers, market.rng
    n_categories = len(market.category_names)
    n = per_category * n_categories
    if n == 0:
        return np.empty(0, dtype=np.int64)
    kinds = np.full(n, FIRST_PARTY)
    categories = np.repeat(np.arange(n_categories), per_category)
    idx = s.add(n, kinds, categories, market.reference_price, market.config.sellers,
                market.day, rng)
    s.owner[idx] = p
    s.cash[idx] = 0.0
    s.capital[idx] = 0.0
    s.unit_cost[idx] *= unit_cost_factor
    s.product_since[idx] = market.day
    s.listed[idx, p] = True
    s.listed_since[idx, p] = market.day
    market.seller_agents.create(idx)
    return idx


def test_and_scale(market: MarketState, p: int) -> tuple[int, int, int]:
    """One round of small-batch testing on platform ``p``: judge the tests whose window
    has passed (scale hits, drop the rest), then launch new tests.

    Returns (launched, scaled, dropped).
    """
    s, n, day = market.sellers, market.sellers.count, market.day
    config = market.config.products
    mine = np.flatnonzero(s.alive[:n] & (s.owner[:n] == p))
    on_test = mine[(s.unit_cost[mine] > 0) & ~s.scaled[mine]
                   & (day - s.product_since[mine] >= config.test_window_days)]
    hits = on_test[s.sales_score[on_test, p] >= config.hit_units_per_day]
    flops = on_test[s.sales_score[on_test, p] < config.hit_units_per_day]
    s.unit_cost[hits] *= config.scaled_cost / config.test_batch_cost
    s.scaled[hits] = True
    market.retire_sellers(flops)
    launched = add_first_party_lines(market, p, config.tests_per_category,
                                     config.test_batch_cost)
    s.quality[launched] = new_product_quality(
        np.full(len(launched), config.test_selection), s.quality[launched], market.rng, config)
    return len(launched), len(hits), len(flops)
