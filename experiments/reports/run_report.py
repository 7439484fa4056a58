"""Report of replicated runs of one scenario: CI tables, terminal summary, figures, one page.

Figures (``experiments.reports.figures``): time series per platform over the scenario's calendar
with its shocks marked (GMV share, active consumers, sellers, multi-homing share, take rate, CPC,
price index; daily flows optionally smoothed; CI bands with >= 2 replications), seller moves by
type (add / switch / entry / close / exit), and final GMV shares. ``report/index.html`` holds
the story, the targets table, the summary and every figure (``experiments.reports.page``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.models.registry import DEFAULT_MODEL
from experiments.pipeline.replicate import ci_table
from experiments.reports.figures import (
    Calendar,
    plot_final_shares,
    plot_migration,
    plot_timeseries,
    with_move_types,
)
from experiments.reports.page import scenario_notes, write_index
from model.config import MarketConfig
from viz.colors import move_kind

WINS_COLUMNS = ("shopper", "sellers_", "gmv")
SUMMARY_COLUMNS = ["gmv_share", "active_consumers", "sellers", "take_rate", "avg_cpc", "profit"]


def final_rows(platforms: pd.DataFrame) -> pd.DataFrame:
    """Each run's rows at its last step."""
    last = platforms.groupby("run_id")["step"].transform("max")
    return platforms[platforms["step"] == last]


def per_run_summary(platforms: pd.DataFrame, model: str | None = None) -> pd.DataFrame:
    """One row per run and platform: the model's own end-of-run summary, else the final step.

    For the real model this is :func:`experiments.models.market.summary_table` (last-day state
    and the last 30 days' flows); replications are then summarised with a CI per cell.
    """
    summarize = None
    if model in (None, DEFAULT_MODEL):
        try:
            from experiments.models.market import summary_table as summarize
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


def migration_matrix(migration: pd.DataFrame, n_reps: int) -> pd.DataFrame:
    """Sellers moved from -> to by type of move over the whole run, mean per replication."""
    if migration.empty:
        return pd.DataFrame()
    migration = with_move_types(migration)
    kinds = migration["move"].map(move_kind).rename("move_type")
    m = migration.groupby([kinds, "from_platform", "to_platform"])["sellers"].sum()
    return (m / max(n_reps, 1)).rename("sellers_per_run").reset_index()


def calendar_for(platforms: pd.DataFrame, events: pd.DataFrame | None,
                 config: MarketConfig | None) -> Calendar:
    """The scenario's dates, launch days and the shocks of the first run."""
    calendar = Calendar()
    if config is not None:
        calendar.start_date = config.start_date
        calendar.launch_days = {p.name: p.launch_day for p in config.platforms}
    if events is not None and not events.empty:
        first = events[events["run_id"] == events["run_id"].min()] if "run_id" in events \
            else events
        calendar.events = [(int(d), str(t)) for d, t in zip(first["step"], first["event"],
                                                              strict=True)]
    return calendar


def shock_list(calendar: Calendar) -> list[tuple[str, str]]:
    """(when, what) per shock day: date and day when the scenario has a calendar."""
    rows = []
    for day, text in calendar.shocks():
        date = calendar.x(np.array([day]))[0] if calendar.start_date else None
        when = (f"{pd.Timestamp(date):%d %b %Y} (day {day})" if date is not None
                else f"day {day}")
        rows.append((when, text))
    return rows


def wins_table(wins: pd.DataFrame | None) -> pd.DataFrame:
    """What each platform wins (``model.outcomes.wins_frame``), averaged over runs: one row
    per platform; shoppers, stores by seller kind, share of each category's GMV."""
    if wins is None or wins.empty or "platform" not in wins:
        return pd.DataFrame()
    order = list(dict.fromkeys(wins["platform"]))
    numeric = [c for c in wins.columns if c.startswith(WINS_COLUMNS)
               and pd.api.types.is_numeric_dtype(wins[c])]   # not run ids or parameters
    table = wins.groupby("platform", sort=False)[numeric].mean().reindex(order)
    return table.reset_index()


