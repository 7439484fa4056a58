"""The report's figures (Matplotlib, Agg): time series, seller moves by type, final shares.

Every figure colours a platform as the dashboard does (``viz.colors``), dates its time axis
from the scenario's calendar when it has one, and marks the scenario's shocks. Confidence bands
and box plots appear only with two or more replications; with one the figure says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from experiments.pipeline.replicate import ci_table  # noqa: E402
from model.accounting.metrics import over_days_with_values  # noqa: E402
from viz.colors import MOVE_COLORS, move_kind, platform_colors  # noqa: E402

SERIES = [("gmv_share", "GMV share"), ("active_consumers", "Active consumers"),
          ("sellers", "Sellers (stores)"), ("multihoming_share", "Multi-homing share\nof sellers"),
          ("take_rate", "Take rate\n(fees / 3P sales)"), ("avg_cpc", "Average CPC (USD)"),
          ("price_index", "Price index\n(vs reference price)")]
DAILY_FLOWS = ("gmv_share", "take_rate", "avg_cpc", "price_index")  # smoothed by rolling
SHARES = ("gmv_share", "multihoming_share", "take_rate")
LINE_STYLES = ("-", "--", "-.", ":")  # lines that coincide stay visible
GAINS = ("entry", "add", "switch in")
LOSSES = ("switch out", "close", "exit")


@dataclass
class Calendar:
    """The scenario's dates, launches and shocks, as the figures need them."""

    start_date: str = ""
    launch_days: dict[str, int] = field(default_factory=dict)
    events: list[tuple[int, str]] = field(default_factory=list)

    def x(self, steps: np.ndarray) -> np.ndarray:
        """Days as calendar dates (numpy datetime64) or unchanged without a calendar."""
        if not self.start_date:
            return np.asarray(steps)
        start = np.datetime64(self.start_date, "D") - np.timedelta64(1, "D")
        return start + np.asarray(steps).astype("int64").astype("timedelta64[D]")

    def shocks(self) -> list[tuple[int, str]]:
        """(day, every shock of that day) in day order."""
        by_day: dict[int, list[str]] = {}
        for day, text in self.events:
            by_day.setdefault(int(day), []).append(str(text))
        return [(d, "; ".join(t)) for d, t in sorted(by_day.items())]


def with_derived(platforms: pd.DataFrame, calendar: Calendar, rolling: int) -> pd.DataFrame:
    """Add the multi-homing share; blank a platform before its launch; smooth daily flows
    (each day: the mean over the last ``rolling`` days that have a value)."""
    frame = platforms.copy()
    if {"multihoming_sellers", "sellers"} <= set(frame.columns):
        stores = frame["sellers"].where(frame["sellers"] > 0)
        frame["multihoming_share"] = frame["multihoming_sellers"] / stores
    opens = frame["platform"].map(calendar.launch_days).fillna(0).to_numpy()
    measures = [c for c, _ in SERIES if c in frame.columns]
    frame.loc[frame["step"].to_numpy() < opens, measures] = np.nan
    if rolling > 1:
        keys = [k for k in ("run_id", "platform") if k in frame.columns]
        frame = frame.sort_values([*keys, "step"])
        for column in [c for c in DAILY_FLOWS if c in frame.columns]:
            frame[column] = frame.groupby(keys)[column].transform(
                lambda s: s.rolling(rolling, min_periods=1).apply(over_days_with_values,
                                                                  raw=True))
    return frame


def mark_shocks(axes, calendar: Calendar) -> list[tuple[int, int, str]]:
    """Dashed lines at each shock day on every panel, numbered on the top one."""
    numbered = [(i, d, t) for i, (d, t) in enumerate(calendar.shocks(), start=1)]
    for number, day, _ in numbered:
        x = calendar.x(np.array([day]))[0]
        for ax in axes:
            ax.axvline(x, color="#666", lw=0.8, ls=(0, (3, 3)), zorder=1)
        axes[0].annotate(str(number), (x, 1.0), xycoords=("data", "axes fraction"),
                         xytext=(0, 2), textcoords="offset points", ha="center", va="bottom",
                         fontsize=7, color="#333")
    return numbered


