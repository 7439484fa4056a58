"""Sensitivity analysis of a finished sweep directory (``flywheel analyze DIR``).

Each design point's output is the mean of a metric over its replications (common seeds across
points). Sobol' designs give first-order and total indices (S1, ST, optionally S2) and Morris
designs give mu*, mu and sigma, both from SALib with bootstrap confidence intervals. Grids and Latin
hypercubes give Spearman rank correlations with bootstrap intervals and scatter plots.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
from SALib.analyze import morris as morris_analyze  # noqa: E402
from SALib.analyze import sobol as sobol_analyze  # noqa: E402
from scipy import stats  # noqa: E402

from experiments.storage.folders import record  # noqa: E402
from experiments.storage.store import PLAN, intact, read_manifest_records  # noqa: E402
from experiments.sweeps.designs import salib_problem  # noqa: E402
from experiments.sweeps.metrics import compute_metrics  # noqa: E402
from experiments.sweeps.spec import MetricSpec, ParamSpec  # noqa: E402
from model.accounting.metrics import RATIO_METRICS  # noqa: E402


class AnalysisError(ValueError):
    """The directory cannot be analysed (not a sweep, or runs missing for the design)."""


@dataclass
class SweepResults:
    """A sweep's plan and one row per done run with its metric values."""

    plan: dict[str, Any]
    spec: dict[str, Any]
    metrics: list[MetricSpec]
    params: list[ParamSpec]
    runs: pd.DataFrame
    failed: list[str]


def load_results(root: str | Path, notes: list[str] | None = None) -> SweepResults:
    """Read plan.json and the manifest; recompute from Parquet any metric a run lacks or
    has as NaN (a run recorded before days without a value were left out, perhaps).

    Garbled manifest lines, runs whose metrics come from the manifest alone (their Parquet
    files are gone) and runs that cannot be read at all are reported in ``notes``.
    """
    root = Path(root)
    notes = [] if notes is None else notes
    if not (root / PLAN).exists():
        raise AnalysisError(f"{root} has no {PLAN}: not a sweep output directory")
    try:
        plan = json.loads((root / PLAN).read_text())
        spec = plan.get("meta", {}).get("spec")
    except (json.JSONDecodeError, UnicodeDecodeError, AttributeError) as exc:
        raise AnalysisError(f"{root / PLAN}: cannot be read ({exc})") from exc
    if plan.get("kind") != "sweep" or not spec:
        raise AnalysisError(f"{root} holds replications of one scenario, not a sweep")
    metrics = [MetricSpec(**m) for m in spec["metrics"]]
    params = [ParamSpec(**{**p, "values": None if p["values"] is None else tuple(p["values"])})
              for p in spec["parameters"]]
    rows, failed, from_manifest, recomputed = [], [], [], []
    records = {r["run_id"]: r for r in read_manifest_records(root, notes)}
    for rid, rec in sorted(records.items()):
        if rec.get("status") != "done":
            failed.append(rid)
            continue
        values = dict(rec.get("metrics") or {})
        readable = intact(root / "runs" / rid, rec.get("rows"))
        if not readable:
            from_manifest.append(rid)
        missing = [m for m in metrics if m.name not in values]
        if missing and not readable:
            notes.append(f"run {rid}: metrics {[m.name for m in missing]} are not in the "
                         "manifest and its Parquet files cannot be read; run left out")
            continue
        undefined = [m for m in metrics if m.name in values and _undefined(values[m.name])]
        if readable and (missing or undefined):  # undefined: stored under an earlier rule?
            frames = {p.stem: pq.read_table(p).to_pandas() for p in (root / "runs" / rid).glob(
                "*.parquet")}
            values.update(compute_metrics(frames, missing + undefined))
            if any(not _undefined(values[m.name]) for m in undefined):
                recomputed.append(rid)
        rows.append({"run_id": rid, "point": rec["point"], "rep": rec["rep"], **values})
    if recomputed:
        notes.append(f"{len(recomputed)} run(s) ({', '.join(recomputed[:3])}"
                     f"{', ...' if len(recomputed) > 3 else ''}) have metrics that are NaN in "
                     "the manifest but have a value by the current rule (days without a value "
                     "are left out): recomputed from their Parquet files")
    if from_manifest:
        notes.append(f"{len(from_manifest)} run(s) ({', '.join(from_manifest[:3])}"
                     f"{', ...' if len(from_manifest) > 3 else ''}) have no readable Parquet "
                     f"files under {root / 'runs'}: their metrics come from the manifest")
    return SweepResults(plan, spec, metrics, params, pd.DataFrame(rows), failed)


