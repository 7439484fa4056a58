"""Theory experiment files (``experiments/theory/*.toml``): load and validate them.

A file states one prediction of platform economics with its reference, the base scenario (a file
in ``experiments/theory/scenarios/``), treatment arms (dotted overrides, as ``--set`` takes, and
optionally their own base scenario), replications, horizon, and one or more checks. A check names
a metric computed per run from the stored tables (:mod:`experiments.theory.metrics`), the
statistic comparing arms over common seeds (:mod:`experiments.theory.stats`) and the direction
that counts as "holds". Every problem is reported with its key, its value and what is allowed.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from experiments.theory.errors import TheorySpecError
from experiments.theory.metrics import BINARY, validate_metric
from experiments.theory.stats import DIRECTIONS

THEORY_DIR = Path(__file__).resolve().parent
THEORY_SCENARIO_DIR = THEORY_DIR / "scenarios"
STATISTICS = ("paired_mean", "frequency", "frequency_difference")
TOP_KEYS = {"name", "title", "reference", "prediction", "scenario", "steps", "replications",
            "seed", "set", "arms", "checks", "skip"}
ARM_KEYS = {"scenario", "set", "metric"}
CHECK_KEYS = {"label", "prediction", "metric", "statistic", "contrast", "treatment", "control",
              "arm", "holds", "than"}


@dataclass(frozen=True)
class Arm:
    """One treatment: a base scenario plus dotted overrides; ``metric`` adjusts metric args."""

    name: str
    scenario: str
    overrides: dict[str, Any]
    metric: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Check:
    """One row of the theory table: a metric, a statistic over arms and a direction.

    ``contrast`` maps arm -> weight (paired_mean: the per-seed linear combination of the arms'
    metrics); for frequencies, ``arms`` is (arm,) or (treatment, control).
    """

    label: str
    prediction: str
    metric: dict[str, Any]
    statistic: str
    contrast: dict[str, float]
    holds: str
    than: float

    @property
    def arms(self) -> tuple[str, ...]:
        """The arms the check reads, in contrast order."""
        return tuple(self.contrast)


@dataclass(frozen=True)
class TheorySpec:
    """A validated theory experiment."""

    name: str
    title: str
    reference: str
    prediction: str
    scenario: str
    steps: int
    replications: int
    seed: int
    arms: tuple[Arm, ...]
    checks: tuple[Check, ...]
    skip: str = ""
    path: str = ""

    def arm(self, name: str) -> Arm:
        """The arm called ``name``."""
        return next(a for a in self.arms if a.name == name)


def theory_scenario_path(name: str) -> Path:
    """Path of a theory base scenario (``experiments/theory/scenarios/NAME.toml``)."""
    path = THEORY_SCENARIO_DIR / f"{name}.toml"
    if not path.exists():
        known = ", ".join(theory_scenario_names())
        raise TheorySpecError(f"scenario = {name!r}: no such theory base scenario; allowed: "
                              f"{known}")
    return path


def theory_scenario_names() -> list[str]:
    """Theory base scenarios shipped in ``experiments/theory/scenarios/``."""
    return sorted(p.stem for p in THEORY_SCENARIO_DIR.glob("*.toml"))


def theory_names() -> list[str]:
    """Theory experiments shipped in ``experiments/theory/`` (file stems, in order)."""
    return sorted(p.stem for p in THEORY_DIR.glob("*.toml"))


def theory_path(name: str) -> Path:
    """A shipped theory experiment by name, or ``name`` itself if it is a .toml path."""
    path = Path(name)
    if path.suffix == ".toml" and path.exists():
        return path
    candidate = THEORY_DIR / f"{name}.toml"
    if not candidate.exists():
        raise TheorySpecError(f"theory experiment {name!r}: no such file; allowed: "
                              + ", ".join(theory_names()))
    return candidate


def _need(data: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str,
          default: Any = None) -> Any:
    value = data.get(key, default)
    if value is None:
        raise TheorySpecError(f"{where}{key}: missing; it is required")
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise TheorySpecError(f"{where}{key} = {value!r}: must be a {names}")
    return value


def _unknown(data: dict[str, Any], allowed: set[str], where: str) -> None:
    for key in data:
        if key not in allowed:
            raise TheorySpecError(f"{where}{key} = {data[key]!r}: unknown key; allowed keys are "
                                  + ", ".join(sorted(allowed)))


def _overrides(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TheorySpecError(f"{where}set = {value!r}: must be a table of dotted keys, e.g. "
                              '{ "consumers.multi_homing" = false }')
    return dict(value)


def _contrast(raw: dict[str, Any], statistic: str, arms: list[str], where: str
              ) -> dict[str, float]:
    if "contrast" in raw:
        if statistic != "paired_mean":
            raise TheorySpecError(f"{where}contrast: only for statistic = 'paired_mean'; "
                                  f"use treatment/control or arm for {statistic!r}")
        weights = raw["contrast"]
        if not isinstance(weights, dict) or not weights or not all(
                isinstance(w, int | float) and not isinstance(w, bool) for w in weights.values()):
            raise TheorySpecError(f"{where}contrast = {weights!r}: must be a table arm = weight, "
                                  "e.g. { hike = 1, control = -1 }")
        contrast = {str(k): float(v) for k, v in weights.items()}
    elif "treatment" in raw or "control" in raw:
        if statistic == "frequency":
            raise TheorySpecError(f"{where}treatment: statistic 'frequency' reads one arm; "
                                  "give arm = NAME")
        treatment = _need(raw, "treatment", str, where)
        control = _need(raw, "control", str, where)
        contrast = {treatment: 1.0, control: -1.0}
    else:
        if statistic == "frequency_difference":
            raise TheorySpecError(f"{where}treatment: missing; 'frequency_difference' needs "
                                  "treatment and control")
        contrast = {_need(raw, "arm", str, where): 1.0}
    for arm in contrast:
        if arm not in arms:
            raise TheorySpecError(f"{where}arm {arm!r}: no such arm; allowed arms are "
                                  + ", ".join(arms))
    return contrast


def _check(raw: Any, i: int, arms: list[str], default_prediction: str) -> Check:
    where = f"checks[{i}]."
    if not isinstance(raw, dict):
        raise TheorySpecError(f"checks[{i}] = {raw!r}: must be a table ([[checks]])")
    _unknown(raw, CHECK_KEYS, where)
    metric = _need(raw, "metric", dict, where)
    validate_metric(metric, f"{where}metric.")
    statistic = _need(raw, "statistic", str, where)
    if statistic not in STATISTICS:
        raise TheorySpecError(f"{where}statistic = {statistic!r}: allowed are "
                              + ", ".join(STATISTICS))
    holds = _need(raw, "holds", str, where)
    if holds not in DIRECTIONS:
        raise TheorySpecError(f"{where}holds = {holds!r}: allowed are above, below "
                              "(the 95% CI entirely above / below `than`)")
    than = _need(raw, "than", (int, float), where, default=0.0)
    if statistic == "frequency" and not 0.0 <= than <= 1.0:
        raise TheorySpecError(f"{where}than = {than!r}: a frequency is compared with a "
                              "value in [0, 1]")
    return Check(label=_need(raw, "label", str, where),
                 prediction=str(raw.get("prediction", default_prediction)),
                 metric=dict(metric), statistic=statistic,
                 contrast=_contrast(raw, statistic, arms, where), holds=holds,
                 than=float(than))


def parse_theory(data: dict[str, Any], name: str, path: str = "") -> TheorySpec:
    """Validate a parsed theory file into a :class:`TheorySpec`."""
    _unknown(data, TOP_KEYS, "")
    title = _need(data, "title", str, "", default=name)
    reference = _need(data, "reference", str, "")
    prediction = _need(data, "prediction", str, "")
    skip = _need(data, "skip", str, "", default="")
    if skip:
        return TheorySpec(name, title, reference, prediction, "", 0, 0, 0, (), (), skip, path)
    scenario = _need(data, "scenario", str, "")
    theory_scenario_path(scenario)
    steps = _need(data, "steps", int, "")
    replications = _need(data, "replications", int, "")
    seed = _need(data, "seed", int, "", default=1)
    for key, value, low in (("steps", steps, 1), ("replications", replications, 2)):
        if value < low:
            raise TheorySpecError(f"{key} = {value!r}: must be >= {low}")
    common = _overrides(data.get("set", {}), "")
    raw_arms = _need(data, "arms", dict, "")
    if not raw_arms:
        raise TheorySpecError("arms = {}: at least one arm ([arms.NAME]) is required")
    arms = []
    for arm_name, raw in raw_arms.items():
        where = f"arms.{arm_name}."
        if not isinstance(raw, dict):
            raise TheorySpecError(f"arms.{arm_name} = {raw!r}: must be a table")
        _unknown(raw, ARM_KEYS, where)
        arm_scenario = _need(raw, "scenario", str, where, default=scenario)
        theory_scenario_path(arm_scenario)
        metric = _need(raw, "metric", dict, where, default={})
        arms.append(Arm(arm_name, arm_scenario,
                        {**common, **_overrides(raw.get("set", {}), where)}, dict(metric)))
    raw_checks = _need(data, "checks", list, "")
    if not raw_checks:
        raise TheorySpecError("checks = []: at least one check ([[checks]]) is required")
    names = [a.name for a in arms]
    checks = tuple(_check(raw, i, names, prediction) for i, raw in enumerate(raw_checks))
    for i, check in enumerate(checks):
        for arm in arms:
            if arm.name in check.contrast and arm.metric:
                validate_metric({**check.metric, **arm.metric}, f"arms.{arm.name}.metric.")
        if check.statistic != "paired_mean" and check.metric["kind"] not in BINARY:
            raise TheorySpecError(f"checks[{i}].metric.kind = {check.metric['kind']!r}: "
                                  f"statistic {check.statistic!r} needs a 0/1 metric: "
                                  + ", ".join(BINARY))
    return TheorySpec(name, title, reference, prediction, scenario, steps, replications, seed,
                      tuple(arms), checks, "", path)


def load_theory(name: str) -> TheorySpec:
    """Load and validate a theory experiment by name (or path); errors name the file and key."""
    path = theory_path(name)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise TheorySpecError(f"{path}: not valid TOML ({exc})") from exc
    try:
        return parse_theory(data, path.stem, str(path))
    except TheorySpecError as exc:
        raise TheorySpecError(f"{path.name}: {exc}") from exc
