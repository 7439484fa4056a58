"""``flywheel calibrate``: fit free parameters to a scenario's reported figures.

A calibration spec (:mod:`experiments.calibration.spec`) names the free parameters and their
ranges, the targets (the scenario's ``[[targets]]``), the replications per candidate and the
budget of candidates. Each candidate is scored by the distance of its runs from the targets:
per target the mean over replications of :func:`model.accounting.targets.band_error` (the error in
units of the target's own band: 0 at the reported figure, 1 at the band's edge), combined as
the weighted mean over targets. Every candidate runs on the same replication seeds (common
random numbers, so candidates differ by their parameters, not their luck).

The search is optuna's Tree-structured Parzen Estimator (Bergstra et al. 2011; Akiba et al.
2019, "Optuna", KDD), seeded. Optuna rather than pyabc: its study lives in one SQLite file
in the output folder, so a killed calibration continues where it stopped (finished trials
are kept, the interrupted ones re-run with the same parameters); it is a light dependency;
and its ask-and-tell interface lets each candidate's replications run through the project's
own executors (in-process, process pool, Dask) like every other command. pyabc's ABC-SMC
would give a posterior rather than a best point; that is the alternative when the spread of
plausible parameters matters more than one calibrated set.

Outputs in ``--out``: ``study.db`` (the optuna study), ``best_params.toml`` (an override file
for ``flywheel run SCENARIO --params``), ``distances.csv`` (per target, before = the
scenario's defaults, after = the best candidate), ``trials.csv``, ``calibration.png`` and
``README.md`` (how it was made and the command to reproduce it).
"""

from __future__ import annotations

import hashlib
import json
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.calibration.spec import CalibrationSpec, CalibrationSpecError
from experiments.models.registry import (
    DEFAULT_MODEL,
    default_steps,
    resolve_model,
    scenario_digest,
    validator_for,
)
from model.accounting.targets import band_error

STUDY_FILE = "study.db"
STUDY_NAME = "calibration"


class CalibrationError(RuntimeError):
    """A calibration that cannot start or continue (a user error, reported in one line)."""


class StudyMismatch(CalibrationError):
    """The output folder holds the study of a different calibration."""


@dataclass(frozen=True)
class Checked:
    """What the spec resolves to against the model: targets, defaults, steps, warnings."""

    targets: tuple[str, ...]
    defaults: dict[str, Any]  # the free parameters' default values (those the model tells)
    steps: int
    warnings: list[str] = field(default_factory=list)


def config_value(config: Any, key: str) -> Any:
    """The value of a dotted key in a configuration (``platforms.NAME.field``), or None."""
    node = config
    for part in key.split("."):
        if isinstance(node, list | tuple):
            node = next((item for item in node if getattr(item, "name", None) == part), None)
        elif isinstance(node, Mapping):
            node = node.get(part)
        else:
            node = getattr(node, part, None)
        if node is None:
            return None
    return node


def _probe_targets(spec: CalibrationSpec, scenario: str) -> tuple[list[str], dict[str, Any]]:
    """Target labels and free-parameter defaults of the model named by the spec."""
    if spec.model == DEFAULT_MODEL:
        from model.config import load_scenario

        config = load_scenario(scenario, spec.fixed)
        defaults = {p.name: config_value(config, p.name) for p in spec.parameters}
        return [t.label for t in config.targets], defaults
    fn = resolve_model(spec.model)
    frames = fn(scenario, dict(spec.fixed), spec.seed, 2)
    if "targets" not in frames or "target" not in frames["targets"]:
        raise CalibrationError(
            f"[calibration] model = {spec.model!r}: writes no 'targets' "
            "table (see model.accounting.targets.evaluate), so there is nothing to fit"
        )
    defaults = getattr(fn, "defaults", {})
    return list(frames["targets"]["target"]), {
        p.name: defaults.get(p.name) for p in spec.parameters
    }


def check_spec(spec: CalibrationSpec, scenario: str) -> Checked:
    """Check the spec against the model before any run: the scenario, the fixed overrides,
    both ends of every range, and the target labels and weights."""
    if spec.scenario is not None and spec.scenario != scenario:
        raise CalibrationError(
            f"[calibration] scenario = {spec.scenario!r}: this spec is for "
            f"that scenario, not {scenario!r}"
        )
    validate = validator_for(spec.model)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if validate is not None:
                validate(scenario, spec.fixed)
                for p in spec.parameters:
                    for end, value in (("low", p.low), ("high", p.high)):
                        value = int(value) if p.kind == "int" else value
                        try:
                            validate(scenario, {**spec.fixed, p.name: value})
                        except Exception as exc:  # the model's own error type
                            raise CalibrationError(
                                f"[parameters] {p.name!r}: range = [{p.low:g}, {p.high:g}] "
                                f"{end} end refused: {exc}"
                            ) from exc
            labels, defaults = _probe_targets(spec, scenario)
            steps = spec.steps or default_steps(spec.model, scenario, spec.fixed)
        except CalibrationError:
            raise
        except Exception as exc:  # ConfigError, ToyConfigError, ...
            raise CalibrationError(
                f"scenario {scenario!r} with [fixed] {spec.fixed}: {exc}"
            ) from exc
    for where, names in (("[calibration] targets", spec.targets), ("[weights]", spec.weights)):
        unknown = [n for n in names if n not in labels]
        if unknown:
            raise CalibrationError(
                f"{where}: {unknown[0]!r} is not a target of {scenario!r}; allowed: {labels}"
            )
    chosen = tuple(spec.targets) or tuple(labels)
    if not chosen:
        raise CalibrationError(f"scenario {scenario!r} has no [[targets]]: nothing to fit")
    if sum(spec.weights.get(t, 1.0) for t in chosen) <= 0:
        raise CalibrationError("[weights]: every chosen target has weight 0")
    notes = list(dict.fromkeys(str(w.message) for w in caught))
    return Checked(chosen, defaults, int(steps), notes)


