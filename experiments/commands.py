"""The work behind ``flywheel run``, ``sweep``, ``analyze`` and ``theory``.

Every command goes through the same pipeline: a plan of run tasks, an executor (in-process, process
pool or Dask), one Parquet file per run and table plus a manifest, then a report or an analysis.
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from warnings import catch_warnings, simplefilter

import pandas as pd

from experiments.errors import CommandError
from experiments.models.registry import DEFAULT_MODEL, default_steps
from experiments.pipeline.executors import ExecutorError, make_backend
from experiments.pipeline.plan import Plan, PlanError, plan_replicates, plan_sweep
from experiments.pipeline.replicate import ci_table
from experiments.pipeline.runner import RUN_ID_COLUMNS, SweepOutcome, run_plan
from experiments.storage.folders import claimable, record
from experiments.storage.store import RunStore, StoreError, read_table
from experiments.sweeps.spec import MAX_REPLICATIONS, MAX_STEPS, SweepSpecError, load_sweep
from model.config import ConfigError, MarketConfig, load_scenario, scenario_path


def parse_sets(items: list[str] | None) -> dict[str, Any]:
    """``key=value`` pairs; values are read as TOML literals (numbers, booleans, lists, strings)."""
    out: dict[str, Any] = {}
    for item in items or []:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise CommandError(f"--set {item!r}: expected key=value, "
                               "e.g. consumers.n_consumers=1000")
        try:
            value = tomllib.loads(f"v = {raw.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw.strip()
        out[key.strip()] = value
    return out


def load_params(path: str | None) -> dict[str, Any]:
    """An override file (``--params FILE``): a TOML of dotted keys, as ``--set`` takes them
    (``"platforms.incumbent.referral_fee" = 0.12``, or the same key as nested tables), such
    as the ``best_params.toml`` that ``flywheel calibrate`` writes."""
    if path is None:
        return {}
    from experiments.sweeps.spec import flatten

    file = Path(path)
    if not file.is_file():
        raise CommandError(f"--params {path!r}: no such file (give a TOML file of dotted "
                           "keys, e.g. a calibration's best_params.toml)")
    try:
        data = tomllib.loads(file.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CommandError(f"--params {path!r}: not valid TOML ({exc})") from exc
    return flatten(data)


SCHEDULER = re.compile(r"^(local|(tcp|tls)://[A-Za-z0-9_.\-\[\]:]+:\d{1,5})$")
#: Most worker processes one command starts or asks a cluster for.
MAX_WORKERS = 1024


def check_executor(workers: int, scheduler: str | None) -> None:
    """Refuse a worker count or scheduler address that cannot work, before any work."""
    if isinstance(workers, bool) or not isinstance(workers, int) or \
            not 1 <= workers <= MAX_WORKERS:
        raise CommandError(f"--workers {workers!r}: must be an integer in [1, {MAX_WORKERS}]")
    if scheduler is not None and not SCHEDULER.match(scheduler):
        raise CommandError(f"--scheduler {scheduler!r}: allowed: 'local' or "
                           "tcp://HOST:PORT (tls://HOST:PORT)")


def check_out(out: Path) -> None:
    """Refuse an output path that is a file or a folder flywheel did not create, up front."""
    try:
        claimable(out)
    except StoreError as exc:
        raise CommandError(str(exc)) from exc


def check_memory(plan: Plan, workers: int) -> None:
    """Refuse ``workers`` simultaneous runs that together exceed the machine's memory."""
    from model.config.sanity import machine_memory

    copies = min(workers, len(plan.tasks))
    need, have = plan.memory_bytes * copies, machine_memory()
    if have and need > have:
        raise CommandError(f"--workers {workers}: {copies} runs at once need about "
                           f"{need / 2**30:.1f} GB ({plan.memory_bytes / 2**30:.1f} GB each), "
                           f"more than this machine's {have / 2**30:.1f} GB; use fewer workers")


def _check_count(flag: str, value: int | None, high: int) -> None:
    if value is not None and (isinstance(value, bool) or not 1 <= value <= high):
        raise CommandError(f"{flag} {value!r}: must be an integer in [1, {high}]")


