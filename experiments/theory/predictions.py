"""``flywheel theory``: run the theory experiments and judge each prediction with a 95% CI.

Each experiment file (:mod:`experiments.theory.spec`) becomes a plan of runs — every arm times
the same replication seeds (common random numbers) — executed by the ordinary experiment pipeline
(:func:`experiments.pipeline.runner.run_plan`: resumable, process pool or Dask) into
``OUT/<name>/``. The checks are then computed from the stored tables
(:mod:`experiments.theory.metrics`, :mod:`experiments.theory.stats`); ``OUT/report/`` gets
``theory.csv``, the per-run metric values and one plot per experiment.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import experiments.theory.metrics as theory_metrics
from experiments.pipeline.plan import Plan, RunTask, run_id
from experiments.pipeline.replicate import spawn_seeds
from experiments.storage.store import read_table
from experiments.theory.spec import (
    Check,
    TheorySpec,
    TheorySpecError,
    theory_scenario_path,
)
from experiments.theory.stats import (
    CONTRADICTED,
    HOLDS,
    NOT_DETECTED,
    Estimate,
    newcombe,
    paired_mean,
    wilson,
)

THEORY_MODEL = "experiments.theory:simulate"
TABLES = ("platforms", "migration")
MANY_REPS = 10_000  # replications needed beyond this are shown as ">10000"


def simulate(scenario: str, params: Mapping[str, Any] | None = None, seed: int = 0,
             steps: int | None = None) -> dict[str, pd.DataFrame]:
    """:func:`experiments.models.market.simulate` on a theory base scenario (given by name)."""
    from experiments.models.market import simulate as simulate_path

    return simulate_path(str(theory_scenario_path(scenario)), params, seed, steps)


def validate(scenario: str, params: Mapping[str, Any]) -> None:
    """Check a theory base scenario with overrides against the model's configuration."""
    from model.config.scenario import load_scenario

    load_scenario(str(theory_scenario_path(scenario)), overrides=dict(params))


simulate.validate = validate  # type: ignore[attr-defined]  # found by models.validator_for


@dataclass(frozen=True)
class Result:
    """One check's outcome: a row of the theory table."""

    spec: TheorySpec
    check: Check | None
    estimate: Estimate | None
    verdict: str | None  # holds, contradicted, not detected; None: skipped or not estimated
    note: str = ""

    @property
    def holds(self) -> bool | None:
        """Whether the prediction holds (None if there is no verdict)."""
        return None if self.verdict is None else self.verdict == HOLDS

    @property
    def mde(self) -> float:
        """Minimal detectable effect at this run's replications (80% power); NaN if none."""
        if self.estimate is None or self.check is None:
            return np.nan
        return self.estimate.mde(self.check.than)

    @property
    def reps_needed(self) -> float:
        """Replications needed to detect the estimated effect at 80% power; NaN if none."""
        if self.estimate is None or self.check is None:
            return np.nan
        return self.estimate.reps_needed(self.check.than)

    def row(self) -> dict[str, Any]:
        """The row as ``theory.csv`` stores it."""
        c, e = self.check, self.estimate
        return {
            "experiment": self.spec.name, "name": self.spec.title,
            "check": c.label if c else "", "reference": self.spec.reference,
            "prediction": c.prediction if c else self.spec.prediction,
            "statistic": c.statistic if c else "",
            "estimate": e.value if e else np.nan, "ci_low": e.low if e else np.nan,
            "ci_high": e.high if e else np.nan, "n": e.n if e else 0,
            "holds_if": f"CI {c.holds} {c.than:g}" if c else "",
            "verdict": self.verdict or "",
            "holds": ("yes" if self.holds else "no") if self.holds is not None else "",
            "mde": self.mde, "reps_needed": _whole(self.reps_needed),
            "note": self.note,
        }


def shown_reps(reps: float) -> str:
    """Replications needed as the table shows them: a whole number, ``>10000`` beyond."""
    if not isinstance(reps, int) and math.isnan(reps):
        return "-"
    return f">{MANY_REPS}" if reps > MANY_REPS else str(int(reps))


