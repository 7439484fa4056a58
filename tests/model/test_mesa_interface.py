"""MarketModel with Mesa's own tools: DataCollector, run_model, batch_run, rng."""

from __future__ import annotations

import mesa
import numpy as np
import pytest

from model.config.scenario import ConfigError
from model.market.market_model import MarketModel
from tests.conftest import two_platform_config

SMALL = {"consumers.n_consumers": 400, "sellers.n_sellers": 40}


def test_run_model_stops_at_the_configured_horizon():
    model = MarketModel(two_platform_config(steps=12, **{"consumers.n_consumers": 400}), rng=1)
    model.run_model()
    assert model.steps == 12
    assert not model.running
    assert len(model.platform_frame()) == 12 * 2


def test_datacollector_reads_the_recorder():
    model = MarketModel(two_platform_config(steps=8, **{"consumers.n_consumers": 400}), rng=2)
    model.run_model()
    collected = model.datacollector.get_model_vars_dataframe()
    frame = model.platform_frame()
    assert len(collected) == 8
    for platform in ("A", "B"):
        recorded = frame[frame.platform == platform]
        np.testing.assert_array_equal(collected[f"gmv[{platform}]"], recorded["gmv"])
        np.testing.assert_array_equal(collected[f"sellers[{platform}]"], recorded["sellers"])
    np.testing.assert_array_equal(collected["hhi"], frame[frame.platform == "A"]["hhi"])


def test_batch_run_sweeps_dotted_keys_with_seeds():
    results = mesa.batch_run(
        MarketModel,
        parameters={"scenario": "flywheel", "steps": 10, **SMALL,
                    "platforms.marketplace.referral_fee": [0.05, 0.4]},
        rng=[1, 2], max_steps=100, data_collection_period=1, display_progress=False)
    assert len(results) == 2 * 2 * 10  # points x seeds x days
    assert {r["Step"] for r in results} == set(range(1, 11))
    runs: dict[tuple[float, int], list[dict]] = {}
    for r in results:
        runs.setdefault((r["platforms.marketplace.referral_fee"], r["iteration"]), []).append(r)
    # the same seed with the same parameters is the same run as building it by hand
    model = MarketModel(scenario="flywheel", rng=1, steps=10, **SMALL,
                        overrides={"platforms.marketplace.referral_fee": 0.4})
    model.run_model()
    frame = model.platform_frame()
    by_hand = frame[frame.platform == "marketplace"]["gmv"].tolist()
    assert [r["gmv[marketplace]"] for r in runs[(0.4, 0)]] == by_hand
    # a higher fee passes into prices and costs the marketplace sales, seed by seed
    for rep in (0, 1):
        high = sum(r["gmv[marketplace]"] for r in runs[(0.4, rep)])
        low = sum(r["gmv[marketplace]"] for r in runs[(0.05, rep)])
        assert high < low


def test_seed_keyword_points_to_rng(small_config):
    with pytest.raises(TypeError, match=r"rng=1"):
        MarketModel(small_config, seed=1)


def test_unknown_keyword_is_refused_naming_it():
    with pytest.raises(ConfigError, match="colour"):
        MarketModel(scenario="flywheel", colour="red")


def test_config_and_keywords_combine(small_config):
    model = MarketModel(small_config, rng=1, **{"consumers.n_consumers": 300})
    assert model.config.consumers.n_consumers == 300
    assert small_config.consumers.n_consumers != 300


def test_mesa_scenario_object_is_ignored(small_config):
    from mesa.experimental.scenarios import Scenario

    model = MarketModel(small_config, rng=1, scenario=Scenario(rng=1))
    assert model.config == small_config
