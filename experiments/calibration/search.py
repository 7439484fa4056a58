"""Running a calibration: optuna's ask-and-tell loop over the project's executors.

Each trial's replications are model runs submitted to the same executors as ``flywheel run``
and ``sweep`` (in-process, process pool, Dask); a trial is told its distance once all its
replications have returned. The study lives in ``OUT/study.db``, so a killed calibration
resumes (see :func:`experiments.calibration.study.open_study`). Run on one worker, the sequence of
trials is reproducible from the spec's seed; with several, which trials run side by side
depends on timing, so only the seeds of each trial's runs are.
"""

from __future__ import annotations

import io
import sys
import time
import warnings
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
from filelock import FileLock, Timeout

from experiments.calibration.spec import CalibrationSpec, FreeParam
from experiments.calibration.study import (
    CalibrationError,
    Checked,
    StudyMismatch,
    counted,
    open_study,
    score,
    set_aside_study,
)
from experiments.models.registry import resolve_model, scenario_digest
from experiments.pipeline.executors import make_backend
from experiments.pipeline.plan import RunTask
from experiments.pipeline.progress import Progress
from experiments.pipeline.replicate import replication_seeds
from experiments.pipeline.runner import RunResult, execute
from experiments.storage.folders import StoreError, claim


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


def searched(study: Any) -> int:
    """Trials the search has asked for so far (the defaults' entry is not one): the index
    that seeds the next trial's sampler, the same whether the defaults finished first (one
    worker) or later (several)."""
    return sum(1 for t in study.get_trials(deepcopy=False) if not t.user_attrs.get("baseline"))


def run_calibration(
    spec: CalibrationSpec,
    scenario: str,
    out: Path,
    checked: Checked,
    *,
    workers: int = 1,
    scheduler: str | None = None,
    progress: bool | None = None,
    aside: bool = False,
) -> Any:
    """Run (or resume) the calibration in ``out`` and return the optuna study. A different
    calibration found there is refused, or with ``aside`` moved to a sibling folder."""
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
        try:
            study = open_study(out, spec, scenario)
        except StudyMismatch:
            if not aside:
                raise
            moved = set_aside_study(out)
            print(f"earlier calibration in {out} moved to {moved}", file=sys.stderr)
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
                        study.sampler = _sampler(spec, searched(study))
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
