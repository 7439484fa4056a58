"""Choosing a scenario's warm-up length: a long pilot warm-up, MSER-5 on its record.

For each seed the scenario's market runs a pilot warm-up of ``pilot_days`` (its day-1
settings, no shocks); MSER-5 (:mod:`model.accounting.stationarity`) finds where the leading
platform's stores and its 30-day active consumers settled. The suggested ``warmup_days``
is twice the latest truncation over seeds and series, rounded up to whole months and at
least ``minimum`` days, so that in a run with that warm-up the truncation falls in the
first half of the warm-up, where the run-time diagnostic counts the market as stationary.

``flywheel warmup NAME --seeds 1 2 3`` prints it; the shipped scenarios' values come from
that command (docs/odd.md, Initialisation).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from experiments.errors import CommandError
from model.accounting.metrics import ACTIVE_WINDOW_DAYS
from model.config.params import ConfigError
from model.market.warmup import MIN_DIAGNOSED_DAYS, WarmupReport

MONTH = 30


@dataclass(frozen=True)
class WarmupSuggestion:
    """A pilot's diagnostics per seed and the warm-up they suggest."""

    scenario: str
    pilot_days: int
    reports: dict[int, WarmupReport]
    days: int

    def describe(self) -> str:
        """Lines for the terminal."""
        lines = [f"{self.scenario}: pilot warm-up of {self.pilot_days} days"]
        for seed, report in self.reports.items():
            lines.append(f"  seed {seed}: {report.describe()}")
        lines.append(f"  suggested warmup_days = {self.days}")
        return "\n".join(lines)


def suggest_warmup(scenario: str, seeds: Sequence[int], pilot_days: int = 360,
                   minimum: int = 2 * MONTH,
                   overrides: dict[str, object] | None = None) -> WarmupSuggestion:
    """Run the pilot on each seed and suggest ``warmup_days`` (see the module docstring)."""
    from model.market import MarketModel

    reports = {}
    for seed in seeds:
        model = MarketModel(scenario=scenario, rng=seed,
                            overrides={**(overrides or {}), "warmup_days": pilot_days,
                                       "steps": 1})
        reports[seed] = model.warmup
    # the actives series starts on the pilot's day 31 (its window fills first)
    latest = max(max(r.sellers.days, r.active_consumers.days + MONTH)
                 for r in reports.values() if r.sellers is not None)
    days = max(minimum, MONTH * math.ceil(2 * latest / MONTH))
    return WarmupSuggestion(scenario, pilot_days, reports, days)


def cmd_warmup(scenario: str, seeds: Sequence[int], pilot_days: int,
               overrides: dict[str, object]) -> int:
    """``flywheel warmup``: print each seed's pilot diagnostic and the suggested length."""
    shortest = 2 * (MIN_DIAGNOSED_DAYS + ACTIVE_WINDOW_DAYS)
    if not shortest <= pilot_days <= 3650:
        raise CommandError(f"--pilot-days {pilot_days}: must be a number of days in "
                           f"[{shortest}, 3650]")
    bad = [s for s in seeds if not 0 <= s < 2**63]
    if bad:
        raise CommandError(f"--seeds {bad[0]}: a seed must be an integer in [0, 2**63)")
    try:
        suggestion = suggest_warmup(scenario, seeds, pilot_days, overrides=overrides)
    except ConfigError as exc:
        raise CommandError(str(exc)) from exc
    print(suggestion.describe())
    return 0
