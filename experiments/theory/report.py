"""Run the selected theory experiments and write their report (``flywheel theory``).

``OUT/<name>/`` holds each experiment's runs (plan, manifest, Parquet tables: resumable);
``OUT/report/`` gets ``theory.csv`` (the printed table), ``theory_values.csv`` (each check's
metric per arm and seed) and one plot per experiment, ``<name>.png``.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.pipeline.executors import make_backend
from experiments.pipeline.runner import run_plan
from experiments.theory.predictions import (
    Result,
    evaluate,
    format_table,
    plan_theory,
    shown_reps,
    verdict_counts,
)
from experiments.theory.spec import TheorySpec
from experiments.theory.stats import CONTRADICTED, HOLDS

VERDICT_COLOURS = {HOLDS: "C2", CONTRADICTED: "C3"}  # not detected: grey


def run_theory(specs: list[TheorySpec], out: str | Path, *, workers: int = 1,
               scheduler: str | None = None, reps: int | None = None,
               steps: int | None = None, sets: Mapping[str, Any] | None = None,
               fresh: bool = False, progress: bool | None = None) -> list[Result]:
    """Plan every experiment first (so a bad file or key stops before any run), execute them
    on one backend, then evaluate and write the report."""
    out = Path(out)
    plans = {s.name: plan_theory(s, reps=reps, steps=steps, sets=sets)
             for s in specs if not s.skip}
    failed = 0
    if plans:
        with make_backend(workers, scheduler) as backend:
            for name, plan in plans.items():
                print(f"{name}: {len(plan.tasks)} run(s) -> {out / name}  "
                      f"[{backend.description}]", file=sys.stderr)
                outcome = run_plan(plan, out / name, backend, fresh=fresh, progress=progress)
                failed += len(outcome.failed)
                print(f"{name}: {outcome.done} done, {outcome.skipped} already done, "
                      f"{len(outcome.failed)} failed, {outcome.elapsed_s:.1f} s", file=sys.stderr)
                for version, n in outcome.other_versions.items():
                    print(f"warning: {n} run(s) of {name} were made by code version "
                          f"{version!r}; --fresh redoes them", file=sys.stderr)
    results, values = [], []
    for spec in specs:
        rows, vals = evaluate(spec, out / spec.name)
        results.extend(rows)
        values.append(vals)
    write_report(specs, results, pd.concat(values, ignore_index=True), out / "report")
    if failed:
        print(f"warning: {failed} run(s) failed (tracebacks in OUT/<name>/manifest.jsonl); "
              "re-run the same command to retry them", file=sys.stderr)
    return results


def write_report(specs: list[TheorySpec], results: list[Result], values: pd.DataFrame,
                 folder: Path) -> dict[str, Path]:
    """``theory.csv``, ``theory_values.csv`` and one ``<name>.png`` per experiment run."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {"theory_csv": folder / "theory.csv", "values_csv": folder / "theory_values.csv"}
    pd.DataFrame([r.row() for r in results]).to_csv(files["theory_csv"], index=False)
    values.to_csv(files["values_csv"], index=False)
    for spec in specs:
        if spec.skip or values.empty:
            continue
        mine = values[values["experiment"] == spec.name]
        if len(mine):
            files[spec.name] = plot_experiment(spec, [r for r in results if r.spec is spec],
                                               mine, folder / f"{spec.name}.png")
    return files


def plot_experiment(spec: TheorySpec, results: list[Result], values: pd.DataFrame,
                    path: Path) -> Path:
    """One panel per check: each arm's metric across seeds (dots, seeds joined across arms)
    and the statistic with its 95% CI, against the threshold that decides the verdict (green:
    holds, red: contradicted, grey: not detected)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(spec.checks)
    fig, axes = plt.subplots(1, n, figsize=(4.6 * n, 3.8), squeeze=False)
    for k, (ax, res) in enumerate(zip(axes[0], results, strict=True)):
        check = res.check
        rows = values[values["check"] == k]
        wide = rows.pivot_table(index="rep", columns="arm", values="value")
        arms = [a for a in check.arms if a in wide.columns]
        x = np.arange(len(arms))
        if check.statistic == "paired_mean":
            for _rep, seed_row in wide[arms].iterrows():
                ax.plot(x, seed_row.to_numpy(), color="0.75", lw=0.6, marker="o", ms=3)
            ax.set_xticks(x, arms)
            ax.set_ylabel(check.metric["kind"])
        else:
            share = wide[arms].mean()
            ax.bar(x, share.to_numpy(), color="C0", alpha=0.7)
            ax.set_xticks(x, arms)
            ax.set_ylim(0, 1.05)
            ax.set_ylabel(f"share of seeds: {check.metric['kind']}")
        if res.estimate is not None:
            e = res.estimate
            twin = ax if check.statistic == "frequency" else ax.twinx()
            pos = len(arms) if check.statistic == "frequency" else len(arms) - 0.3
            twin.errorbar([pos], [e.value], yerr=[[e.value - e.low], [e.high - e.value]],
                          fmt="D", color=VERDICT_COLOURS.get(res.verdict, "0.4"), capsize=4)
            twin.axhline(check.than, color="C3", ls=":", lw=1)
            if twin is not ax:
                twin.set_ylabel(f"{check.statistic}, 95% CI", color="C3")
            ax.set_xlim(-0.5, len(arms) + 0.2)
            ax.set_xticks([*x, pos], [*arms, "estimate"])
        if res.verdict is None:
            verdict = res.note
        else:
            verdict = (f"{res.verdict} (MDE {res.mde:.3g}, reps needed "
                       f"{shown_reps(res.reps_needed)})")
        ax.set_title(f"{check.label}\n{verdict}", fontsize=9)
    fig.suptitle(f"{spec.title} ({spec.reference})", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def print_results(results: list[Result], report: Path) -> None:
    """The table on the terminal and where the report went."""
    print(format_table(results))
    print(f"\n{verdict_counts(results)}")
    print("MDE: minimal detectable effect at 80% power and these replications; "
          "reps needed: to detect the estimate")
    print(f"report: {report} (theory.csv, theory_values.csv, one <name>.png per experiment)")
