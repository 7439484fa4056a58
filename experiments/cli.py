"""The ``flywheel`` command: run scenarios, sweep parameters, analyse sensitivity, open the viz.

Examples::

    flywheel list
    flywheel run flywheel --out results/flywheel                 # one run, summary and plots
    flywheel run flywheel --reps 8 --workers 2 --set consumers.n_consumers=2000
    flywheel sweep experiments/sweeps/fees_sobol.toml --workers 2
    flywheel sweep SPEC.toml --scheduler tcp://HOST:8786       # same sweep on a Dask cluster
    flywheel analyze results/sweeps/fees_sobol
    flywheel theory --workers 2                                  # theory predictions, 95% CIs
    flywheel theory --list                                       # ... listed, nothing run
    flywheel calibrate new_rivals --spec experiments/calibration/new_rivals.toml --workers 2
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import shlex
import signal
import sys

from experiments.models.registry import DEFAULT_MODEL


def parse_assignments(items: list[str]) -> dict[str, object]:
    """``key=value`` pairs; values parsed as TOML literals (numbers, true/false, lists, strings)."""
    from experiments.commands import parse_sets

    return parse_sets(items)


def _executor_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workers", "-w", type=int, default=1,
                   help="parallel worker processes (default 1: run in this process)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run on Dask: 'local' starts a local cluster of --workers processes, "
                        "tcp://HOST:PORT uses an existing cluster")
    p.add_argument("--set-aside", dest="aside", action="store_true",
                   help="if --out holds results of a different run or sweep, move them to a "
                        "new folder OUT.old-TIMESTAMP instead of refusing")
    p.add_argument("--no-progress", dest="progress", action="store_const", const=False,
                   default=None, help="no progress bar (it is off anyway when not on a terminal)")


def package_version() -> str:
    """The installed flywheel version (from the package metadata)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("flywheel")
    except PackageNotFoundError:
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(prog="flywheel", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"flywheel {package_version()}")
    parser.add_argument("--debug", action="store_true",
                        help="show the full traceback of an unexpected error")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("list", help="list the named scenarios")

    run = sub.add_parser("run", help="run a scenario (with replications), print a summary, plot")
    run.add_argument("scenario", help="scenario name (see 'flywheel list') or a .toml path")
    run.add_argument("--steps", type=int, help="days to simulate (default: the scenario's)")
    run.add_argument("--seed", type=int, default=1,
                     help="base seed; replication seeds are spawned from it (default 1)")
    run.add_argument("--reps", type=int, default=1, help="replications (default 1)")
    run.add_argument("--set", dest="sets", action="append", metavar="KEY=VALUE",
                     help="override a config value, e.g. platforms.incumbent.referral_fee=0.1")
    run.add_argument("--params", metavar="FILE",
                     help="a TOML file of dotted-key overrides, e.g. a calibration's "
                          "best_params.toml (--set wins over it)")
    run.add_argument("--out", help="output folder (default results/SCENARIO)")
    run.add_argument("--resume", action="store_true",
                     help="keep finished runs of this same command in --out (default: redo)")
    run.add_argument("--rolling", type=int, default=7, metavar="DAYS",
                     help="smooth the report's daily series over DAYS days (default 7; 0: raw)")
    run.add_argument("--model", default=DEFAULT_MODEL, help=argparse.SUPPRESS)
    _executor_args(run)

    sweep = sub.add_parser("sweep", help="run (or resume) a parameter sweep from a TOML file")
    sweep.add_argument("spec", help="sweep file, e.g. experiments/sweeps/fees_sobol.toml")
    sweep.add_argument("--out", help="output folder (default results/sweeps/NAME)")
    sweep.add_argument("--fresh", action="store_true",
                       help="redo every run: remove this sweep's earlier results in --out "
                            "(only files flywheel wrote) instead of resuming")
    sweep.add_argument("--skip-failed", dest="retry_failed", action="store_false",
                       help="on resume, do not retry runs that failed before")
    _executor_args(sweep)

    cal = sub.add_parser("calibrate", help="fit free parameters to a scenario's targets "
                                           "(optuna TPE; resumable)")
    cal.add_argument("scenario", help="scenario name (see 'flywheel list') or a .toml path")
    cal.add_argument("--spec", required=True, metavar="FILE",
                     help="calibration spec, e.g. experiments/calibration/new_rivals.toml")
    cal.add_argument("--out", help="output folder (default results/calibration/SCENARIO); "
                                    "re-running the same command there resumes")
    cal.add_argument("--budget", type=int, help="trials to evaluate (default: the spec's)")
    cal.add_argument("--reps", type=int,
                     help="replications per trial (default: the spec's)")
    _executor_args(cal)

    an = sub.add_parser("analyze", help="sensitivity indices and plots of a finished sweep")
    an.add_argument("directory", help="the sweep's output folder")
    an.add_argument("--out", help="where to write the analysis (default DIRECTORY/analysis)")

    rep = sub.add_parser("reproduce", help="re-run one stored run and check it bit for bit")
    rep.add_argument("directory", help="a results folder (of flywheel run or sweep)")
    rep.add_argument("run_id", help="the run's id, e.g. p000000-r000 (see manifest.jsonl)")

    wu = sub.add_parser("warmup", help="suggest a scenario's warmup_days: MSER-5 on a pilot "
                                       "warm-up, per seed")
    wu.add_argument("scenario", help="scenario name or TOML path")
    wu.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3], help="pilot seeds")
    wu.add_argument("--pilot-days", type=int, default=360,
                    help="length of the pilot warm-up (days, default 360)")
    wu.add_argument("--set", dest="sets", action="append", metavar="KEY=VALUE",
                    help="override a parameter for the pilot, e.g. consumers.n_consumers=5000")

    th = sub.add_parser("theory", help="run the theory experiments (experiments/theory/*.toml) "
                                       "and judge each prediction with a 95%% CI")
    th.add_argument("names", nargs="*", metavar="NAME",
                    help="experiments to run (file stems, e.g. t2_tipping; default: all)")
    th.add_argument("--out", help="output folder (default results/theory)")
    th.add_argument("--reps", type=int, help="replications per arm (default: each file's)")
    th.add_argument("--steps", type=int, help="days per run (default: each file's)")
    th.add_argument("--set", dest="sets", action="append", metavar="KEY=VALUE",
                    help="override for every arm, e.g. consumers.n_consumers=1000 (smaller runs)")
    th.add_argument("--fresh", action="store_true",
                    help="discard earlier runs in --out instead of resuming")
    th.add_argument("--list", dest="list_only", action="store_true",
                    help="list the experiments and their predictions; run nothing")
    _executor_args(th)

    if importlib.util.find_spec("viz.server") is not None:
        sub.add_parser("viz", help="open the interactive browser visualisation", add_help=False)
    return parser


