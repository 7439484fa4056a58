"""``flywheel calibrate``: fit free parameters to a scenario's reported figures.

A calibration spec (:mod:`experiments.calibrate_spec`) names the free parameters and their
ranges, the targets (the scenario's ``[[targets]]``), the replications per candidate and the
budget of candidates. Each candidate is scored by the distance of its runs from the targets:
per target the mean over replications of :func:`model.targets.band_error` (the error in
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
import io
import json
import sys
import time
import warnings
from collections.abc import Mapping
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
from filelock import FileLock, Timeout

from experiments.calibrate_spec import CalibrationSpec, CalibrationSpecError, FreeParam
from experiments.executors import make_backend
from experiments.folders import StoreError, claim
from experiments.models import DEFAULT_MODEL, resolve_model, scenario_digest, validator_for
from experiments.plan import RunTask
from experiments.progress import Progress
from experiments.replicate import replication_seeds
from experiments.runner import RunResult, execute
from model.targets import band_error

STUDY_FILE = "study.db"
STUDY_NAME = "calibration"


class CalibrationError(RuntimeError):
    """A calibration that cannot start or continue (a user error, reported in one line)."""


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
            "table (see model.targets.evaluate), so there is nothing to fit"
        )
    defaults = getattr(fn, "defaults", {})
    return list(frames["targets"]["target"]), {
        p.name: defaults.get(p.name) for p in spec.parameters
    }


def check_spec(spec: CalibrationSpec, scenario: str) -> Checked:
    """Check the spec against the model before any run: the scenario, the fixed overrides,
    both ends of every range, and the target labels and weights."""
    from experiments.commands import default_steps

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
        raise CalibrationError(
            f"--out {str(out)!r}: holds a different calibration (study "
            f"{theirs} vs {mine}: another scenario, spec or scenario file); "
            "use another --out folder"
        )
    from optuna.trial import Trial, TrialState

    for t in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        Trial(study, t._trial_id).set_user_attr("interrupted", True)
        study.tell(t.number, state=TrialState.FAIL)
        study.enqueue_trial(t.params, user_attrs={"retry_of": t.number})
    return study


def counted(study: Any) -> int:
    """Trials that count towards the budget: finished (or failed by the model), not the
    defaults' own entry and not those a kill interrupted."""
    from optuna.trial import TrialState

    return sum(
        1
        for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE, TrialState.FAIL))
        if not t.user_attrs.get("baseline") and not t.user_attrs.get("interrupted")
    )


def _distribution(p: FreeParam) -> Any:
    from optuna.distributions import FloatDistribution, IntDistribution

    if p.kind == "int":
        return IntDistribution(int(p.low), int(p.high), log=p.log)
    return FloatDistribution(p.low, p.high, log=p.log)


def _suggest(trial: Any, spec: CalibrationSpec) -> dict[str, Any]:
    return {
        p.name: trial.suggest_int(p.name, int(p.low), int(p.high), log=p.log)
        if p.kind == "int"
        else trial.suggest_float(p.name, p.low, p.high, log=p.log)
        for p in spec.parameters
    }