def _execute(plan: Plan, store: RunStore, workers: int, scheduler: str | None, fresh: bool,
             retry_failed: bool, progress: bool | None, aside: bool = False) -> SweepOutcome:
    out = store.root
    for warning in plan.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    with ExitStack() as stack:
        try:
            backend = stack.enter_context(make_backend(workers, scheduler))
        except ExecutorError as exc:
            raise CommandError(str(exc)) from exc
        print(f"{len(plan.tasks)} run(s) -> {out}  [{backend.description}]", file=sys.stderr)
        try:
            outcome = run_plan(plan, store, backend, fresh=fresh, retry_failed=retry_failed,
                               progress=progress, aside=aside)
        except StoreError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:  # disk full, permissions: what is stored stays valid
            raise CommandError(f"--out {str(out)!r}: cannot write ({exc.strerror or exc}); "
                               "finished runs are stored, re-run the same command to resume"
                               ) from exc
    if outcome.moved is not None:
        print(f"earlier results in {out} moved to {outcome.moved}", file=sys.stderr)
    print_warnings(outcome.warnings)
    print(f"{outcome.done} run(s) done, {outcome.skipped} already done, {len(outcome.failed)} "
          f"failed, {outcome.elapsed_s:.1f} s", file=sys.stderr)
    for version, n in outcome.other_versions.items():
        print(f"warning: {n} run(s) in {out} were made by code version {version!r}, not the "
              f"current {outcome.code_version!r}; start afresh to redo them (sweep --fresh, "
              "or run without --resume)", file=sys.stderr)
    _report_failures(outcome, out)
    return outcome


def print_warnings(warnings: list[str], limit: int = 20) -> None:
    """Problems found in what was read (garbled manifest lines, unreadable runs)."""
    for line in warnings[:limit]:
        print(f"warning: {line}", file=sys.stderr)
    if len(warnings) > limit:
        print(f"warning: ... and {len(warnings) - limit} more", file=sys.stderr)


def _report_failures(outcome: SweepOutcome, out: Path) -> None:
    if not outcome.failed:
        return
    print(f"\n{len(outcome.failed)} run(s) FAILED (tracebacks in {out / 'manifest.jsonl'}):",
          file=sys.stderr)
    for rid, err in outcome.failed[:20]:
        print(f"  {rid}: {err.splitlines()[0] if err else '?'}", file=sys.stderr)
    if len(outcome.failed) > 20:
        print(f"  ... and {len(outcome.failed) - 20} more", file=sys.stderr)


def cmd_run(scenario: str, *, reps: int = 1, workers: int = 1, steps: int | None = None,
            seed: int = 1, sets: list[str] | None = None, out: str | None = None,
            scheduler: str | None = None, model: str = DEFAULT_MODEL, resume: bool = False,
            progress: bool | None = None, aside: bool = False, rolling: int = 7,
            params: str | None = None) -> int:
    """Replicated runs of one scenario, a terminal summary and a report folder.

    ``params`` is an override file (see :func:`load_params`); ``sets`` win over it. The
    output folder stays locked until the report is written.
    """
    overrides = {**load_params(params), **parse_sets(sets)}
    _check_count("--reps", reps, MAX_REPLICATIONS)
    _check_count("--steps", steps, MAX_STEPS)
    if rolling < 0:
        raise CommandError(f"--rolling {rolling}: must be a number of days >= 0 (0: raw)")
    if not 0 <= seed < 2**63:
        raise CommandError(f"--seed {seed}: must be an integer in [0, 2**63)")
    check_executor(workers, scheduler)
    out_dir = Path(out or f"results/{Path(scenario).stem}")
    check_out(out_dir)
    try:
        steps = steps or default_steps(model, scenario, overrides)
        plan = plan_replicates(model, scenario, overrides, reps, seed, steps)
    except (PlanError, ValueError) as exc:
        raise CommandError(str(exc)) from exc
    check_memory(plan, workers)
    with _open_store(out_dir) as store:
        outcome = _execute(plan, store, workers, scheduler, fresh=not resume,
                           retry_failed=True, progress=progress, aside=aside)
        return _report_run(out_dir, outcome, reps, steps, model,
                           report_context(model, scenario, overrides), rolling, overrides)


