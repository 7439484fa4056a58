"""Fingerprints of short runs of every named scenario, to show that refactoring the model's
constants into parameters leaves its numbers unchanged.

``python -m tests.model.fingerprint`` prints the current fingerprints as JSON; the stored
ones (``fingerprints.json``) were computed with the code before the constants became
parameters. A change that is meant to change the model's numbers regenerates them (and says
so in its commit); a refactoring must leave them as they are.
"""

from __future__ import annotations

import hashlib
import json
import sys

import pandas as pd

from experiments.models.market import simulate
from model.config import list_scenarios

SIZE = {"consumers.n_consumers": 1500, "sellers.n_sellers": 80}
STEPS = 130  # long enough to cover the first shocks of apparel_fee_cut and closure_wave
SEED = 7


def frame_digest(frame: pd.DataFrame) -> str:
    """Hash of a table's values, rounded to 9 significant digits (platform-independent)."""
    text = frame.to_csv(index=False, float_format="%.9g")
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def fingerprint(scenario: str, steps: int = STEPS) -> dict[str, str]:
    """Per output table, the hash of a short run of ``scenario`` at a small size."""
    tables = simulate(scenario, SIZE, seed=SEED, steps=steps)
    return {name: frame_digest(tables[name])
            for name in ("platforms", "migration", "seller_profit", "events")}


def main() -> None:
    """Print every named scenario's fingerprint as JSON."""
    result = {name: fingerprint(name) for name, _ in list_scenarios()}
    json.dump(result, sys.stdout, indent=2, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