def _in_range(p: FreeParam, value: Any) -> bool:
    """Whether a default value is one the search itself could propose."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if p.kind == "int" and not float(value).is_integer():
        return False
    return p.low <= value <= p.high


@dataclass
class Candidate:
    """One candidate in flight: its optuna trial (None for the scenario's defaults), its
    parameters and the replications' results as they arrive."""

    trial: Any
    params: dict[str, Any]
    results: dict[int, RunResult] = field(default_factory=dict)


def targets_of(result: RunResult) -> pd.DataFrame:
    """The ``targets`` table of a finished run."""
    return pq.read_table(io.BytesIO(result.tables["targets"])).to_pandas()


def _sampler(spec: CalibrationSpec, number: int) -> Any:
    """A TPE sampler seeded by the spec's seed and the trial's number, so that a resumed
    calibration asks what an uninterrupted one would (given the same finished trials)."""
    import optuna

    seed = int(np.random.SeedSequence([spec.seed, number]).generate_state(1)[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # optuna's experimental-feature notices
        return optuna.samplers.TPESampler(seed=seed, n_startup_trials=spec.startup_trials)


def run_calibration(
    spec: CalibrationSpec,
    scenario: str,
    out: Path,
    checked: Checked,
    *,
    workers: int = 1,
    scheduler: str | None = None,
    progress: bool | None = None,
) -> Any:
    """Run (or resume) the calibration in ``out`` and return the optuna study."""
    out = Path(out)
    try:
        claim(out)
    except StoreError as exc:
        raise CalibrationError(str(exc)) from exc
    lock = FileLock(out / ".lock")
    try:
        lock.acquire(timeout=0)
    except Timeout as exc:
        raise CalibrationError(
            f"--out {str(out)!r}: in use by another running command; wait for it to finish"
        ) from exc
    try:
        study = open_study(out, spec, scenario)
        t0 = time.perf_counter()
        try:
            _loop(study, spec, scenario, checked, workers, scheduler, progress)
        finally:
            spent = float(study.user_attrs.get("elapsed_s", 0.0))
            study.set_user_attr("elapsed_s", spent + time.perf_counter() - t0)
        return study
    finally:
        lock.release()


def _loop(
    study: Any,
    spec: CalibrationSpec,
    scenario: str,
    checked: Checked,
    workers: int,
    scheduler: str | None,
    progress: bool | None,
) -> None:
    seeds = replication_seeds(spec.seed, spec.replications)
    digest = scenario_digest(spec.model, scenario)
    model_fn = resolve_model(spec.model)
    done = counted(study)
    queue: list[Candidate] = []
    if "baseline" not in study.user_attrs:
        queue.append(Candidate(None, {}))
    with make_backend(workers, scheduler) as backend:
        print(
            f"calibration: {spec.budget} trial(s) x {spec.replications} replication(s), "
            f"{checked.steps} steps, {done} already done -> [{backend.description}]",
            file=sys.stderr,
        )
        bar = Progress(spec.budget, already=min(done, spec.budget), desc="trials", enabled=progress)
        inflight: dict[Future, tuple[Candidate, int]] = {}
        asked = done
        try:
            while True:
                while len(inflight) < backend.slots and (queue or asked < spec.budget):
                    if queue:
                        cand = queue.pop(0)
                    else:
                        study.sampler = _sampler(spec, len(study.get_trials(deepcopy=False)))
                        trial = study.ask()
                        cand = Candidate(trial, _suggest(trial, spec))
                        asked += 1
                    number = -1 if cand.trial is None else cand.trial.number
                    for rep, seed in enumerate(seeds):
                        task = RunTask(
                            f"t{number:06d}-r{rep:03d}",
                            number,
                            rep,
                            spec.model,
                            scenario,
                            {**spec.fixed, **cand.params},
                            seed,
                            checked.steps,
                            (),
                            digest,
                        )
                        inflight[backend.executor.submit(execute, task, model_fn)] = (cand, rep)
                if not inflight:
                    break
                finished, _ = wait(inflight, return_when=FIRST_COMPLETED)
                for fut in finished:
                    cand, rep = inflight.pop(fut)
                    exc = fut.exception()
                    if exc is not None and not isinstance(exc, Exception):
                        raise KeyboardInterrupt
                    cand.results[rep] = (
                        fut.result()
                        if exc is None
                        else RunResult(
                            run_id="?",
                            status="failed",
                            duration_s=0.0,
                            started="",
                            host="?",
                            pid=-1,
                            error=f"{type(exc).__name__}: {exc}",
                        )
                    )
                    if len(cand.results) == len(seeds):
                        ok = _finish(study, cand, spec, checked)
                        if cand.trial is not None:
                            bar.advance(ok)
        finally:
            bar.close()


def _finish(study: Any, cand: Candidate, spec: CalibrationSpec, checked: Checked) -> bool:
    """Score a candidate whose replications have all returned and store it in the study."""
    from optuna.trial import TrialState, create_trial

    results = [cand.results[r] for r in sorted(cand.results)]
    failed = [r for r in results if r.status != "done"]
    seconds = float(sum(r.duration_s for r in results))
    if failed:
        error = failed[0].error or "?"
        if cand.trial is None:
            study.set_user_attr("baseline", {"error": error})
        else:
            cand.trial.set_user_attr("error", error)
            study.tell(cand.trial, state=TrialState.FAIL)
        print(
            f"warning: {'defaults' if cand.trial is None else f'trial {cand.trial.number}'}"
            f" failed: {error.splitlines()[0]}",
            file=sys.stderr,
        )
        return False
    distance, per = score([targets_of(r) for r in results], checked.targets, spec.weights)
    table = [
        {k: (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}
        for row in per.to_dict(orient="records")
    ]  # JSON keeps inf and NaN bands
    if cand.trial is None:
        study.set_user_attr(
            "baseline", {"distance": distance, "targets": table, "params": checked.defaults}
        )
        params = {k: v for k, v in checked.defaults.items() if v is not None}
        dists = {p.name: _distribution(p) for p in spec.parameters}
        inside = len(params) == len(dists) and all(
            _in_range(p, params[p.name]) for p in spec.parameters
        )
        if inside:  # the defaults inform the search (and bound the best from above)
            study.add_trial(
                create_trial(
                    value=distance,
                    params=params,
                    distributions=dists,
                    user_attrs={"baseline": True, "targets": table, "seconds": seconds},
                )
            )
        return True
    cand.trial.set_user_attr("targets", table)
    cand.trial.set_user_attr("seconds", seconds)
    study.tell(cand.trial, distance)
    return True


def with_overrides(spec: CalibrationSpec, budget: int | None, reps: int | None) -> CalibrationSpec:
    """The spec with the command line's ``--budget`` and ``--reps`` in place of its own."""
    from experiments.calibrate_spec import MAX_BUDGET, MAX_REPLICATIONS

    for flag, value, high in (("--budget", budget, MAX_BUDGET), ("--reps", reps, MAX_REPLICATIONS)):
        if value is not None and (isinstance(value, bool) or not 1 <= value <= high):
            raise CalibrationSpecError(f"{flag} {value!r}: must be an integer in [1, {high}]")
    return replace(spec, budget=budget or spec.budget, replications=reps or spec.replications)
