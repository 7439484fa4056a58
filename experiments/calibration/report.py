"""What ``flywheel calibrate`` writes and prints: the best parameters as an override file,
the distances before and after, every trial, a plot and a provenance README."""

from __future__ import annotations

import shlex
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.calibration.spec import CalibrationSpec
from experiments.calibration.study import STUDY_FILE, CalibrationError, Checked
from experiments.models.registry import DEFAULT_MODEL
from experiments.storage.folders import record
from model.config.resolved_toml import _key, _scalar

FILES = (
    "best_params.toml",
    "distances.csv",
    "trials.csv",
    "calibration.png",
    "README.md",
    "calibration.toml",
)


def trials_frame(study: Any) -> pd.DataFrame:
    """One row per trial: number, state, distance, parameters, each target's error."""
    rows = []
    for t in study.get_trials(deepcopy=False):
        row: dict[str, Any] = {
            "trial": t.number,
            "state": t.state.name,
            "distance": t.value,
            "defaults": bool(t.user_attrs.get("baseline", False)),
            "seconds": t.user_attrs.get("seconds"),
            "note": t.user_attrs.get("error")
            or ("interrupted, queued again" if t.user_attrs.get("interrupted") else ""),
        }
        row.update(t.params)
        for target in t.user_attrs.get("targets", []):
            row[f"error: {target['target']}"] = target["error"]
        rows.append(row)
    return pd.DataFrame(rows)


def best_trial(study: Any) -> Any | None:
    """The finished trial with the smallest distance (None before any has finished)."""
    from optuna.trial import TrialState

    done = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    return min(done, key=lambda t: (t.value, t.number)) if done else None


def distances_frame(study: Any, best: Any) -> pd.DataFrame:
    """Per target: the simulated value and error with the scenario's defaults (before) and
    with the best candidate (after), then a row with the combined distance."""
    base = study.user_attrs.get("baseline", {})
    before = pd.DataFrame(base.get("targets", []))
    after = pd.DataFrame(best.user_attrs.get("targets", []))
    keys = ["target", "platform", "metric", "measure", "reported", "low", "high", "value", "weight"]
    frame = (before if len(before) else after)[keys].copy()
    for label, part in (("before", before), ("after", after)):
        for col in ("simulated", "error", "matched"):
            frame[f"{col}_{label}"] = part[col].to_numpy() if len(part) else float("nan")
    total = {
        "target": "(distance: weighted mean error)",
        "error_before": base.get("distance", float("nan")),
        "error_after": best.value,
    }
    return pd.concat([frame, pd.DataFrame([total])], ignore_index=True)


def best_params_toml(best: Any, scenario: str, spec: CalibrationSpec, command: str) -> str:
    """The best candidate's parameters as dotted keys (what ``--params`` and ``--set`` take)."""
    lines = [
        f"# Calibrated parameters for scenario {scenario!r} (flywheel calibrate, "
        f"{datetime.now(UTC).date().isoformat()}).",
        f"# Distance {best.value:.4g} (trial {best.number}); see README.md beside this "
        "file for the targets before and after.",
        f"# Made with: {command}",
    ]
    if spec.fixed:
        fixed = " ".join(f"--set {k}={_scalar(v)}" for k, v in spec.fixed.items())
        lines.append(f"# Fitted with the fixed overrides: {fixed}")
    lines.append(f"# Use: flywheel run {scenario} --params best_params.toml")
    lines += [f"{_key(k)} = {_scalar(v)}" for k, v in best.params.items()]
    return "\n".join(lines) + "\n"