def point_means(res: SweepResults, metric: str) -> pd.DataFrame:
    """Per design point: mean of the metric over replications and the number of replications."""
    n_points = len(res.plan["points"])
    if res.runs.empty:
        g = pd.DataFrame({"mean": np.nan, "n": 0}, index=range(n_points))
    else:
        g = res.runs.groupby("point")[metric].agg(["mean", "count"]).rename(columns={"count": "n"})
        g = g.reindex(range(n_points))
    g.index.name = "point"
    return g


def _undefined(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def _no_valued_day(res: SweepResults, metric: str, points: list[int]) -> str:
    """Why a metric is undefined at design points whose runs all finished."""
    spec = next(m for m in res.metrics if m.name == metric)
    window = f"its last {spec.last_steps} days" if spec.last_steps else "the run"
    lacking = RATIO_METRICS.get(spec.column)
    why = (f"{spec.column} has no value on a day with {lacking}" if lacking
           else f"{spec.column} is NaN on every day")
    return (f"metric {metric!r}: {len(points)} of {len(res.plan['points'])} design points "
            f"(e.g. points {points[:5]}) have finished runs but no day with a value in "
            f"{window} ({why}); {res.spec['design']} analysis needs a value at every point: "
            "widen the window (last_steps, steps) or choose a metric every run defines")


def _complete_y(res: SweepResults, metric: str) -> np.ndarray:
    pm = point_means(res, metric)
    undefined = pm["mean"].isna()
    finished = (res.runs.groupby("point").size().reindex(pm.index, fill_value=0) > 0
                if not res.runs.empty else pd.Series(False, index=pm.index))
    missing = pm.index[undefined & ~finished].tolist()
    if missing:
        raise AnalysisError(
            f"metric {metric!r}: {len(missing)} of {len(pm)} design points have no finished run "
            f"(e.g. points {missing[:5]}; failed runs {res.failed[:5]}); {res.spec['design']} "
            "analysis needs every point: resume the sweep or fix the failures")
    empty = pm.index[undefined & finished].tolist()
    if empty:
        raise AnalysisError(_no_valued_day(res, metric, empty))
    return pm["mean"].to_numpy(dtype=float)


def _sobol(res: SweepResults, metric: str) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    problem = salib_problem(res.params)
    s = res.spec
    si = sobol_analyze.analyze(problem, _complete_y(res, metric),
                               calc_second_order=s["second_order"], num_resamples=s["resamples"],
                               conf_level=s["conf_level"], seed=s["seed"])
    table = pd.DataFrame({k: si[k] for k in ("S1", "S1_conf", "ST", "ST_conf")},
                         index=pd.Index(problem["names"], name="parameter"))
    table = flag_unconverged(table, int(s["samples"]))
    s2 = None
    if s["second_order"]:
        s2 = pd.DataFrame(si["S2"], index=problem["names"], columns=problem["names"])
    return table, s2


NEGLIGIBLE_INDEX = 0.05  # an index whose whole CI lies below this is read as "no effect"
TARGET_HALF_WIDTH = 0.05  # CI half-width at which an index is precise enough to rank


def flag_unconverged(table: pd.DataFrame, samples: int) -> pd.DataFrame:
    """Add ``converged`` and ``note`` to a Sobol' table: an index has not converged when S1 is
    below 0 beyond its CI, ST is above 1, or a CI is wider than its (non-negligible) index
    and than ±0.05.
    The note gives the base sample size N that would bring every CI to about ±0.05 (CIs
    shrink as 1/sqrt(N); Sobol' designs want a power of 2).

    >>> t = pd.DataFrame({"S1": [0.5, -0.3], "S1_conf": [0.02, 0.1], "ST": [0.6, 1.2],
    ...                   "ST_conf": [0.03, 0.4]}, index=["a", "b"])
    >>> flag_unconverged(t, 32)["converged"].tolist()
    [True, False]
    """
    table = table.copy()
    notes = []
    for _, row in table.iterrows():
        problems = []
        if row["S1"] + row["S1_conf"] < 0:
            problems.append("S1 < 0 beyond its CI")
        if row["ST"] > 1:
            problems.append("ST > 1")
        for name in ("S1", "ST"):
            value, conf = abs(row[name]), row[f"{name}_conf"]
            if conf > max(value, TARGET_HALF_WIDTH) and value + conf >= NEGLIGIBLE_INDEX:
                problems.append(f"{name} CI wider than the index")
        if problems:
            widest = max(row["S1_conf"], row["ST_conf"])
            needed = samples * (widest / TARGET_HALF_WIDTH) ** 2
            power = 2 ** int(np.ceil(np.log2(max(needed, samples + 1))))
            problems.append(f"CI ±{widest:.2g} at N = {samples}: N ≈ {power} for ±0.05")
        notes.append("; ".join(problems))
    table["converged"] = [not n for n in notes]
    table["note"] = notes
    return table


def _morris(res: SweepResults, metric: str) -> pd.DataFrame:
    problem = salib_problem(res.params)
    s = res.spec
    x = np.asarray(res.plan["design_matrix"], dtype=float)
    si = morris_analyze.analyze(problem, x, _complete_y(res, metric),
                                num_resamples=s["resamples"], conf_level=s["conf_level"],
                                num_levels=s["levels"], seed=s["seed"])
    return pd.DataFrame({k: np.asarray(si[k], dtype=float)
                         for k in ("mu", "mu_star", "sigma", "mu_star_conf")},
                        index=pd.Index(problem["names"], name="parameter"))


def _spearman(res: SweepResults, metric: str) -> pd.DataFrame:
    pm = point_means(res, metric)
    ok = pm["mean"].notna().to_numpy()
    y = pm["mean"].to_numpy(dtype=float)[ok]
    pts = pd.DataFrame(res.plan["points"]).iloc[ok]
    rng = np.random.default_rng(res.spec["seed"])
    alpha = 1 - res.spec["conf_level"]
    boot_idx = rng.integers(0, len(y), size=(res.spec["resamples"], len(y)))
    rows = {}
    for p in res.params:
        x = pd.to_numeric(pts[p.name], errors="coerce").to_numpy(dtype=float)
        rho = float(stats.spearmanr(x, y).statistic) if np.ptp(x) > 0 else float("nan")
        boots = [stats.spearmanr(x[i], y[i]).statistic for i in boot_idx if np.ptp(x[i]) > 0]
        lo, hi = (np.nanquantile(boots, [alpha / 2, 1 - alpha / 2]) if boots
                  else (np.nan, np.nan))
        rows[p.name] = {"spearman": rho, "low": float(lo), "high": float(hi)}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("parameter")


def _short(name: str) -> str:
    """A parameter label for plots: the dotted key without the ``platforms.`` prefix."""
    return name.removeprefix("platforms.")


def _plot_indices(design: str, tables: dict[str, pd.DataFrame], path: Path) -> None:
    n = len(tables)
    fig, axes = plt.subplots(1, n, figsize=(max(5, 4.5 * n), 4), squeeze=False)
    for ax, (metric, t) in zip(axes[0], tables.items(), strict=True):
        pos = np.arange(len(t))
        if design == "sobol":
            ax.bar(pos - 0.2, t["S1"], 0.4, yerr=t["S1_conf"], capsize=3, label="S1 (first order)")
            ax.bar(pos + 0.2, t["ST"], 0.4, yerr=t["ST_conf"], capsize=3, label="ST (total)")
            ax.set_ylabel("Sobol' index")
        elif design == "morris":
            ax.errorbar(t["mu_star"], t["sigma"], xerr=t["mu_star_conf"], fmt="o", capsize=3)
            for name, r in t.iterrows():
                ax.annotate(_short(str(name)), (r["mu_star"], r["sigma"]), fontsize=7,
                            xytext=(3, 3), textcoords="offset points")
            ax.set_xlim(left=0)
            ax.grid(alpha=0.3, axis="x")
            ax.set_xlabel("mu* (mean |elementary effect|)")
            ax.set_ylabel("sigma (interactions / nonlinearity)")
        else:
            err = np.vstack([t["spearman"] - t["low"], t["high"] - t["spearman"]])
            ax.bar(pos, t["spearman"], 0.6, yerr=np.nan_to_num(err), capsize=3)
            ax.axhline(0, color="k", lw=0.6)
            ax.set_ylabel("Spearman rank correlation")
        if design != "morris":
            ax.set_xticks(pos, [_short(str(i)) for i in t.index], rotation=30, ha="right",
                          fontsize=8)
        ax.set_title(metric, fontsize=10)
        ax.grid(alpha=0.3, axis="y")
    if design == "sobol":
        axes[0][0].legend(fontsize=8)
    conf = "bootstrap CI" if design != "morris" else "bootstrap CI on mu*"
    fig.suptitle(f"{design} sensitivity ({conf})", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _plot_scatter(res: SweepResults, path: Path) -> None:
    names = [m.name for m in res.metrics]
    fig, axes = plt.subplots(len(names), len(res.params), squeeze=False,
                             figsize=(3.2 * len(res.params), 2.8 * len(names)))
    pts = pd.DataFrame(res.plan["points"])
    for i, metric in enumerate(names):
        y = point_means(res, metric)["mean"].to_numpy(dtype=float)
        for j, p in enumerate(res.params):
            ax = axes[i][j]
            ax.scatter(pts[p.name], y, s=10, alpha=0.6)
            if i == len(names) - 1:
                ax.set_xlabel(_short(p.name), fontsize=8)
            if j == 0:
                ax.set_ylabel(metric, fontsize=8)
            ax.grid(alpha=0.3)
    fig.suptitle("Design points: metric (mean over replications) vs parameter", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def analyze(root: str | Path, out: str | Path | None = None,
            notes: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """Compute indices for every metric, write CSVs and plots under ``out`` (root/analysis);
    problems met while reading go to ``notes``."""
    res = load_results(root, notes)
    out = Path(out) if out else Path(root) / "analysis"
    out.mkdir(parents=True, exist_ok=True)
    design = res.spec["design"]
    tables: dict[str, pd.DataFrame] = {}
    written = [out / f"indices_{m.name}.csv" for m in res.metrics]
    written += [out / "point_means.csv", out / f"{design}_indices.png", out / "scatter.png"]
    record(Path(root), written)
    for m in res.metrics:
        if design == "sobol":
            tables[m.name], s2 = _sobol(res, m.name)
            if s2 is not None:
                record(Path(root), [out / f"sobol_S2_{m.name}.csv"])
                s2.to_csv(out / f"sobol_S2_{m.name}.csv")
        elif design == "morris":
            tables[m.name] = _morris(res, m.name)
        else:
            tables[m.name] = _spearman(res, m.name)
        tables[m.name].to_csv(out / f"indices_{m.name}.csv")
    means = pd.concat({m.name: point_means(res, m.name) for m in res.metrics}, axis=1)
    means.columns = [f"{a}_{b}" for a, b in means.columns]
    pd.concat([pd.DataFrame(res.plan["points"]), means.reset_index(drop=True)],
              axis=1).to_csv(out / "point_means.csv", index_label="point")
    _plot_indices(design, tables, out / f"{design}_indices.png")
    if len(res.plan["points"]) <= 5000:
        _plot_scatter(res, out / "scatter.png")
    return tables