def verdict_counts(results: list[Result]) -> str:
    """E.g. ``10 hold, 3 contradicted, 7 not detected of 20 checks; 1 skipped or not
    estimated``."""
    judged = [r.verdict for r in results if r.verdict is not None]
    held, against = judged.count(HOLDS), judged.count(CONTRADICTED)
    return (f"{held} hold, {against} contradicted, {judged.count(NOT_DETECTED)} not detected "
            f"of {len(judged)} checks; {len(results) - len(judged)} skipped or not estimated")


def plan_theory(spec: TheorySpec, *, reps: int | None = None, steps: int | None = None,
                sets: Mapping[str, Any] | None = None, check: bool = True) -> Plan:
    """Every arm x replication of ``spec`` as run tasks (replication r: the same seed in every
    arm); ``sets`` apply to every arm and may not change what an arm sets."""
    if spec.skip:
        raise TheorySpecError(f"{spec.name}: skipped ({spec.skip}); nothing to plan")
    reps = reps or spec.replications
    steps = steps or spec.steps
    sets = dict(sets or {})
    for arm in spec.arms:
        clash = sorted(set(sets) & set(arm.overrides))
        if clash:
            raise TheorySpecError(f"--set {clash[0]}: {spec.name} arm {arm.name!r} sets this "
                                  "key itself (a --set must not change a treatment)")
    for c in spec.checks:
        for arm in c.arms:
            need = theory_metrics.last_day_needed({**c.metric, **spec.arm(arm).metric})
            if need > steps:
                raise TheorySpecError(f"{spec.name}: steps = {steps}: check {c.label!r} reads "
                                      f"day {need} of arm {arm!r}; run at least {need} steps")
    if check:
        for arm in spec.arms:
            try:
                validate(arm.scenario, {**arm.overrides, **sets})
            except Exception as exc:  # the model's ConfigError
                raise TheorySpecError(f"{spec.name} arm {arm.name!r} (scenario "
                                      f"{arm.scenario!r}) refused: {exc}") from exc
    seeds = spawn_seeds(spec.seed, reps)
    points = [{"arm": a.name, "scenario": a.scenario, **a.overrides, **sets} for a in spec.arms]
    tasks = [RunTask(run_id(i, r), i, r, THEORY_MODEL, arm.scenario,
                     {**arm.overrides, **sets}, seeds[r], steps)
             for i, arm in enumerate(spec.arms) for r in range(reps)]
    meta = {"name": spec.name, "model": THEORY_MODEL, "replications": reps, "steps": steps,
            "seed": spec.seed, "theory_file": spec.path}
    return Plan("theory", tasks, points, dict(sets), None, meta)


def metric_values(spec: TheorySpec, store: str | Path) -> pd.DataFrame:
    """One row per stored run and check: experiment, check index, arm, rep, value."""
    tables = {name: read_table(store, name) for name in TABLES}
    platforms = tables["platforms"]
    if platforms.empty:
        return pd.DataFrame(columns=["experiment", "check", "arm", "rep", "value"])
    arm_of = {i: a.name for i, a in enumerate(spec.arms)}
    by_run = {name: dict(tuple(frame.groupby("run_id"))) if not frame.empty else {}
              for name, frame in tables.items()}
    rows = []
    for rid, frame in by_run["platforms"].items():
        arm = spec.arm(arm_of[int(frame["point"].iloc[0])])
        run = {"platforms": frame, "migration": by_run["migration"].get(
            rid, pd.DataFrame(columns=["step", "from_platform", "to_platform", "move",
                                       "sellers"]))}
        for k, check in enumerate(spec.checks):
            if arm.name in check.contrast:
                value = theory_metrics.compute({**check.metric, **arm.metric}, run)
                rows.append({"experiment": spec.name, "check": k, "arm": arm.name,
                             "rep": int(frame["rep"].iloc[0]), "value": value})
    return pd.DataFrame(rows)