def plot(
    trials: pd.DataFrame, spec: CalibrationSpec, defaults: dict[str, Any], best: Any, path: Path
) -> Path:
    """One panel per parameter: each trial's value against its distance, the best marked,
    the scenario's default as a dotted line."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullFormatter

    n = len(spec.parameters)
    cols = min(n, 3)
    rows = -(-n // cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(4.4 * cols, 3.4 * rows), squeeze=False, sharey=True
    )
    done = trials[trials["state"] == "COMPLETE"] if len(trials) else trials
    flat = list(axes.flat)
    for ax, p in zip(flat, spec.parameters, strict=False):
        if len(done) and p.name in done:
            ax.scatter(done[p.name], done["distance"], s=18, color="C0", alpha=0.7, label="trials")
        ax.scatter(
            [best.params[p.name]],
            [best.value],
            s=70,
            marker="*",
            color="C3",
            label="best",
            zorder=3,
        )
        if isinstance(defaults.get(p.name), int | float):
            ax.axvline(defaults[p.name], color="0.4", ls=":", lw=1, label="default")
        if p.log:
            ax.set_xscale("log")
            ax.xaxis.set_minor_formatter(NullFormatter())  # no overlapping minor labels
        ax.set_xlabel(p.name + (" (log scale)" if p.log else ""), fontsize=8)
        ax.grid(alpha=0.3)
    for ax in flat[n:]:
        ax.set_visible(False)
    for row in axes:
        row[0].set_ylabel("distance (mean band error)")
    flat[0].legend(fontsize=7)
    fig.suptitle(f"calibration: {len(done)} finished trials (the defaults included)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def readme(
    study: Any,
    spec: CalibrationSpec,
    scenario: str,
    checked: Checked,
    distances: pd.DataFrame,
    best: Any,
    command: str,
) -> str:
    """Provenance: what was fitted, against what, with which code, and how to redo it."""
    import optuna

    from experiments.models.registry import package_versions, scenario_digest
    from experiments.pipeline.runner import code_version

    elapsed = float(study.user_attrs.get("elapsed_s", 0.0))
    shown = distances.copy()
    lines = [
        f"# Calibration of `{scenario}`",
        "",
        f"- command: `{command}`",
        f"- spec: `calibration.toml` (a copy of the file given); model `{spec.model}`",
        f"- scenario file sha256: `{scenario_digest(spec.model, scenario) or '-'}`",
        f"- code version: `{code_version()}`; optuna {optuna.__version__}; "
        + ", ".join(f"{k} {v}" for k, v in package_versions().items()),
        f"- search: optuna TPE, seed {spec.seed}, {spec.startup_trials} random start-up "
        f"trial(s); budget {spec.budget} trial(s) x {spec.replications} replication(s) "
        f"of {checked.steps} days (the same seeds for every candidate)",
        f"- fixed overrides: {spec.fixed or 'none'}",
        f"- run time: {elapsed:.0f} s in all sessions",
        f"- best: trial {best.number}, distance {best.value:.4g} (the scenario's defaults: "
        f"{study.user_attrs.get('baseline', {}).get('distance', float('nan')):.4g})",
        "",
        "Distance: per target the mean over replications of the error in units of the "
        "target's band (0 at the reported value, 1 at the band's edge; see "
        "`model.accounting.targets.band_error`), weighted mean over targets.",
        "",
        "## Best parameters",
        "",
        "| parameter | range | default | best |",
        "|---|---|---|---|",
    ]
    for p in spec.parameters:
        lines.append(
            f"| `{p.name}` | [{p.low:g}, {p.high:g}]{' log' if p.log else ''} | "
            f"{checked.defaults.get(p.name)} | {best.params[p.name]:.4g} |"
        )
    lines += [
        "",
        "## Targets before (defaults) and after (best)",
        "",
        "| target | band | reported | before | error | after | error |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in shown.itertuples():
        if str(row.target).startswith("("):
            lines.append(
                f"| **distance** | | | | {row.error_before:.3g} | | {row.error_after:.3g} |"
            )
            continue
        lines.append(
            f"| {row.target} | [{row.low:g}, {row.high:g}] | {row.reported} | "
            f"{row.simulated_before:.4g} | {row.error_before:.3g} | "
            f"{row.simulated_after:.4g} | {row.error_after:.3g} |"
        )
    lines += [
        "",
        "## Reproduce",
        "",
        "```sh",
        command,
        f"flywheel run {scenario} --params best_params.toml"
        + (f" --model {spec.model}" if spec.model != DEFAULT_MODEL else "")
        + "".join(f" --set {k}={_scalar(v)}" for k, v in spec.fixed.items())
        + f" --seed {spec.seed} --reps {spec.replications}"
        + (f" --steps {checked.steps}" if spec.steps else ""),
        "```",
        "",
    ]
    return "\n".join(lines)


def write_outputs(
    study: Any,
    spec: CalibrationSpec,
    spec_path: str,
    scenario: str,
    out: Path,
    checked: Checked,
    command: str,
) -> dict[str, Path]:
    """Every output file; returns them by name."""
    best = best_trial(study)
    if best is None:
        raise CalibrationError(
            "no trial has finished: nothing to write (see the warnings "
            "above; re-run the same command to continue)"
        )
    trials = trials_frame(study)
    files = {name: out / name for name in FILES}
    trials.to_csv(files["trials.csv"], index=False)
    distances = distances_frame(study, best)
    distances.to_csv(files["distances.csv"], index=False)
    files["best_params.toml"].write_text(best_params_toml(best, scenario, spec, command))
    plot(trials, spec, checked.defaults, best, files["calibration.png"])
    if Path(spec_path).resolve() != files["calibration.toml"].resolve():
        shutil.copyfile(spec_path, files["calibration.toml"])
    files["README.md"].write_text(readme(study, spec, scenario, checked, distances, best, command))
    record(out, [*files.values(), out / STUDY_FILE])
    return files


def print_summary(distances: pd.DataFrame, files: dict[str, Path]) -> None:
    """Targets before and after, on the terminal."""
    print(
        "\nTargets, scenario defaults -> best candidate (error in band units: "
        "0 = reported value, <= 1 inside the band):"
    )
    for row in distances.itertuples():
        if str(row.target).startswith("("):
            print(f"  distance: {row.error_before:.4g} -> {row.error_after:.4g}")
            continue
        print(
            f"  {row.target}: {row.simulated_before:.4g} (error {row.error_before:.3g}) -> "
            f"{row.simulated_after:.4g} (error {row.error_after:.3g})"
        )
    print(f"\nbest parameters: {files['best_params.toml']}")
    print(
        f"report: {files['README.md']}, {files['distances.csv'].name}, "
        f"{files['trials.csv'].name}, {files['calibration.png'].name}"
    )


def command_line(argv: list[str] | None = None) -> str:
    """The command as typed (for the provenance), shell-quoted."""
    args = sys.argv[1:] if argv is None else argv
    return "flywheel " + " ".join(shlex.quote(a) for a in args)
