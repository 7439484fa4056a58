"""Sidebar controls: run the market (Step, Play/Pause, run to a day), rebuild it, take its data.

``RunControls`` steps the session's model and redraws every panel through the page's refresh
hub. Play steps in a background thread and redraws every *k* days ("Draw every"); "Run to day"
does the same with a stride long enough for at most ``RUN_TO_FRAMES`` frames, so a three-year
scenario is watched in well under a minute. Step always moves one day. ``SettingControls``
shows the scenario's controls with readable values (fees in %, money in $k / $M); they act on
Reset. ``CsvDownload`` hands out the run's per-platform table.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from typing import Any

import solara

from viz.data import day_date, platform_table
from viz.model import Control
from viz.refresh import RefreshHub, use_refresh

DRAW_EVERY_DAYS = (1, 7, 30)
DEFAULT_DRAW_EVERY = 7
FRAME_PAUSE_S = 0.05  # lets the browser take each frame before the next one is computed
RUN_TO_FRAMES = 20  # "Run to day" draws at most about this many frames on its way


def frame_days(every: int, today: int, target: int | None) -> int:
    """Days to advance before the next frame: ``every``, or a longer stride so a "Run to day"
    of any length takes at most ``RUN_TO_FRAMES`` frames; never past ``target``.

    >>> frame_days(7, 0, 1095), frame_days(7, 0, 90), frame_days(1, 10, 12)
    (55, 7, 1)
    """
    if target is None:
        return every
    left = target - today
    return max(0, min(left, max(every, -(-left // RUN_TO_FRAMES))))


def run_days(model, days: int, hub: RefreshHub) -> None:
    """Advance ``model`` by ``days`` days, then redraw every panel once."""
    for _ in range(max(int(days), 0)):
        model.step()
    hub.fire()


def csv_bytes(model) -> bytes:
    """The run's per-platform table so far (one row per platform and day, dates included)."""
    buffer = io.StringIO()
    platform_table(model).to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8")


@solara.component
def RunControls(model: solara.Reactive, hub: RefreshHub, playing: solara.Reactive[bool],
                on_reset: Callable[[], None]):
    """Step / Play-Pause / Reset, the frame interval and "Run to day"."""
    every = solara.use_reactive(DEFAULT_DRAW_EVERY)
    goal = solara.use_reactive(None)  # the day typed in; None: the scenario's own length
    target = solara.use_reactive(None)  # the day a "Run to day" stops at
    stride = solara.use_reactive(None)  # days per frame of that run, fixed when it starts

    def play_loop(cancel) -> None:
        while playing.value and not cancel.is_set():
            current = model.value
            goal_day = target.value
            if goal_day is not None and goal_day - current.day > 0 and stride.value is None:
                stride.set(frame_days(every.value, current.day, goal_day))
            days = every.value if goal_day is None else min(stride.value or every.value,
                                                            goal_day - current.day)
            run_days(current, days, hub)
            if goal_day is not None and current.day >= goal_day:
                target.set(None)
                stride.set(None)
                playing.set(False)
                return
            time.sleep(FRAME_PAUSE_S)

    solara.use_thread(play_loop, dependencies=[playing.value], intrusive_cancel=False)

    def step() -> None:
        run_days(model.value, 1, hub)

    def toggle() -> None:
        target.set(None)
        stride.set(None)
        playing.set(not playing.value)

    def run_to() -> None:
        day = goal.value if goal.value is not None else model.value.config.steps
        if day <= model.value.day:
            return
        target.set(int(day))
        playing.set(True)

    with solara.Card("Run", classes=["flywheel-run"]):
        with solara.Row(justify="space-between"):
            solara.Button(label="Reset", color="primary", on_click=on_reset)
            solara.Button(label="❚❚" if playing.value else "▶", color="primary",
                          on_click=toggle)
            solara.Button(label="Step", color="primary", on_click=step,
                          disabled=playing.value)
        solara.Select(label="Draw every (days)", values=list(DRAW_EVERY_DAYS), value=every)
        with solara.Row(style={"align-items": "center"}):
            shown = goal.value if goal.value is not None else model.value.config.steps
            solara.InputInt("Run to day", value=shown, on_value=goal.set,
                            classes=["flywheel-run-to"])
            solara.Button(label="Run to day", color="primary", outlined=True, on_click=run_to,
                          disabled=playing.value)


@solara.component
def CsvDownload(model, hub: RefreshHub | None = None):
    """Download button for the run's per-platform table (CSV), named by scenario and day."""
    use_refresh(hub)
    name = str(getattr(model, "scenario_name", "flywheel")).rsplit("/", 1)[-1]
    name = name.removesuffix(".toml")
    solara.FileDownload(lambda: csv_bytes(model), filename=f"{name}-day{model.day}.csv",
                        label="Download CSV (per platform and day)", mime_type="text/csv")


@solara.component
def ControlInput(control: Control, value: Any, on_value: Callable[[Any], None]):
    """One control: a slider (or checkbox) with its value shown readably beside the label."""
    if control.kind == "bool":
        solara.Checkbox(label=control.label, value=bool(value), on_value=on_value)
        return
    slider = solara.SliderInt if control.kind == "int" else solara.SliderFloat
    with solara.Div(classes=["flywheel-control"]):
        solara.Text(control.shown(value), classes=["flywheel-control-value"],
                    style={"float": "right", "font-size": "0.85em", "color": "#333"})
        slider(control.label, value=value, min=control.low, max=control.high, step=control.step,
               on_value=on_value, thumb_label=False)


@solara.component
def SettingControls(scenario: str, controls: list[Control], values: solara.Reactive[dict]):
    """The scenario's controls at their current values; changes act on Reset."""

    def setter(name: str) -> Callable[[Any], None]:
        return lambda value: values.set({**values.value, name: value})

    with solara.Card("Settings (applied on Reset)", classes=["flywheel-settings"]):
        for control in controls:
            ControlInput(control, values.value.get(control.name, control.value),
                         setter(control.name)).key(f"{scenario}:{control.name}")


def day_label(model) -> str:
    """'Day 63 · 1 Sep 2022' (the date only when the scenario has a calendar)."""
    date = day_date(getattr(model.config, "start_date", ""), model.day)
    return f"Day {model.day}" + (f" · {date:%-d %b %Y}" if date else "")
