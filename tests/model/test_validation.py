"""Finite numbers only, ceilings where the economics has them, sizes that fit in memory, and
the documented boundary values give finite results."""

from __future__ import annotations

import dataclasses
import math
import typing

import numpy as np
import pytest

from model.config.params import build
from model.config.participants import ConsumerConfig, SellerConfig
from model.config.platforms import PlatformConfig
from model.config.sanity import BYTES_PER_CONSUMER, check_fits, estimate_bytes, machine_memory
from model.config.scenario import ConfigError, MarketConfig, load_scenario
from model.market.market_model import MarketModel

SMALL = {"consumers.n_consumers": 400, "sellers.n_sellers": 40}


def float_fields(cls: type) -> list[str]:
    hints = typing.get_type_hints(cls)
    return [f.name for f in dataclasses.fields(cls) if hints[f.name] is float]


@pytest.mark.parametrize("cls", [ConsumerConfig, SellerConfig, PlatformConfig])
@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_every_float_field_refuses_inf_and_nan(cls: type, value: float) -> None:
    fields = float_fields(cls)
    assert fields
    for name in fields:
        with pytest.raises(ConfigError, match=rf"^{name} = (inf|-inf|nan): expected a finite"):
            build(cls, {name: value})


def test_a_no_limit_default_keeps_its_infinity() -> None:
    cfg = load_scenario("flywheel", {**SMALL, "platforms.marketplace.fee_tiers": [
        {"category": "apparel", "rate": 0.1}]})
    assert cfg.platform("marketplace").fee_tiers[0].max_price == math.inf
    with pytest.raises(ConfigError, match="max_price = -inf"):
        load_scenario("flywheel", {**SMALL, "platforms.marketplace.fee_tiers": [
            {"category": "apparel", "rate": 0.1, "max_price": -math.inf}]})


def test_memory_estimate_refuses_what_cannot_fit() -> None:
    huge = 4 * machine_memory() // BYTES_PER_CONSUMER
    with pytest.raises(ConfigError) as info:
        load_scenario("flywheel", {"consumers.n_consumers": huge})
    message = str(info.value)
    assert f"consumers.n_consumers = {huge}" in message
    assert "GB" in message and f"~{BYTES_PER_CONSUMER} bytes per consumer" in message
    cfg = load_scenario("flywheel", SMALL)
    assert estimate_bytes(cfg) < machine_memory()
    copies = machine_memory() // estimate_bytes(cfg) + 1
    with pytest.raises(ConfigError, match=f"x {copies} workers"):
        check_fits(cfg, copies=copies)


def test_memory_estimate_grows_with_consumers_and_sellers() -> None:
    a = estimate_bytes(load_scenario("flywheel", SMALL))
    b = estimate_bytes(load_scenario("flywheel", {**SMALL, "consumers.n_consumers": 1400}))
    c = estimate_bytes(load_scenario("flywheel", {**SMALL, "sellers.n_sellers": 140}))
    assert b - a == 1000 * BYTES_PER_CONSUMER and c > a


@pytest.mark.parametrize("overrides", [
    {"consumers.price_sensitivity": 0.1},               # the documented floor
    {"platforms.marketplace.referral_fee": 0.9},        # the documented ceiling
    {"platforms.marketplace.coupon_rate": 0.9, "platforms.marketplace.subsidy_budget": 1e6},
])
def test_documented_boundary_values_give_finite_outputs(overrides: dict) -> None:
    model = MarketModel(load_scenario("flywheel", {**SMALL, **overrides}), rng=4)
    model.run(20)
    frame = model.platform_frame().select_dtypes("number")
    # ratios with nothing to divide are NaN by design (no paid click, no sale, no listing)
    ratios = ["avg_cpc", "take_rate", "new_product_share", "price_index"]
    values = frame.to_numpy(dtype=float)
    assert not np.isinf(values).any()
    bad = [c for c in frame.columns.drop(ratios) if frame[c].isna().any()]
    assert not bad, bad
    assert frame["price_index"].dropna().between(0.1, 100).all()


def test_zero_price_sensitivity_is_outside_the_documented_range() -> None:
    meta = {f.name: f.metadata for f in dataclasses.fields(ConsumerConfig)}
    assert meta["price_sensitivity"]["low"] > 0
    with pytest.raises(ConfigError, match="consumers.price_sensitivity = 0"):
        load_scenario("flywheel", {"consumers.price_sensitivity": 0})


def test_scenario_checks_run_on_the_dataclass_too() -> None:
    cfg = load_scenario("flywheel", SMALL)
    assert isinstance(cfg, MarketConfig)
    twin = dataclasses.replace(cfg, regions=[cfg.regions[0], cfg.regions[0]])
    with pytest.raises(ConfigError, match="regions = .*names must be distinct"):
        build(MarketConfig, twin)