def plot_timeseries(platforms: pd.DataFrame, path: Path, calendar: Calendar | None = None,
                    conf: float = 0.95, rolling: int = 7) -> Path:
    """Mean per platform over replications (CI band with >= 2), one panel per measure."""
    calendar = calendar or Calendar()
    frame = with_derived(platforms, calendar, rolling)
    cols = [c for c, _ in SERIES if c in frame.columns]
    ts = ci_table(frame, ["platform", "step"], cols, conf)
    n = int(ts["n"].max()) if len(ts) else 0
    names = list(dict.fromkeys(platforms["platform"]))
    colors = platform_colors(names)
    fig, axes = plt.subplots(len(cols), 1, figsize=(10, 1.9 * len(cols) + 1.2), sharex=True)
    axes = np.atleast_1d(axes)
    for ax, (col, label) in zip(axes, [s for s in SERIES if s[0] in cols], strict=True):
        for i, name in enumerate(names):
            g = ts[ts["platform"] == name].sort_values("step")
            x = calendar.x(g["step"].to_numpy())
            ax.plot(x, g[f"{col}_mean"], lw=1.6, color=colors[name],
                    ls=LINE_STYLES[i % len(LINE_STYLES)], label=str(name))
            if n >= 2:  # every measure is >= 0, shares <= 1: a band never claims otherwise
                top = 1.0 if col in SHARES else np.inf
                ax.fill_between(x, g[f"{col}_low"].clip(0, top), g[f"{col}_high"].clip(0, top),
                                color=colors[name], alpha=0.2, lw=0)
        ax.set_ylabel(label, fontsize=8)
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
    numbered = mark_shocks(axes, calendar)
    if calendar.start_date:
        axes[-1].xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    else:
        axes[-1].set_xlabel("day")
    axes[0].legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    smooth = f"; daily flows as {rolling}-day rolling means" if rolling > 1 else ""
    band = f"mean of {n} replications with {conf:.0%} CI band" if n >= 2 else "1 replication"
    axes[0].set_title(f"Per platform over time: {band}{smooth}", fontsize=10, pad=12)
    if numbered:
        notes = "; ".join(f"{k}: {_short(t)}" for k, _, t in numbered[:10])
        more = f" (+{len(numbered) - 10} more)" if len(numbered) > 10 else ""
        fig.text(0.01, 0.005, "Shocks — " + notes + more, fontsize=7, wrap=True,
                 va="bottom")
    fig.tight_layout(rect=(0, 0.04 if numbered else 0, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _short(text: str, limit: int = 70) -> str:
    """A shock's text cut to ``limit`` characters, with "$" kept literal (no math mode)."""
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return text.replace("$", r"\$")


def with_move_types(migration: pd.DataFrame) -> pd.DataFrame:
    """The moves with a ``move`` column; a table without one (a model that records only
    from -> to) counts every move as a switch."""
    return migration if "move" in migration.columns else migration.assign(move="switch")


def move_balance(migration: pd.DataFrame, n_reps: int) -> pd.DataFrame:
    """Stores gained and lost per platform by type of move, per replication (mean).

    Columns: entry, add, switch in (gains); switch out, close, exit (losses). An *add* is a
    gain for the platform added and no loss for the seller's first platform.
    """
    columns = [*GAINS, *LOSSES]
    if migration.empty:
        return pd.DataFrame(columns=columns, dtype=float)
    migration = with_move_types(migration)
    kinds = migration["move"].map(move_kind)
    src, dst, n = migration["from_platform"], migration["to_platform"], migration["sellers"]
    real_src, real_dst = ~src.str.startswith("("), ~dst.str.startswith("(")
    parts = [
        pd.DataFrame({"platform": dst, "type": kinds.where(kinds != "switch", "switch in"),
                      "n": n})[real_dst & kinds.isin(["entry", "add", "switch"])],
        pd.DataFrame({"platform": src, "type": kinds.where(kinds != "switch", "switch out"),
                      "n": n})[real_src & kinds.isin(["switch", "close", "exit"])],
    ]
    long = pd.concat(parts, ignore_index=True)
    table = long.pivot_table(index="platform", columns="type", values="n", aggfunc="sum",
                             fill_value=0) / max(n_reps, 1)
    return table.reindex(columns=columns, fill_value=0.0)


def flow_matrix(migration: pd.DataFrame, kind: str, n_reps: int) -> pd.DataFrame:
    """Sellers moving from -> to platform by one type of move (add or switch), per run."""
    if migration.empty:
        return pd.DataFrame()
    migration = with_move_types(migration)
    rows = migration[migration["move"].map(move_kind) == kind]
    rows = rows[~rows["from_platform"].str.startswith("(")
                & ~rows["to_platform"].str.startswith("(")]
    if rows.empty:
        return pd.DataFrame()
    return (rows.groupby(["from_platform", "to_platform"])["sellers"].sum()
            / max(n_reps, 1)).unstack(fill_value=0.0)


def plot_migration(migration: pd.DataFrame, n_reps: int, path: Path,
                   names: list[str] | None = None) -> Path:
    """Stores gained (right) and lost (left) per platform by type of move, and the add and
    switch moves as from -> to matrices."""
    balance = move_balance(migration, n_reps)
    names = names or sorted(balance.index)
    balance = balance.reindex([n for n in names if n in balance.index or not balance.empty],
                              fill_value=0.0)
    fig, axes = plt.subplots(1, 3, figsize=(15, 0.55 * max(len(names), 3) + 2.4),
                             gridspec_kw={"width_ratios": [2.2, 1, 1]})
    ax = axes[0]
    y = np.arange(len(balance))
    for side, types in ((1, GAINS), (-1, LOSSES)):
        left = np.zeros(len(balance))
        for kind in types:
            values = balance[kind].to_numpy() if len(balance) else np.zeros(0)
            base = kind.split()[0]
            ax.barh(y, side * values, left=side * left, color=MOVE_COLORS[base],
                    alpha=1.0 if side > 0 else 0.55, edgecolor="white", label=kind)
            left += values
    ax.axvline(0, color="#333", lw=0.8)
    ax.set_yticks(y, [str(n) for n in balance.index])
    ax.invert_yaxis()
    ax.set_xlabel("stores per run: lost (left) | gained (right)")
    ax.legend(fontsize=8, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.14),
              frameon=False)
    reps = f"mean of {n_reps} replications" if n_reps >= 2 else "1 replication"
    ax.set_title(f"Stores gained and lost by type of move ({reps})", fontsize=10)
    for ax, kind, note in ((axes[1], "add", "seller keeps its first store"),
                           (axes[2], "switch", "seller leaves the first platform")):
        _matrix(ax, flow_matrix(migration, kind, n_reps), names, f"{kind}: {note}")
    fig.tight_layout()
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return path


def _matrix(ax, matrix: pd.DataFrame, names: list[str], title: str) -> None:
    """A from (rows) -> to (columns) heat map with the counts written in."""
    shown = matrix.reindex(index=names, columns=names, fill_value=0.0) if len(matrix) else \
        pd.DataFrame(0.0, index=names, columns=names)
    values = shown.to_numpy(dtype=float)
    ax.imshow(values, cmap="Greens" if title.startswith("add") else "Reds",
              vmin=0, vmax=max(values.max(), 1.0))
    for (i, j), v in np.ndenumerate(values):
        if i != j:
            ax.text(j, i, f"{v:,.0f}" if v >= 1 or v == 0 else f"{v:.1f}", ha="center",
                    va="center", fontsize=8, color="black" if v < values.max() / 2 else "white")
    ax.set_xticks(range(len(names)), names, rotation=40, ha="right", fontsize=8)
    ax.set_yticks(range(len(names)), names, fontsize=8)
    ax.set_xlabel("to")
    ax.set_ylabel("from")
    ax.set_title(title, fontsize=10)


def plot_final_shares(final: pd.DataFrame, path: Path) -> Path:
    """Final GMV share per platform: box plot and points with >= 2 replications, else bars."""
    names = list(dict.fromkeys(final["platform"]))
    colors = platform_colors(names)
    data = [final.loc[final["platform"] == n, "gmv_share"].to_numpy() for n in names]
    n_runs = final["run_id"].nunique() if "run_id" in final else 1
    fig, ax = plt.subplots(figsize=(1.6 * len(names) + 3, 4))
    if n_runs >= 2:
        ax.boxplot(data, tick_labels=names, widths=0.5, showfliers=False)
        rng = np.random.default_rng(0)  # jitter only, fixed for reproducible figures
        for i, (name, d) in enumerate(zip(names, data, strict=True), start=1):
            ax.scatter(i + rng.uniform(-0.12, 0.12, len(d)), d, s=14, alpha=0.8, zorder=3,
                       color=colors[name])
        ax.set_title(f"Final GMV share across {n_runs} replications")
    else:
        ax.bar(names, [float(d.mean()) if len(d) else 0.0 for d in data],
               color=[colors[n] for n in names])
        ax.set_title("Final GMV share (1 replication: no spread to show)")
    ax.set_ylabel("final GMV share")
    ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
