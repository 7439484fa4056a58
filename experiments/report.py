"""Report of replicated runs of one scenario: CI tables, terminal summary and plots (Agg backend).

Plots: time series with 95% CI bands per platform (GMV share, active consumers, sellers, take rate,
CPC), seller migration flows as a from -> to chart, and the distribution of final GMV shares across
replications.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.patches import PathPatch, Rectangle  # noqa: E402
from matplotlib.path import Path as MplPath  # noqa: E402

from experiments.models import DEFAULT_MODEL  # noqa: E402
from experiments.replicate import ci_table  # noqa: E402

SERIES = [("gmv_share", "GMV share"), ("active_consumers", "Active consumers"),
          ("sellers", "Sellers"), ("take_rate", "Take rate (fees / 3P sales)"),
          ("avg_cpc", "Average CPC (USD)")]
SUMMARY_COLUMNS = ["gmv_share", "active_consumers", "sellers", "take_rate", "avg_cpc", "profit"]


def final_rows(platforms: pd.DataFrame) -> pd.DataFrame:
    """Each run's rows at its last step."""
    last = platforms.groupby("run_id")["step"].transform("max")
    return platforms[platforms["step"] == last]


def per_run_summary(platforms: pd.DataFrame, model: str | None = None) -> pd.DataFrame:
    """One row per run and platform: the model's own end-of-run summary, else the final step.

    For the real model this is :func:`experiments.runs.summary_table` (last-day state and the last
    30 days' flows); replications are then summarised with a CI per cell.
    """
    summarize = None
    if model in (None, DEFAULT_MODEL):
        try:
            from experiments.runs import summary_table as summarize
        except ImportError:
            summarize = None
    if summarize is None or not set(SUMMARY_COLUMNS) <= set(platforms.columns) | {"cpc"}:
        cols = [c for c in SUMMARY_COLUMNS if c in platforms.columns]
        return final_rows(platforms)[["run_id", "platform", *cols]]
    parts = []
    for rid, runs in platforms.groupby("run_id", sort=True):
        part = summarize(runs.drop(columns=["run_id", "point", "rep"], errors="ignore"))
        parts.append(part.rename_axis("platform").reset_index().assign(run_id=rid))
    return pd.concat(parts, ignore_index=True)


def summary_table(platforms: pd.DataFrame, model: str | None = None,
                  conf: float = 0.95) -> pd.DataFrame:
    """Per platform: mean and CI over replications of every end-of-run summary column."""
    per_run = per_run_summary(platforms, model)
    cols = [c for c in per_run.columns
            if c not in ("run_id", "platform") and pd.api.types.is_numeric_dtype(per_run[c])]
    return ci_table(per_run, ["platform"], cols, conf)


