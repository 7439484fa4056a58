"""Turn a sweep (or a replicated single scenario) into a list of run tasks, checked up front.

Each task carries everything a worker needs: the model reference, scenario, full parameter
overrides, seed, steps and the metrics to compute. Run ids are deterministic (``p<point>-r<rep>``)
so a re-run of the same command finds the runs already on disk.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple
from warnings import catch_warnings, simplefilter

import numpy as np

from experiments.models.registry import (
    package_versions,
    resolve_model,
    resolved_config,
    scenario_digest,
    validator_for,
)
from experiments.pipeline.replicate import replication_seeds
from experiments.sweeps.designs import sample_design
from experiments.sweeps.metrics import MetricError, compute_metric
from experiments.sweeps.spec import MetricSpec, SweepSpec


class PlanError(ValueError):
    """A design point is refused by the model's configuration, before any run starts."""


@dataclass(frozen=True)
class RunTask:
    """One model run."""

    run_id: str
    point: int
    rep: int
    model: str
    scenario: str
    params: dict[str, Any]
    seed: int
    steps: int
    metrics: tuple[MetricSpec, ...] = ()
    scenario_sha256: str = ""

    def identity(self) -> dict[str, Any]:
        """The fields that determine the run's results (used for the sweep fingerprint)."""
        return {k: v for k, v in asdict(self).items() if k != "metrics"}