@contextmanager
def _open_store(out: Path) -> Iterator[RunStore]:
    """The output folder, claimed and locked for the whole command."""
    try:
        store = RunStore(out).__enter__()
    except StoreError as exc:
        raise CommandError(str(exc)) from exc
    try:
        yield store
    finally:
        store.__exit__(None, None, None)


def report_context(model: str, scenario: str, overrides: dict
                   ) -> tuple[MarketConfig | None, Path | None]:
    """The scenario's configuration and file, for the report's calendar and story (the
    market model only; other models have no scenario file)."""
    if model != DEFAULT_MODEL:
        return None, None
    try:
        with catch_warnings():
            simplefilter("ignore")  # overrides shadowed by events were reported before the runs
            return load_scenario(scenario, overrides), scenario_path(scenario)
    except ConfigError:
        return None, None


def _report_run(out_dir: Path, outcome: SweepOutcome, reps: int, steps: int, model: str,
                context: tuple[MarketConfig | None, Path | None] = (None, None),
                rolling: int = 7, overrides: dict[str, Any] | None = None) -> int:
    from experiments.reports.run_report import format_summary, format_wins, write_report

    platforms = read_table(out_dir, "platforms")
    if platforms.empty:
        print("no finished run has a 'platforms' table: nothing to report", file=sys.stderr)
        return 1
    migration = read_table(out_dir, "migration")
    config, scenario_file = context
    targets = targets_table(read_table(out_dir, "targets"))
    files = write_report(platforms, migration, out_dir / "report", model=model,
                         events=read_table(out_dir, "events"), config=config,
                         targets=targets, rolling=rolling, scenario_file=scenario_file,
                         wins=read_table(out_dir, "wins"))
    record(out_dir, [*files.values(), out_dir / "report" / "targets.csv"])
    if reps == 1:  # the single run's tables as plain CSV too, as `flywheel run` always wrote
        for path in sorted((out_dir / "runs").glob("*/*.parquet")):
            frame = read_table(out_dir, path.stem)
            if len(frame.columns):
                record(out_dir, [out_dir / f"{path.stem}.csv"])
                overrides = overrides or {}
                frame.drop(columns=[*RUN_ID_COLUMNS, *overrides,
                                    *(f"param:{key}" for key in overrides)],
                           errors="ignore").to_csv(
                    out_dir / f"{path.stem}.csv", index=False)
    n_done = int(platforms["run_id"].nunique())
    summary = pd.read_csv(files["summary_csv"])
    print_warmup(read_table(out_dir, "warmup"))
    print(format_summary(summary, n_done, steps))
    if "wins_csv" in files:
        print("\n" + format_wins(pd.read_csv(files["wins_csv"])))
    print_targets(targets, out_dir / "report" / "targets.csv")
    print(f"\nresults: {out_dir}/runs/<run>/<table>.parquet, manifest {out_dir}/manifest.jsonl")
    print(f"report:  {out_dir / 'report'} ({', '.join(p.name for p in files.values())})")
    return 1 if outcome.failed else 0


def print_warmup(warmup: pd.DataFrame) -> None:
    """The warm-up before day 1 and whether the market was stationary at its end."""
    if warmup.empty or "warmup_days" not in warmup:
        return
    if len(warmup) == 1:
        print(warmup["diagnostic"].iloc[0])
        return
    judged = warmup[warmup["stationary"] != "not judged"]
    days = ", ".join(str(d) for d in sorted(warmup["warmup_days"].unique()))
    line = f"warm-up {days} days"
    if len(judged):
        line += (f": stationary at its end in {int((judged['stationary'] == 'yes').sum())} "
                 f"of {len(judged)} runs (MSER-5 on the leader's stores and 30-day actives)")
    print(line)


def targets_table(targets: pd.DataFrame) -> pd.DataFrame:
    """The scenario's reported figures against the runs: mean simulated value and the share
    of replications inside the accepted range, one row per target."""
    if targets.empty or "target" not in targets:
        return pd.DataFrame()
    keys = ["target", "platform", "measure", "days", "reported", "accepted_range"]
    if "scored" not in targets:   # results stored before targets said whether they scored
        targets = targets.assign(scored=True, run_end=-1)
    return (targets.groupby(keys, sort=False)
            .agg(simulated=("simulated", "mean"), matched=("match", "mean"),
                 scored=("scored", "all"), run_end=("run_end", "max"), runs=("match", "size"))
            .reset_index())


