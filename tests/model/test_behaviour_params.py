"""Former constants are parameters that take effect: seller kinds, ranking, products."""

from __future__ import annotations

import numpy as np
import pytest

from model.agents.seller import SELLER_KINDS
from model.config.scenario import ConfigError
from model.market.market_model import MarketModel
from model.platforms.traffic import rank_scores
from tests.conftest import two_platform_config

FACTORY = SELLER_KINDS.index("factory")
TRADER = SELLER_KINDS.index("trader")


def test_a_seller_kind_is_configured_field_by_field():
    config = two_platform_config(**{"sellers.kinds.factory.unit_cost": 0.9,
                                    "sellers.kinds.factory.capacity": 3})
    assert config.sellers.kinds["factory"].unit_cost == 0.9
    assert config.sellers.kinds["trader"].unit_cost == 0.62  # the other kinds keep theirs
    model = MarketModel(config, rng=1)
    s, n = model.sellers, model.sellers.count
    reference = model.reference_price[s.category[:n]]
    relative = s.unit_cost[:n] / reference
    # factories now cost more than traders (0.62) instead of less (0.45 by default)
    assert np.median(relative[s.kind[:n] == FACTORY]) > np.median(relative[s.kind[:n] == TRADER])
    assert set(s.capacity[:n][s.kind[:n] == FACTORY]) == {3}


def test_unknown_seller_kind_is_refused():
    with pytest.raises(ConfigError, match=r"sellers\.kinds\.farmer: unknown seller kind"):
        two_platform_config(**{"sellers.kinds.farmer.unit_cost": 0.5})


def test_ranking_weights_change_the_ranking():
    base = dict(sales_score=np.array([5.0, 0.0]), rating=np.array([0.2, 0.9]),
                price=np.array([20.0, 20.0]), quality=np.full(2, 0.5),
                age_days=np.array([400, 400]), stickiness=1.0, new_seller_boost=0.0)
    config = two_platform_config()
    by_sales = rank_scores("organic", rng=np.random.default_rng(1), ranking=config.ranking,
                           **base)
    ratings_first = two_platform_config(**{"ranking.sales_weight": 0.0,
                                           "ranking.rating_weight": 5.0}).ranking
    by_rating = rank_scores("organic", rng=np.random.default_rng(1), ranking=ratings_first,
                            **base)
    assert np.argmax(by_sales) == 0 and np.argmax(by_rating) == 1
