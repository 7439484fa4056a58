"""Configuration: typed, documented, validated once with errors that name key, value, range."""

from __future__ import annotations

import dataclasses

import pytest

from model.config.params import ConfigError, describe
from model.config.scenario import (
    MarketConfig,
    PlatformConfig,
    config_from_dict,
    list_scenarios,
    load_scenario,
)


def test_every_parameter_has_unit_and_doc():
    rows = describe(MarketConfig)
    assert len(rows) > 50
    for row in rows:
        assert row["unit"], row["key"]
        assert row["meaning"], row["key"]


@pytest.mark.parametrize("override, fragment", [
    ({"platforms.marketplace.referral_fee": 1.2}, "platforms.marketplace.referral_fee = 1.2"),
    ({"consumers.n_consumers": -5}, "consumers.n_consumers = -5"),
    ({"consumers.n_consumers": "many"}, "expected an int"),
    ({"consumers.shopping_rat": 0.1}, "unknown key consumers.shopping_rat"),
    ({"platforms.marketplace.kind": "bazaar"}, "allowed kinds are"),
    ({"platforms.nowhere.referral_fee": 0.1}, "no platforms named 'nowhere'"),
    ({"consumers.multi_homing": "yes"}, "expected true or false"),
    ({"start_date": "2022-13-01"}, "start_date = '2022-13-01': expected a date as YYYY-MM-DD"),
])
def test_bad_values_are_refused_with_key_value_and_allowed(override, fragment):
    with pytest.raises(ConfigError) as error:
        load_scenario("flywheel", override)
    assert fragment in str(error.value)


@pytest.mark.parametrize("name", [n for n, _ in list_scenarios()])
def test_every_scenario_dates_its_days(name):
    cfg = load_scenario(name)
    assert cfg.date_of(1).isoformat() == cfg.start_date


def test_day_one_is_the_start_date():
    cfg = load_scenario("new_rivals")
    assert cfg.date_of(63).isoformat() == "2022-09-01"  # the Temu-like launch, per the story
    assert load_scenario("apparel_fee_cut").date_of(107).isoformat() == "2024-01-15"
    assert MarketConfig().date_of(5) is None  # no calendar: day numbers only


def test_negative_price_is_refused():
    data = {"categories": [{"name": "x", "reference_price": -3.0}],
            "platforms": [{"name": "A"}]}
    with pytest.raises(ConfigError) as error:
        config_from_dict(data)
    message = str(error.value)
    assert "reference_price = -3.0" in message and ">= 0.01" in message


def test_events_must_name_existing_platforms():
    data = {"platforms": [{"name": "A"}], "events": [{"day": 3, "platform": "Z"}]}
    with pytest.raises(ConfigError, match=r"events\.fee_change_3\.platform = 'Z'"):
        config_from_dict(data)


def test_archetype_fills_defaults_and_explicit_values_win():
    cfg = config_from_dict({"platforms": [
        {"name": "A", "kind": "low_fee_marketplace"},
        {"name": "B", "kind": "low_fee_marketplace", "referral_fee": 0.11}]})
    assert cfg.platform("A").referral_fee == 0.08
    assert cfg.platform("A").fulfilment is False
    assert cfg.platform("B").referral_fee == 0.11


def test_config_is_frozen_and_overrides_do_not_touch_the_file():
    cfg = load_scenario("flywheel", {"consumers.n_consumers": 123})
    assert cfg.consumers.n_consumers == 123
    assert load_scenario("flywheel").consumers.n_consumers != 123
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.consumers.n_consumers = 5  # type: ignore[misc]
    assert isinstance(cfg.platforms[0], PlatformConfig)


def test_every_shipped_scenario_loads_and_tells_its_story():
    scenarios = list_scenarios()
    assert any(name == "flywheel" for name, _ in scenarios)
    for name, story in scenarios:
        assert story, name
        assert load_scenario(name).platforms


def test_parameter_reference_document_is_up_to_date():
    from pathlib import Path

    from model.config.reference import parameter_table
    document = Path(__file__).resolve().parents[2] / "docs" / "parameters.md"
    assert document.read_text() == parameter_table(), (
        "docs/parameters.md is stale: regenerate with python -m model.config.reference")