def format_wins(table: pd.DataFrame) -> str:
    """The wins table for the terminal, one column per platform."""
    shown = table.set_index("platform").T
    return "What each platform wins (end of run; GMV shares since day 1):\n" + shown.to_string(
        float_format=lambda v: f"{v:,.0f}" if abs(v) >= 100 or v == round(v) else f"{v:.3f}")


def write_report(platforms: pd.DataFrame, migration: pd.DataFrame, out: Path,
                 conf: float = 0.95, model: str | None = None, *,
                 events: pd.DataFrame | None = None, config: MarketConfig | None = None,
                 targets: pd.DataFrame | None = None, rolling: int = 7,
                 scenario_file: Path | None = None,
                 wins: pd.DataFrame | None = None) -> dict[str, Path]:
    """Write CSV tables, PNG figures and ``index.html`` under ``out``; return the files.

    ``config`` (the scenario's configuration) dates the time axes and blanks platforms before
    their launch; ``events`` (the runs' shocks) marks them; ``targets`` (the sources' figures
    against the runs) and the scenario file's opening comment go into ``index.html``;
    ``rolling`` smooths the daily flows over that many days (0 or 1: raw); ``wins`` (the
    runs' ``wins`` tables) becomes ``wins.csv`` and the page's "what each platform wins".
    """
    if rolling < 0:
        raise ValueError(f"rolling = {rolling}: expected a number of days >= 0")
    out.mkdir(parents=True, exist_ok=True)
    n_reps = int(platforms["run_id"].nunique())
    calendar = calendar_for(platforms, events, config)
    names = list(dict.fromkeys(platforms["platform"]))
    files = {
        "timeseries": plot_timeseries(platforms, out / "timeseries_ci.png", calendar, conf,
                                      rolling),
        "migration": plot_migration(migration, n_reps, out / "migration_flows.png", names),
        "final_share": plot_final_shares(final_rows(platforms), out / "final_share.png"),
        "summary_csv": out / "summary.csv",
        "timeseries_csv": out / "timeseries_ci.csv",
    }
    summary = summary_table(platforms, model, conf)
    summary.to_csv(files["summary_csv"], index=False)
    cols = [c for c in SUMMARY_COLUMNS if c in platforms.columns]
    ci_table(platforms, ["platform", "step"], cols, conf).to_csv(files["timeseries_csv"],
                                                                 index=False)
    mat = migration_matrix(migration, n_reps)
    if not mat.empty:
        files["migration_csv"] = out / "migration_matrix.csv"
        mat.to_csv(files["migration_csv"], index=False)
    won = wins_table(wins)
    if not won.empty:
        files["wins_csv"] = out / "wins.csv"
        won.to_csv(files["wins_csv"], index=False)
    figures = {
        "timeseries": (files["timeseries"], "Over time: shares, shoppers, sellers, "
                                            "multi-homing, fees, ad prices and prices"),
        "migration": (files["migration"], "Seller migration by type of move"),
        "final_share": (files["final_share"], "Final GMV share"),
    }
    name = config.name if config is not None else "report"
    story = config.story if config is not None else ""
    span = (f"; day 1 = {config.start_date}" if config is not None and config.start_date
            else "")
    meta = (f"{n_reps} replication{'s' if n_reps != 1 else ''}, "
            f"{int(platforms['step'].max())} days{span}")
    files["index"] = write_index(out, title=f"Flywheel report: {name}", story=story,
                                 notes=scenario_notes(scenario_file), meta=meta,
                                 figures=figures,
                                 targets=targets if targets is not None else pd.DataFrame(),
                                 summary=summary_for_page(summary, n_reps),
                                 shocks=shock_list(calendar), wins=won)
    return files


def summary_for_page(summary: pd.DataFrame, n_reps: int) -> pd.DataFrame:
    """The summary's means (and CIs with >= 2 replications) as columns for the page."""
    keep = ["platform"] + [c for c in summary.columns
                           if c.endswith("_mean") or (n_reps >= 2 and c.endswith(("_low",
                                                                                   "_high")))]
    return summary[[c for c in keep if c in summary.columns]]