def _list() -> int:
    from model.config.scenario import list_scenarios

    for name, story in list_scenarios():
        print(f"{name:24s} {story}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Console entry point."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["viz"] and importlib.util.find_spec("viz.server") is not None:
        from viz.server import main as viz_main

        takes_args = bool(inspect.signature(viz_main).parameters)
        return int((viz_main(argv[1:]) if takes_args else viz_main()) or 0)
    debug = "--debug" in argv  # accepted anywhere on the line
    signal.signal(signal.SIGTERM, _terminate)
    args = build_parser().parse_args([a for a in argv if a != "--debug"])
    args.argv = [a for a in argv if a != "--debug"]  # the command as typed, for provenance
    from experiments import commands

    try:
        return _dispatch(args)
    except commands.CommandError as exc:
        print(f"flywheel {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted: finished runs are stored; re-run the same command to resume",
              file=sys.stderr)
        return 130
    except Exception as exc:  # an unexpected failure: one line, the traceback on request
        if debug:
            raise
        first = str(exc).splitlines()[0] if str(exc) else ""
        print(f"flywheel {args.command}: error: {type(exc).__name__}: {first} "
              "(run again with --debug for the traceback)", file=sys.stderr)
        return 1


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM stops the command like Ctrl-C: workers are ended, finished runs kept."""
    raise KeyboardInterrupt


def _dispatch(args: argparse.Namespace) -> int:
    from experiments import commands

    if args.command == "list":
        return _list()
    if args.command == "run":
        return commands.cmd_run(
            args.scenario, reps=args.reps, workers=args.workers, steps=args.steps,
            seed=args.seed, sets=args.sets, out=args.out, scheduler=args.scheduler,
            model=args.model, resume=args.resume, progress=args.progress, aside=args.aside,
            rolling=args.rolling, params=args.params)
    if args.command == "calibrate":
        return commands.cmd_calibrate(
            args.scenario, args.spec, out=args.out, budget=args.budget, reps=args.reps,
            workers=args.workers, scheduler=args.scheduler, progress=args.progress,
            aside=args.aside, command="flywheel " + " ".join(shlex.quote(a) for a in args.argv))
    if args.command == "sweep":
        return commands.cmd_sweep(args.spec, out=args.out, workers=args.workers,
                                  scheduler=args.scheduler, fresh=args.fresh,
                                  retry_failed=args.retry_failed, progress=args.progress,
                                  aside=args.aside)
    if args.command == "analyze":
        return commands.cmd_analyze(args.directory, args.out)
    if args.command == "reproduce":
        from experiments.pipeline.reproduce import cmd_reproduce

        return cmd_reproduce(args.directory, args.run_id)
    if args.command == "warmup":
        from experiments.calibration.warmup import cmd_warmup

        return cmd_warmup(args.scenario, args.seeds, args.pilot_days,
                          commands.parse_sets(args.sets))
    if args.command == "theory" and args.list_only:
        return commands.cmd_theory_list(args.names)
    if args.command == "theory":
        return commands.cmd_theory(args.names, out=args.out, workers=args.workers,
                                   scheduler=args.scheduler, reps=args.reps, steps=args.steps,
                                   sets=args.sets, fresh=args.fresh, progress=args.progress)
    return 2


if __name__ == "__main__":
    sys.exit(main())