def print_targets(table: pd.DataFrame, path: Path) -> None:
    """Print and save the targets table (see ``targets_table``)."""
    if table.empty:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(path, index=False)
    scored = table[table.scored]
    runs = int(table.runs.max())
    basis = ("one seed: a single run, not a distribution" if runs == 1 else
             f"per target, the share of {runs} replications inside its band")
    matched = (f"{int(round(scored.matched.mean() * 100))}% matched" if len(scored)
               else "none scored")
    print(f"\nHow close the run comes to the sources' figures ({matched}; {basis}):")
    for row in table.itertuples():
        where = f"{row.target} [{row.platform}, {row.measure}]"
        if not row.scored:
            window_end = str(row.days).split("-")[-1]
            print(f"  --  {where}: not scored (run ends day {row.run_end}, window ends "
                  f"day {window_end}); reported: {row.reported}")
            continue
        mark = "ok " if row.matched == 1 else ("~  " if row.matched > 0 else "no ")
        share = "" if runs == 1 else f" in {row.matched:.0%} of runs"
        print(f"  {mark} {where}: simulated {row.simulated:.3g}{share}, accepted "
              f"{row.accepted_range}; reported: {row.reported}")


def sweep_summary(out: Path) -> pd.DataFrame:
    """Per design point: parameters and each metric's mean and 95% CI over replications."""
    from experiments.sweeps.sensitivity import load_results

    res = load_results(out)
    points = pd.DataFrame(res.plan["points"]).rename_axis("point").reset_index()
    if res.runs.empty:
        return points
    names = [m.name for m in res.metrics]
    ci = ci_table(res.runs, ["point"], names, res.spec["conf_level"])
    return points.merge(ci, on="point", how="left")


def format_points(table: pd.DataFrame, metrics: list[str]) -> str:
    """Design points with each metric as ``mean ±half-width`` of its 95% CI (compact)."""
    shown = table.drop(columns=[c for c in table.columns
                                if any(c.startswith(f"{m}_") for m in metrics)])
    for m in metrics:
        if f"{m}_mean" in table.columns:
            half = (table[f"{m}_high"] - table[f"{m}_low"]) / 2
            shown[m] = [f"{v:.4g}" + (f" ±{h:.2g}" if h > 0 else "")
                        for v, h in zip(table[f"{m}_mean"], half, strict=True)]
    shown.columns = [str(c).removeprefix("platforms.") for c in shown.columns]
    return shown.to_string(index=False, float_format=lambda v: f"{v:.4g}")


def cmd_sweep(path: str, *, out: str | None = None, workers: int = 1,
              scheduler: str | None = None, fresh: bool = False, retry_failed: bool = True,
              progress: bool | None = None, aside: bool = False) -> int:
    """Validate a sweep file, run (or resume) it, and write ``metrics.csv`` (all under the
    output folder's lock)."""
    check_executor(workers, scheduler)
    try:
        spec = load_sweep(path)
        out_dir = Path(out or f"results/sweeps/{spec.name}")
        check_out(out_dir)
        plan = plan_sweep(spec)
    except (SweepSpecError, PlanError) as exc:
        raise CommandError(str(exc)) from exc
    check_memory(plan, workers)
    print(f"sweep {spec.name!r}: design {spec.design}, {len(plan.points)} point(s) x "
          f"{spec.replications} replication(s), {spec.steps} steps", file=sys.stderr)
    with _open_store(out_dir) as store:
        outcome = _execute(plan, store, workers, scheduler, fresh, retry_failed, progress, aside)
        table = sweep_summary(out_dir)
        record(out_dir, [out_dir / "metrics.csv"])
        table.to_csv(out_dir / "metrics.csv", index=False)
    print(format_points(table.head(20), [m.name for m in spec.metrics]))
    if len(table) > 20:
        print(f"... {len(table)} points in {out_dir / 'metrics.csv'}")
    print(f"\nresults: {out_dir}; analyse with: flywheel analyze {out_dir}")
    return 1 if outcome.failed else 0


