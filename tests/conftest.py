"""Shared fixtures: small markets that run in well under a second."""

from __future__ import annotations

from typing import Any

import pytest

from model.config.scenario import MarketConfig, config_from_dict


def two_platform_config(**changes: Any) -> MarketConfig:
    """Two marketplaces, A and B, in a small market; ``changes`` are dotted overrides."""
    data = {
        "name": "test", "steps": 120,
        "consumers": {"n_consumers": 4000},
        "sellers": {"n_sellers": 150},
        "platforms": [
            {"name": "A", "kind": "marketplace", "initial_awareness": 0.5, "initial_sellers": 0.5},
            {"name": "B", "kind": "marketplace", "initial_awareness": 0.5, "initial_sellers": 0.5},
        ],
    }
    events = changes.pop("events", [])
    data["events"] = events
    return config_from_dict(data, changes)


@pytest.fixture
def small_config() -> MarketConfig:
    return two_platform_config()
