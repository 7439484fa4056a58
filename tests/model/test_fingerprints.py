"""Every named scenario gives the same numbers as before its constants became parameters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from model.config.scenario import list_scenarios
from tests.model.fingerprint import fingerprint

STORED = json.loads((Path(__file__).parent / "fingerprints.json").read_text())


@pytest.mark.parametrize("scenario", [name for name, _ in list_scenarios()])
def test_scenario_numbers_unchanged(scenario: str) -> None:
    assert fingerprint(scenario) == STORED[scenario]
