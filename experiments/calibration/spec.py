"""Parse and validate a calibration spec (TOML) before any run starts.

Layout (see ``experiments/calibration/new_rivals.toml``)::

    [calibration]
    scenario = "new_rivals"          # optional: refused if the command names another scenario
    model = "experiments.runs:simulate"   # optional: a registered model (experiments.models)
    budget = 30                      # trials (candidate parameter sets) to evaluate
    replications = 2                 # runs per candidate, the same seeds for every candidate
    seed = 2024                      # seeds the replications and the TPE sampler
    steps = 820                      # optional: days per run (default: the scenario's)
    startup_trials = 10              # optional: random trials before TPE models the results
    targets = ["Incumbent MAU dips by a few percent"]   # optional: labels, default all

    [fixed]                          # overrides for every run (e.g. a smaller market)
    "consumers.n_consumers" = 10000

    [parameters]                     # the free parameters: dotted keys as for --set
    "consumers.delivery_sensitivity" = { range = [0.2, 1.2] }
    "platforms.managed.marketing_spend" = { range = [30.0, 300.0], log = true }
    "platforms.incumbent.ad_slots" = { range = [6, 10], type = "int" }

    [weights]                        # optional: a target's weight in the distance (default 1)
    "Incumbent MAU dips by a few percent" = 2.0

Every problem is reported with the section, the key, the offending value and what is allowed;
ranges, fixed overrides and target labels are then checked against the model itself by
:func:`experiments.calibration.study.check_spec`, still before any run.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from experiments.models.registry import DEFAULT_MODEL, ModelSpecError, resolve_model
from experiments.sweeps.spec import (
    MAX_REPLICATIONS,
    MAX_STEPS,
    flatten,
    int_option,
    is_number,
)

TOP_KEYS = {"calibration", "fixed", "parameters", "weights"}
CALIBRATION_KEYS = {
    "scenario",
    "model",
    "budget",
    "replications",
    "seed",
    "steps",
    "startup_trials",
    "targets",
}
PARAM_KEYS = {"range", "log", "type"}
#: Most trials one calibration may ask for (each is ``replications`` model runs).
MAX_BUDGET = 100_000
DEFAULT_BUDGET = 30
DEFAULT_SEED = 12345
#: Random trials before TPE fits its densities (optuna's own default is 10).
DEFAULT_STARTUP = 10


class CalibrationSpecError(ValueError):
    """A calibration spec is malformed; the message names every problem found."""


@dataclass(frozen=True)
class FreeParam:
    """A parameter to fit: a range, searched on a log scale or not, float or integer."""

    name: str
    low: float
    high: float
    log: bool = False
    kind: str = "float"


@dataclass(frozen=True)
class CalibrationSpec:
    """A validated calibration."""

    name: str
    scenario: str | None
    model: str
    budget: int
    replications: int
    seed: int
    steps: int | None
    startup_trials: int
    targets: tuple[str, ...]  # empty: all of the scenario's targets
    fixed: dict[str, Any]
    parameters: tuple[FreeParam, ...]
    weights: dict[str, float] = field(default_factory=dict)

    def identity(self) -> dict[str, Any]:
        """What decides the objective: a stored study made with another identity is refused
        (the budget may grow between sessions; a changed objective would mix results)."""
        return {
            "model": self.model,
            "replications": self.replications,
            "seed": self.seed,
            "steps": self.steps,
            "targets": list(self.targets),
            "fixed": self.fixed,
            "parameters": [vars(p) for p in self.parameters],
            "weights": self.weights,
        }


def _int(section: dict, key: str, errors: list[str], default: int | None, low: int,
         high: int) -> int | None:
    return int_option(section, key, errors, default, low, high, section="calibration")


def _parse_param(name: str, raw: Any, errors: list[str]) -> FreeParam | None:
    where = f"[parameters] {name!r}"
    if not isinstance(raw, dict):
        errors.append(f"{where} = {raw!r}: must be a table like {{ range = [low, high] }}")
        return None
    unknown = sorted(set(raw) - PARAM_KEYS)
    if unknown:
        errors.append(f"{where}: unknown key(s) {unknown}; allowed: {sorted(PARAM_KEYS)}")
    kind = raw.get("type", "float")
    if kind not in ("float", "int"):
        errors.append(f"{where}: type = {kind!r}; allowed: 'float', 'int'")
        kind = "float"
    log = raw.get("log", False)
    if not isinstance(log, bool):
        errors.append(f"{where}: log = {log!r}; allowed: true, false")
        log = False
    rng = raw.get("range")
    if not (isinstance(rng, list) and len(rng) == 2 and all(is_number(v) for v in rng)):
        errors.append(f"{where}: range = {rng!r}; must be two finite numbers [low, high]")
        return None
    low, high = float(rng[0]), float(rng[1])
    if not low < high:
        errors.append(f"{where}: range = {rng!r} is empty; low must be < high")
        return None
    if log and low <= 0:
        errors.append(f"{where}: range = {rng!r} with log = true: low must be > 0")
        return None
    if kind == "int":
        if not (float(low).is_integer() and float(high).is_integer()):
            errors.append(f"{where}: range = {rng!r} with type = 'int': give whole numbers")
            return None
    return FreeParam(name, low, high, log, kind)


def parse_calibration(data: dict[str, Any], name: str = "calibration") -> CalibrationSpec:
    """Validate a parsed TOML document (raises :class:`CalibrationSpecError`)."""
    errors: list[str] = []
    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        errors.append(f"unknown section(s) {unknown}; allowed: {sorted(TOP_KEYS)}")
    section = data.get("calibration", {})
    if not isinstance(section, dict):
        raise CalibrationSpecError("invalid calibration: [calibration] must be a table")
    bad = sorted(set(section) - CALIBRATION_KEYS)
    if bad:
        errors.append(f"[calibration]: unknown key(s) {bad}; allowed: {sorted(CALIBRATION_KEYS)}")
    model = section.get("model", DEFAULT_MODEL)
    try:
        resolve_model(model)
    except ModelSpecError as exc:
        errors.append(f"[calibration] {exc}")
    scenario = section.get("scenario")
    if scenario is not None and (not isinstance(scenario, str) or not scenario):
        errors.append(f"[calibration] scenario = {scenario!r}: must name a scenario")
    budget = _int(section, "budget", errors, DEFAULT_BUDGET, 1, MAX_BUDGET)
    reps = _int(section, "replications", errors, 1, 1, MAX_REPLICATIONS)
    seed = _int(section, "seed", errors, DEFAULT_SEED, 0, 2**63 - 1)
    steps = _int(section, "steps", errors, None, 1, MAX_STEPS)
    startup = _int(section, "startup_trials", errors, DEFAULT_STARTUP, 1, MAX_BUDGET)
    targets = section.get("targets", [])
    if not isinstance(targets, list) or not all(isinstance(t, str) and t for t in targets):
        errors.append(
            f"[calibration] targets = {targets!r}: must be a list of target labels "
            "(the scenario's [[targets]] label = ...)"
        )
        targets = []
    elif len(set(targets)) != len(targets):
        errors.append(f"[calibration] targets = {targets!r}: name each target once")
    fixed = flatten(data.get("fixed", {}) or {})
    raw = flatten(data.get("parameters", {}) or {}, is_leaf=lambda d: bool(set(d) & PARAM_KEYS))
    if not raw:
        errors.append(
            "[parameters]: no free parameter; give at least one dotted key = "
            "{ range = [low, high] }"
        )
    params = [p for n, r in raw.items() if (p := _parse_param(n, r, errors)) is not None]
    for p in params:
        if p.name in fixed:
            errors.append(f"[parameters] {p.name!r} is also set in [fixed]; keep one")
    weights = data.get("weights", {}) or {}
    if not isinstance(weights, dict):
        errors.append(f"[weights] = {weights!r}: must be a table of target label = weight")
        weights = {}
    for label, w in weights.items():
        if not is_number(w) or w < 0:
            errors.append(f"[weights] {label!r} = {w!r}: must be a number >= 0")
    if len(errors) == 1:
        raise CalibrationSpecError(f"invalid calibration: {errors[0]}")
    if errors:
        raise CalibrationSpecError("invalid calibration:\n  - " + "\n  - ".join(errors))
    return CalibrationSpec(
        name=name,
        scenario=scenario,
        model=str(model),
        budget=int(budget or DEFAULT_BUDGET),
        replications=int(reps or 1),
        seed=int(seed if seed is not None else DEFAULT_SEED),
        steps=steps,
        startup_trials=int(startup or DEFAULT_STARTUP),
        targets=tuple(targets),
        fixed=fixed,
        parameters=tuple(params),
        weights={k: float(v) for k, v in weights.items()},
    )


def load_calibration(path: str | Path) -> CalibrationSpec:
    """Read and validate a calibration file."""
    path = Path(path)
    if not path.is_file():
        raise CalibrationSpecError(f"--spec {str(path)!r}: no such file")
    try:
        data = tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CalibrationSpecError(f"--spec {str(path)!r}: not valid TOML ({exc})") from exc
    return parse_calibration(data, name=path.stem)