def score(
    tables: list[pd.DataFrame], targets: tuple[str, ...], weights: Mapping[str, float]
) -> tuple[float, pd.DataFrame]:
    """Distance of one candidate: per target the mean band error over replications, then the
    weighted mean over targets. Returns the distance and the per-target table."""
    runs = pd.concat(tables, ignore_index=True)
    runs = runs[runs["target"].isin(targets)].copy()
    runs["error"] = [
        band_error(x, lo, hi, v)
        for x, lo, hi, v in zip(
            runs["simulated"], runs["low"], runs["high"], runs["value"], strict=True
        )
    ]
    per = (
        runs.groupby("target", sort=False)
        .agg(
            platform=("platform", "first"),
            metric=("metric", "first"),
            measure=("measure", "first"),
            reported=("reported", "first"),
            low=("low", "first"),
            high=("high", "first"),
            value=("value", "first"),
            simulated=("simulated", "mean"),
            error=("error", "mean"),
            matched=("match", "mean"),
        )
        .reindex(list(targets))
        .reset_index()
    )
    per["weight"] = [float(weights.get(t, 1.0)) for t in per["target"]]
    distance = float((per["error"] * per["weight"]).sum() / per["weight"].sum())
    return distance, per


def fingerprint(spec: CalibrationSpec, scenario: str) -> str:
    """Identity of the objective: the spec (less its budget), the scenario and its file."""
    blob = json.dumps(
        {
            **spec.identity(),
            "scenario": scenario,
            "scenario_sha256": scenario_digest(spec.model, scenario),
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def open_study(out: Path, spec: CalibrationSpec, scenario: str) -> Any:
    """The study in ``out/study.db``: created, or resumed if it holds this same calibration.

    Trials a killed calibration left running are marked failed (``interrupted``) and queued
    again with the same parameters; finished trials are kept and never re-run.
    """
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = f"sqlite:///{(out / STUDY_FILE).resolve()}"
    study = optuna.create_study(
        study_name=STUDY_NAME, storage=storage, direction="minimize", load_if_exists=True
    )
    mine = fingerprint(spec, scenario)
    theirs = study.user_attrs.get("fingerprint")
    if theirs is None:
        study.set_user_attr("fingerprint", mine)
        study.set_user_attr(
            "identity",
            json.loads(json.dumps({**spec.identity(), "scenario": scenario}, default=str)),
        )
    elif theirs != mine:
        raise StudyMismatch(
            f"--out {str(out)!r}: holds a different calibration (study "
            f"{theirs} vs {mine}: another scenario, spec or scenario file); "
            "use another --out folder, or --set-aside to move it to a new folder"
        )
    from optuna.trial import Trial, TrialState

    for t in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        Trial(study, t._trial_id).set_user_attr("interrupted", True)
        study.tell(t.number, state=TrialState.FAIL)
        study.enqueue_trial(t.params, user_attrs={"retry_of": t.number})
    return study


def set_aside_study(out: Path) -> Path:
    """Move a different calibration's files out of ``out`` (to ``OUT.old-TIMESTAMP``)."""
    from experiments.storage.folders import set_aside

    return set_aside(out)


def counted(study: Any) -> int:
    """Trials that count towards the budget: finished (or failed by the model), not the
    defaults' own entry and not those a kill interrupted."""
    from optuna.trial import TrialState

    return sum(
        1
        for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE, TrialState.FAIL))
        if not t.user_attrs.get("baseline") and not t.user_attrs.get("interrupted")
    )


def with_overrides(spec: CalibrationSpec, budget: int | None, reps: int | None) -> CalibrationSpec:
    """The spec with the command line's ``--budget`` and ``--reps`` in place of its own."""
    from experiments.calibration.spec import MAX_BUDGET, MAX_REPLICATIONS

    for flag, value, high in (("--budget", budget, MAX_BUDGET), ("--reps", reps, MAX_REPLICATIONS)):
        if value is not None and (isinstance(value, bool) or not 1 <= value <= high):
            raise CalibrationSpecError(f"{flag} {value!r}: must be an integer in [1, {high}]")
    return replace(spec, budget=budget or spec.budget, replications=reps or spec.replications)
