"""Text panel: the day, the market leader, concentration (HHI) and what changed since the
previous day (shocks that fired, a new leader, seller moves, the largest share shift), followed
by the settings this run was built with.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd
import solara

from viz.data import Frames, day_date, frames
from viz.model import money
from viz.refresh import use_refresh

RECENT_EVENTS = 3


def hhi_label(hhi: float) -> str:
    """Reading of an HHI (0–10,000) by the usual antitrust thresholds."""
    if hhi < 1500:
        return "unconcentrated"
    if hhi < 2500:
        return "moderately concentrated"
    return "highly concentrated"


@dataclass
class Status:
    """What the panel says, as data (the component renders it as HTML)."""

    day: int
    date: str = ""
    leader: str | None = None
    leader_share: float = 0.0
    hhi: float | None = None
    changes: list[str] = field(default_factory=list)
    recent_events: list[tuple[int, str]] = field(default_factory=list)
    settings: str = ""


def _day_rows(platform_frame: pd.DataFrame, day: int) -> pd.DataFrame:
    return platform_frame[platform_frame["step"] == day]


def describe_changes(f: Frames, event_log: list[tuple[int, str]]) -> list[str]:
    """Plain-language list of what happened on the latest day."""
    day = f.day
    changes = [text for when, text in event_log if when == day]
    today, yesterday = _day_rows(f.platforms, day), _day_rows(f.platforms, day - 1)
    if not today.empty and not yesterday.empty:
        lead_now = today.loc[today["gmv_share"].idxmax(), "platform"]
        lead_before = yesterday.loc[yesterday["gmv_share"].idxmax(), "platform"]
        if lead_now != lead_before and today["gmv_share"].max() > 0:
            changes.append(f"new market leader: {lead_now} (was {lead_before})")
        shift = (today.set_index("platform")["gmv_share"]
                 - yesterday.set_index("platform")["gmv_share"])
        if not shift.empty and shift.abs().max() >= 0.005:
            name = shift.abs().idxmax()
            changes.append(f"largest GMV-share move: {name} {100 * shift[name]:+.1f} pp")
    moves = f.migrations
    if not moves.empty:
        moved = moves[moves["step"] == day]
        if not moved.empty:
            top = (moved.groupby(["from_platform", "to_platform"])["sellers"].sum()
                   .sort_values(ascending=False))
            parts = [f"{a} → {b} {int(n):,}" for (a, b), n in top.head(3).items()]
            changes.append(f"{int(moved['sellers'].sum()):,} seller moves ("
                           + ", ".join(parts) + ("…" if len(top) > 3 else "") + ")")
    return changes


def settings_line(model) -> str:
    """The run's key settings: sizes, consumer behaviour, each platform's fee and subsidy."""
    cfg = model.config
    fees = ", ".join(f"{p.name} {100 * p.referral_fee:.1f}".rstrip("0").rstrip(".")
                     + f"% / {money(p.subsidy_budget)}" for p in cfg.platforms)
    seed = getattr(model, "seed", None)
    homing = cfg.consumers.multi_homing_share if cfg.consumers.multi_homing else 0.0
    return (f"{cfg.consumers.n_consumers:,} consumers · {cfg.sellers.n_sellers:,} sellers · "
            f"price sensitivity {cfg.consumers.price_sensitivity:g} · "
            f"multi-homing {homing:.0%} · "
            f"referral fee / subsidy budget: {fees}"
            + (f" · seed {seed}" if seed is not None else "")
            + (f" · day 1 warmed by {cfg.warmup_days} days" if cfg.warmup_days > 0
               else " · cold start (no warm-up)"))


def market_status(model) -> Status:
    """Everything the panel shows for ``model`` today."""
    f = frames(model)
    date = day_date(f.start_date, f.day)
    shown = "" if date is None else (f"{date:%-d %b %Y}" if f.day > 0
                                     else f"starts {day_date(f.start_date, 1):%-d %b %Y}")
    status = Status(day=f.day, date=shown,
                    settings=settings_line(model))
    status.recent_events = [(d, text) for d, text in model.event_log[-RECENT_EVENTS:]]
    today = _day_rows(f.platforms, f.day)
    if not today.empty and today["gmv"].sum() > 0:
        row = today.loc[today["gmv_share"].idxmax()]
        status.leader, status.leader_share = str(row["platform"]), float(row["gmv_share"])
        status.hhi = float(today["hhi"].iloc[0])
    status.changes = describe_changes(f, model.event_log)
    return status


def status_html(status: Status, scenario: str = "") -> str:
    """The panel's text as a small HTML fragment (all model text escaped)."""
    e = html.escape
    parts = [f"<h3 style='margin:0 0 4px 0'>Day {status.day}"
             + (f" · {e(status.date)}" if status.date else "")
             + (f" · {e(scenario)}" if scenario else "") + "</h3>"]
    if status.leader is None:
        parts.append("<p>No sales yet: press <b>Step</b> or <b>▶</b> to run the market.</p>")
    else:
        parts.append(f"<p style='margin:0'><b>Market leader:</b> {e(status.leader)} "
                     f"({status.leader_share:.0%} of GMV)<br>"
                     f"<b>HHI:</b> {status.hhi:,.0f} ({hhi_label(status.hhi or 0.0)})</p>")
    if status.day > 0:
        items = [e(c) for c in status.changes] or ["no shock, no seller moves"]
        parts.append(f"<p style='margin:6px 0 0 0'><b>Since day {status.day - 1}:</b></p>"
                     "<ul style='margin:0'>" + "".join(f"<li>{i}</li>" for i in items)
                     + "</ul>")
    if status.recent_events:
        parts.append("<p style='margin:6px 0 0 0'><b>Recent shocks:</b> " + "; ".join(
            f"day {d}: {e(t)}" for d, t in status.recent_events) + "</p>")
    parts.append(f"<p style='margin:6px 0 0 0;font-size:0.85em;color:#555'>"
                 f"{e(status.settings)}</p>")
    return "\n".join(parts)


@solara.component
def StatusPanel(model):
    """The text panel for ``model``; updated on every step."""
    use_refresh()
    text = status_html(market_status(model), getattr(model, "scenario_name", ""))
    solara.HTML(tag="div", unsafe_innerHTML=text, classes=["flywheel-status"],
                style="padding: 4px 8px; font-size: 14px; line-height: 1.45")