def cmd_analyze(directory: str, out: str | None = None) -> int:
    """Sensitivity indices of a finished sweep, printed and plotted."""
    from experiments.sweeps.sensitivity import AnalysisError, analyze

    if not Path(directory).is_dir():
        raise CommandError(f"DIRECTORY {directory!r}: no such folder (give a sweep's --out)")
    target = Path(out) if out else Path(directory) / "analysis"
    for parent in [target, *target.parents]:
        if parent.exists() and not parent.is_dir():
            raise CommandError(f"--out {str(target)!r}: {str(parent)!r} is a file, not a folder")
    notes: list[str] = []
    try:
        tables = analyze(directory, out, notes=notes)
    except AnalysisError as exc:
        print_warnings(notes)
        raise CommandError(str(exc)) from exc
    print_warnings(notes)
    for metric, table in tables.items():
        print(f"\n== {metric} ==")
        shown = table.drop(columns=["note"], errors="ignore")
        print(shown.to_string(float_format=lambda v: f"{v:.4f}"))
        if "converged" in table and not table["converged"].all():
            for name, row in table[~table["converged"]].iterrows():
                print(f"warning: {metric}, {name}: not converged: {row['note']}")
    print(f"\nanalysis written to {Path(out) if out else Path(directory) / 'analysis'}")
    return 0


def cmd_theory(names: list[str] | None = None, *, out: str | None = None, workers: int = 1,
               scheduler: str | None = None, reps: int | None = None, steps: int | None = None,
               sets: list[str] | None = None, fresh: bool = False,
               progress: bool | None = None) -> int:
    """Run the theory experiments (all, or those named), print the table, write the report."""
    from experiments.theory.report import print_results, run_theory
    from experiments.theory.spec import TheorySpecError, load_theory, theory_names

    for flag, value in (("--reps", reps), ("--steps", steps)):
        if value is not None and value < (2 if flag == "--reps" else 1):
            raise CommandError(f"{flag} {value}: must be >= {2 if flag == '--reps' else 1}")
    try:
        specs = [load_theory(n) for n in (names or theory_names())]
        out_dir = Path(out or "results/theory")
        results = run_theory(specs, out_dir, workers=workers, scheduler=scheduler, reps=reps,
                             steps=steps, sets=parse_sets(sets), fresh=fresh, progress=progress)
    except (TheorySpecError, StoreError) as exc:
        raise CommandError(str(exc)) from exc
    print_results(results, out_dir / "report")
    return 0


def cmd_theory_list(names: list[str] | None = None) -> int:
    """Print each theory experiment (all, or those named) and its predictions; run nothing."""
    from experiments.theory.predictions import format_list
    from experiments.theory.spec import TheorySpecError, load_theory, theory_names

    try:
        specs = [load_theory(n) for n in (names or theory_names())]
    except TheorySpecError as exc:
        raise CommandError(str(exc)) from exc
    print(format_list(specs))
    return 0


def cmd_calibrate(scenario: str, spec: str, *, out: str | None = None, budget: int | None = None,
                  reps: int | None = None, workers: int = 1, scheduler: str | None = None,
                  progress: bool | None = None, aside: bool = False,
                  command: str = "") -> int:
    """Fit a calibration spec's free parameters to the scenario's targets (resumable), then
    write the best parameters, the distances before and after, the trials and a plot."""
    from experiments.calibration.report import command_line, print_summary, write_outputs
    from experiments.calibration.search import run_calibration
    from experiments.calibration.spec import CalibrationSpecError, load_calibration
    from experiments.calibration.study import CalibrationError, check_spec, with_overrides

    check_executor(workers, scheduler)
    out_dir = Path(out or f"results/calibration/{Path(scenario).stem}")
    check_out(out_dir)
    try:
        cal = with_overrides(load_calibration(spec), budget, reps)
        checked = check_spec(cal, scenario)
        for note in checked.warnings:
            print(f"warning: {note}", file=sys.stderr)
        study = run_calibration(cal, scenario, out_dir, checked, workers=workers,
                                scheduler=scheduler, progress=progress, aside=aside)
        files = write_outputs(study, cal, spec, scenario, out_dir, checked,
                              command or command_line())
    except (CalibrationSpecError, CalibrationError, StoreError) as exc:
        raise CommandError(str(exc)) from exc
    except ExecutorError as exc:
        raise CommandError(str(exc)) from exc
    print_summary(pd.read_csv(files["distances.csv"]), files)
    return 0