def format_summary(table: pd.DataFrame, n_reps: int, steps: int) -> str:
    """A fixed-width terminal table: one row per summary column, one column per platform."""
    cols = [c[: -len("_mean")] for c in table.columns if c.endswith("_mean")]
    ci = n_reps > 1

    def num(v: float) -> str:
        if not np.isfinite(v):
            return "-"
        a = abs(v)
        if a < 10:
            return f"{v:.3f}"
        if a < 1e4:
            return f"{v:,.0f}"
        return f"{v / 1e3:,.1f}k" if a < 1e6 else f"{v / 1e6:,.2f}M"

    def cell(row: pd.Series, c: str) -> str:
        m, lo, hi = row[f"{c}_mean"], row[f"{c}_low"], row[f"{c}_high"]
        return num(m) + (f" [{num(lo)}, {num(hi)}]" if ci else "")

    platforms = [str(p) for p in table["platform"]]
    header = ["", *platforms]
    rows = [[c, *(cell(r, c) for _, r in table.iterrows())] for c in cols]
    widths = [max(len(x) for x in col) for col in zip(header, *rows, strict=True)]
    title = (f"End of run (day {steps}), {n_reps} replication(s)"
             + (": mean [95% CI]" if ci else ""))
    lines = [title, "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def plot_timeseries(platforms: pd.DataFrame, path: Path, conf: float = 0.95) -> Path:
    """Mean and CI band over replications, one panel per metric, one line per platform."""
    cols = [c for c, _ in SERIES if c in platforms.columns]
    ts = ci_table(platforms, ["platform", "step"], cols, conf)
    fig, axes = plt.subplots(len(cols), 1, figsize=(9, 2.4 * len(cols)), sharex=True)
    axes = np.atleast_1d(axes)
    n = int(ts["n"].max()) if len(ts) else 0
    for ax, (col, label) in zip(axes, [s for s in SERIES if s[0] in cols], strict=True):
        for name, g in ts.groupby("platform", sort=True):
            line, = ax.plot(g["step"], g[f"{col}_mean"], lw=1.5, label=str(name))
            ax.fill_between(g["step"], g[f"{col}_low"], g[f"{col}_high"],
                            color=line.get_color(), alpha=0.25, lw=0)
        ax.set_ylabel(label, fontsize=9)
        ax.grid(alpha=0.3)
    axes[0].legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    axes[0].set_title(f"Mean over {n} replication(s) with {conf:.0%} CI band")
    axes[-1].set_xlabel("step (day)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def migration_matrix(migration: pd.DataFrame, n_reps: int) -> pd.DataFrame:
    """Sellers moved from -> to over the whole run, averaged over replications."""
    if migration.empty:
        return pd.DataFrame()
    m = migration.groupby(["from_platform", "to_platform"])["sellers"].sum() / max(n_reps, 1)
    return m.unstack(fill_value=0.0)


def _band(ax: plt.Axes, y0: tuple[float, float], y1: tuple[float, float], color: str) -> None:
    """A filled Bezier band from (x=0, y0) to (x=1, y1)."""
    (a0, a1), (b0, b1) = y0, y1
    verts = [(0.1, a0), (0.5, a0), (0.5, b0), (0.9, b0), (0.9, b1), (0.5, b1), (0.5, a1),
             (0.1, a1), (0.1, a0)]
    codes = [MplPath.MOVETO, *[MplPath.CURVE4] * 3, MplPath.LINETO, *[MplPath.CURVE4] * 3,
             MplPath.CLOSEPOLY]
    ax.add_patch(PathPatch(MplPath(verts, codes), fc=color, ec="none", alpha=0.45))


def plot_migration(migration: pd.DataFrame, n_reps: int, path: Path) -> Path:
    """A two-column flow chart: sources on the left, destinations on the right."""
    mat = migration_matrix(migration, n_reps)
    fig, ax = plt.subplots(figsize=(8, 5.5))
    ax.set_axis_off()
    if mat.empty or mat.to_numpy().sum() <= 0:
        ax.text(0.5, 0.5, "no seller migration recorded", ha="center", va="center")
        fig.savefig(path, dpi=110)
        plt.close(fig)
        return path
    names = sorted(set(mat.index) | set(mat.columns), key=lambda n: (str(n).startswith("("), n))
    colors = {n: plt.get_cmap("tab10")(i % 10) for i, n in enumerate(names)}
    total = mat.to_numpy().sum()
    gap = 0.03
    out_tot = mat.sum(axis=1).reindex(names, fill_value=0)
    in_tot = mat.sum(axis=0).reindex(names, fill_value=0)
    scale = (1 - gap * (len(names) - 1)) / total

    def layout(tot: pd.Series) -> dict[str, float]:
        pos, y = {}, 1.0
        for n in names:
            pos[n] = y
            y -= tot[n] * scale + (gap if tot[n] > 0 else 0)
        return pos

    left, right = layout(out_tot), layout(in_tot)
    l_cur, r_cur = dict(left), dict(right)
    for src in names:
        for dst in names:
            v = float(mat.at[src, dst]) if src in mat.index and dst in mat.columns else 0.0
            if v <= 0:
                continue
            h = v * scale
            _band(ax, (l_cur[src], l_cur[src] - h), (r_cur[dst], r_cur[dst] - h), colors[src])
            l_cur[src] -= h
            r_cur[dst] -= h
    for side, x, pos, tot, ha in ((0, 0.07, left, out_tot, "right"),
                                  (1, 0.9, right, in_tot, "left")):
        label_y = 2.0
        for n in names:
            if tot[n] <= 0:
                continue
            h = tot[n] * scale
            ax.add_patch(Rectangle((x, pos[n] - h), 0.03, h, color=colors[n]))
            label_y = min(pos[n] - h / 2, label_y - 0.075)  # keep labels apart
            tx = x - 0.01 if side == 0 else x + 0.04
            digits = 0 if float(tot[n]).is_integer() else 1
            ax.text(tx, label_y, f"{n}  {tot[n]:,.{digits}f}", ha=ha, va="center", fontsize=9)
    ax.set_xlim(-0.25, 1.25)
    ax.set_ylim(min(-0.02, label_y - 0.04), 1.02)
    ax.set_title(f"Seller migration, from (left) -> to (right): sellers per run, mean of "
                 f"{n_reps} replication(s)", fontsize=10)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return path


def plot_final_shares(platforms: pd.DataFrame, path: Path) -> Path:
    """Final GMV share of each platform across replications: box plot plus the points."""
    final = final_rows(platforms)
    names = sorted(final["platform"].unique())
    data = [final.loc[final["platform"] == n, "gmv_share"].to_numpy() for n in names]
    fig, ax = plt.subplots(figsize=(1.6 * len(names) + 3, 4))
    ax.boxplot(data, tick_labels=names, widths=0.5, showfliers=False)
    rng = np.random.default_rng(0)  # jitter only, fixed for reproducible figures
    for i, d in enumerate(data, start=1):
        ax.scatter(i + rng.uniform(-0.12, 0.12, len(d)), d, s=14, alpha=0.7, zorder=3)
    ax.set_ylabel("final GMV share")
    ax.set_title(f"Final GMV share across {final['run_id'].nunique()} replication(s)")
    ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_report(platforms: pd.DataFrame, migration: pd.DataFrame, out: Path,
                 conf: float = 0.95, model: str | None = None) -> dict[str, Path]:
    """Write CSV tables and PNG plots under ``out``; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    n_reps = int(platforms["run_id"].nunique())
    files = {
        "timeseries": plot_timeseries(platforms, out / "timeseries_ci.png", conf),
        "migration": plot_migration(migration, n_reps, out / "migration_flows.png"),
        "final_share": plot_final_shares(platforms, out / "final_share.png"),
        "summary_csv": out / "summary.csv",
        "timeseries_csv": out / "timeseries_ci.csv",
    }
    summary_table(platforms, model, conf).to_csv(files["summary_csv"], index=False)
    cols = [c for c in SUMMARY_COLUMNS if c in platforms.columns]
    ci_table(platforms, ["platform", "step"], cols, conf).to_csv(files["timeseries_csv"],
                                                                 index=False)
    mat = migration_matrix(migration, n_reps)
    if not mat.empty:
        files["migration_csv"] = out / "migration_matrix.csv"
        mat.to_csv(files["migration_csv"])
    return files