@dataclass
class Plan:
    """All runs of a sweep, the raw design matrix (for sensitivity analysis) and a fingerprint."""

    kind: str
    tasks: list[RunTask]
    points: list[dict[str, Any]]
    fixed: dict[str, Any]
    design_matrix: np.ndarray | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    memory_bytes: int = 0  # estimated peak memory of the largest run (0: unknown)

    @property
    def fingerprint(self) -> str:
        """Hash of every run's identity: a changed sweep never mixes with old results."""
        blob = json.dumps([t.identity() for t in self.tasks], sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def to_json(self) -> dict[str, Any]:
        """What ``plan.json`` stores."""
        return {
            "kind": self.kind,
            "fingerprint": self.fingerprint,
            "n_runs": len(self.tasks),
            "fixed": self.fixed,
            "points": self.points,
            "design_matrix": None if self.design_matrix is None else self.design_matrix.tolist(),
            "seeds": sorted({t.seed for t in self.tasks}),
            "meta": self.meta,
            "provenance": self.provenance(),
        }

    def provenance(self) -> dict[str, Any]:
        """Scenario file hash, resolved configuration (with the fixed overrides) as TOML, and
        the versions of the packages results depend on."""
        task = self.tasks[0] if self.tasks else None
        config = None
        if task is not None:
            try:
                config = resolved_config(task.model, task.scenario, self.fixed)
            except ValueError:  # a model's own refusal is reported by validation
                config = None
        return {"scenario_sha256": task.scenario_sha256 if task else "",
                "config_toml": config, "packages": package_versions()}


def run_id(point: int, rep: int) -> str:
    """Deterministic run id."""
    return f"p{point:06d}-r{rep:03d}"


def make_tasks(
    model: str, scenario: str, points: list[dict[str, Any]], fixed: dict[str, Any],
    reps: int, base_seed: int, steps: int, metrics: tuple[MetricSpec, ...] = (),
) -> list[RunTask]:
    """Tasks for every point x replication; replication r uses the same seed at every point
    (replication 0 the base seed itself)."""
    seeds = replication_seeds(base_seed, reps)
    digest = scenario_digest(model, scenario)
    return [
        RunTask(run_id(i, r), i, r, model, scenario, {**fixed, **point}, seeds[r], steps, metrics,
                digest)
        for i, point in enumerate(points)
        for r in range(reps)
    ]


class CheckedPoints(NamedTuple):
    """What :func:`check_points` found: the validated configurations and the warnings."""

    configs: list[Any]
    warnings: list[str]


def check_points(model: str, scenario: str, points: list[dict[str, Any]],
                 fixed: dict[str, Any]) -> CheckedPoints:
    """Refuse an unknown scenario or fixed override, or any design point the model's config
    rejects (every point is checked, not a sample: a wrong type may first appear at the last).

    Returns what the validator returned for each distinct point (the real model: its
    :class:`~model.config.MarketConfig`, from which the memory it needs is estimated) and the
    distinct warnings the configuration gave (e.g. an override that a scheduled event later
    resets).
    """
    validate = validator_for(model)
    if validate is None:
        return CheckedPoints([], [])
    with catch_warnings(record=True) as caught:
        simplefilter("always")
        try:
            validate(scenario, fixed)
        except Exception as exc:  # the model's own error type (ConfigError, ...)
            raise PlanError(f"scenario {scenario!r} with fixed overrides {fixed} refused: "
                            f"{exc}") from exc
        seen: set[str] = set()
        built = []
        for i, point in enumerate(points):
            overrides = {**fixed, **point}
            key = json.dumps(overrides, sort_keys=True, default=repr)
            if key in seen:
                continue
            seen.add(key)
            try:
                built.append(validate(scenario, overrides))
            except Exception as exc:  # the model's own error type (ConfigError, ...)
                raise PlanError(f"design point {i} {point} refused by scenario {scenario!r}: "
                                f"{exc}") from exc
    return CheckedPoints(built, list(dict.fromkeys(str(w.message) for w in caught)))


def probe_metrics(task: RunTask, max_steps: int = 2) -> list[str]:
    """Run the first task for a step or two and check every metric's table and columns exist.

    Raises :class:`PlanError` for a missing table or column; returns warnings for metrics whose
    ``where`` filter matches no row yet (a platform may only appear later in the run).
    """
    frames = resolve_model(task.model)(task.scenario, dict(task.params), task.seed,
                                       min(task.steps, max_steps))
    warnings = []
    for m in task.metrics:
        if m.table not in frames:
            raise PlanError(f"metric {m.name!r}: table = {m.table!r} is not an output of "
                            f"{task.model}; tables: {sorted(frames)}")
        columns = list(frames[m.table].columns)
        for col in [m.column, *m.where]:
            if col not in columns:
                raise PlanError(f"metric {m.name!r}: column {col!r} is not in table "
                                f"{m.table!r}; columns: {columns}")
        try:
            compute_metric(frames, m)
        except MetricError as exc:
            warnings.append(f"{exc} in a {min(task.steps, max_steps)}-step probe run")
    return warnings


def check_ranges(spec: SweepSpec, base: dict[str, Any]) -> None:
    """Check each range's two ends with the model's config (other parameters as in ``base``)."""
    validate = validator_for(spec.model)
    if validate is None:
        return
    for p in spec.parameters:
        if p.values is not None:
            continue
        for end, value in (("low", p.low), ("high", p.high)):
            value = int(round(value)) if p.kind == "int" and value is not None else value
            try:
                validate(spec.scenario, {**spec.fixed, **base, p.name: value})
            except Exception as exc:  # the model's own error type (ConfigError, ...)
                raise PlanError(f"[parameters] {p.name!r}: range = [{p.low}, {p.high}] "
                                f"{end} end {value} refused by scenario {spec.scenario!r}: {exc}"
                                ) from exc


def plan_sweep(spec: SweepSpec, validate: bool = True) -> Plan:
    """Sample the design, check every point against the model config, and build the tasks."""
    x, points = sample_design(spec)
    warnings = []
    if validate:
        check_points(spec.model, spec.scenario, [], spec.fixed)
        with catch_warnings():
            simplefilter("ignore")  # the same warnings come from the points checked next
            check_ranges(spec, points[0])
        checked = check_points(spec.model, spec.scenario, points, spec.fixed)
        warnings, built = checked.warnings, checked.configs
    else:
        built = []
    tasks = make_tasks(spec.model, spec.scenario, points, spec.fixed, spec.replications,
                       spec.seed, spec.steps, spec.metrics)
    warnings += probe_metrics(tasks[0]) if validate else []
    meta = {"name": spec.name, "design": spec.design, "model": spec.model,
            "scenario": spec.scenario, "replications": spec.replications, "steps": spec.steps,
            "seed": spec.seed, "samples": spec.samples, "spec": asdict(spec)}
    return Plan("sweep", tasks, points, spec.fixed, x, meta, warnings,
                memory_bytes=_largest(built))


def plan_replicates(model: str, scenario: str, overrides: dict[str, Any], reps: int,
                    seed: int, steps: int, validate: bool = True) -> Plan:
    """``reps`` replications of one scenario with fixed overrides."""
    checked = (check_points(model, scenario, [{}], overrides) if validate
               else CheckedPoints([], []))
    tasks = make_tasks(model, scenario, [{}], overrides, reps, seed, steps)
    meta = {"model": model, "scenario": scenario, "replications": reps, "steps": steps,
            "seed": seed}
    return Plan("replicates", tasks, [{}], overrides, None, meta, checked.warnings,
                memory_bytes=_largest(checked.configs))


def _largest(configs: list[Any]) -> int:
    """Estimated peak memory of the largest validated configuration (0 when not known)."""
    from model.config.sanity import estimate_bytes
    from model.config.scenario import MarketConfig

    sizes = [estimate_bytes(c) for c in configs if isinstance(c, MarketConfig)]
    return max(sizes, default=0)