def estimate(check: Check, values: pd.DataFrame) -> Estimate:
    """The check's statistic over the runs in ``values`` (one check's rows)."""
    wide = values.pivot_table(index="rep", columns="arm", values="value")
    missing = [a for a in check.arms if a not in wide.columns]
    if missing:
        raise ValueError(f"check {check.label!r}: no finished run of arm {missing[0]!r}")
    wide = wide[list(check.arms)].dropna()  # seeds finished in every arm: pairs stay paired
    if check.statistic == "paired_mean":
        weights = np.array([check.contrast[a] for a in check.arms])
        return paired_mean(wide.to_numpy() @ weights)
    counts = [(int(wide[a].sum()), len(wide)) for a in check.arms]
    if check.statistic == "frequency":
        return wilson(*counts[0])
    return newcombe(*counts[0], *counts[1])


def evaluate(spec: TheorySpec, store: str | Path) -> tuple[list[Result], pd.DataFrame]:
    """Each check's estimate, CI and verdict from the runs stored in ``store``."""
    if spec.skip:
        return [Result(spec, None, None, None, f"skipped: {spec.skip}")], pd.DataFrame()
    values = metric_values(spec, store)
    results = []
    for k, check in enumerate(spec.checks):
        try:
            est = estimate(check, values[values["check"] == k] if len(values) else values)
        except (ValueError, KeyError) as exc:
            results.append(Result(spec, check, None, None, f"not estimated: {exc}"))
            continue
        results.append(Result(spec, check, est, est.verdict(check.holds, check.than)))
    return results, values


def format_table(results: list[Result]) -> str:
    """The theory table: name, estimate [95% CI], verdict, minimal detectable effect and the
    replications needed to detect the estimate; reference and prediction below."""
    lines = [f"{'prediction':58s} {'estimate [95% CI]':32s} {'verdict':12s} {'MDE':>8s} "
             f"{'reps needed':>11s}", "-" * 125]
    for res in results:
        row = res.row()
        label = row["name"] + (f": {row['check']}" if row["check"] else "")
        if res.estimate is not None:
            e = res.estimate
            shown = f"{e.value:.3g} [{e.low:.3g}, {e.high:.3g}] n={e.n}"
            tail = f"{res.verdict:12s} {res.mde:8.3g} {shown_reps(res.reps_needed):>11s}"
        else:
            shown, tail = "-", res.note
        lines.append(f"{_cut(label, 58):58s} {shown:32s} {tail}")
        text = f"{row['prediction']} (holds if {row['holds_if']})" if row["holds_if"] else \
            row["prediction"]
        lines.extend(f"    {w}" for w in textwrap.wrap(f"[{row['reference']}] {text}", 96))
    return "\n".join(lines)


def format_list(specs: list[TheorySpec]) -> str:
    """Every experiment (file stem), its name and reference, and each check's prediction with
    what counts as holding; nothing is run."""
    lines = []
    for spec in specs:
        lines.append(f"{spec.name}: {spec.title} [{spec.reference}]")
        if spec.skip:
            lines.extend(textwrap.wrap(f"{spec.prediction} (skipped: {spec.skip})", 96,
                                       initial_indent="    ", subsequent_indent="    ",
                                       break_on_hyphens=False))
        for c in spec.checks:
            lines.extend(textwrap.wrap(f"{c.label}: {c.prediction} (holds if CI {c.holds} "
                                       f"{c.than:g}; {c.statistic})", 96,
                                       initial_indent="  - ", subsequent_indent="    ",
                                       break_on_hyphens=False))
    return "\n".join(lines)


def _whole(reps: float) -> str:
    """A count as CSV text: ``37``, ``inf``, or empty for none (read back as numbers)."""
    if isinstance(reps, int):
        return str(reps)
    return "" if math.isnan(reps) else "inf" if math.isinf(reps) else str(int(reps))


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"
