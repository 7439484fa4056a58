"""The model's output frames as the dashboard panels read them, computed once per day.

Every panel reads the same day's frames; ``frames(model)`` builds them on the first request
after a step and hands the cached copy to the other panels, so a render costs one
``platform_frame()`` / ``migration_frame()`` / ``seller_frame()`` call, not one per panel.
A platform that has not opened yet has no values (NaN) before its launch day, so charts draw
it only from the day it opens; every frame carries the scenario's calendar (``date``).
"""

from __future__ import annotations

import datetime
import functools
import itertools
import threading
import weakref
from dataclasses import dataclass

import numpy as np
import pandas as pd

_CACHE: weakref.WeakKeyDictionary[object, Frames] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()
_SERIAL = itertools.count(1)


@dataclass(frozen=True)
class Frames:
    """One day's outputs: per-platform series, seller moves and open stores.

    ``serial`` is unique to each build, so panels can tell a new day (or a new model) from a
    repeated render of the same one.
    """

    serial: int
    day: int
    platform_names: tuple[str, ...]
    platforms: pd.DataFrame
    migrations: pd.DataFrame
    sellers: pd.DataFrame
    launched: tuple[str, ...] = ()
    events: tuple[tuple[int, str], ...] = ()
    start_date: str = ""

    @property
    def calendar(self) -> bool:
        """True when the scenario dates its days (time axes show dates)."""
        return bool(self.start_date)


def day_date(start_date: str, day: int) -> datetime.date | None:
    """Calendar date of model day ``day`` when day 1 is ``start_date`` (None without one)."""
    if not start_date:
        return None
    return datetime.date.fromisoformat(start_date) + datetime.timedelta(days=int(day) - 1)


@functools.lru_cache(maxsize=16)
def _iso_dates(start_date: str, days: int) -> np.ndarray:
    """ISO date text of days 0..days-1 (day 1 = ``start_date``), built once per scenario."""
    start = np.datetime64(start_date, "D") - np.timedelta64(1, "D")
    return np.datetime_as_string(start + np.arange(days).astype("timedelta64[D]"), unit="D")


def add_dates(frame: pd.DataFrame, start_date: str, column: str = "step") -> pd.DataFrame:
    """``frame`` with a ``date`` column (ISO text) for its days; unchanged without a calendar."""
    if not start_date or frame.empty:
        return frame
    days = frame[column].to_numpy().astype("int64")
    size = 1 << int(days.max() + 1).bit_length()  # grows by doubling: few rebuilds per run
    return frame.assign(date=_iso_dates(start_date, size)[days])


def mask_before_launch(platforms: pd.DataFrame, launch_days: dict[str, int]) -> pd.DataFrame:
    """Platform rows before the platform's launch day with every measure set to NaN."""
    if platforms.empty or not any(launch_days.values()):
        return platforms
    opens = platforms["platform"].map(launch_days).fillna(0).to_numpy()
    before = platforms["step"].to_numpy() < opens
    if not before.any():
        return platforms
    columns = {}
    for name in platforms.columns:
        values = platforms[name].to_numpy()
        if name not in ("step", "platform") and values.dtype.kind in "fiu":
            values = np.where(before, np.nan, values.astype(float))
        columns[name] = values
    return pd.DataFrame(columns, index=platforms.index)


def platform_table(model) -> pd.DataFrame:
    """The model's per-platform, per-day table as the dashboard shows (and exports) it."""
    launch_days = {p.name: int(p.config.launch_day) for p in model.platforms}
    table = mask_before_launch(model.platform_frame(), launch_days)
    return add_dates(table, getattr(model.config, "start_date", ""))


def frames(model) -> Frames:
    """The model's frames for its current day (cached until the model steps)."""
    day = int(model.day)
    with _LOCK:
        cached = _CACHE.get(model)
        if cached is not None and cached.day == day:
            return cached
    result = Frames(
        serial=next(_SERIAL),
        day=day,
        platform_names=tuple(model.platform_names),
        platforms=platform_table(model),
        migrations=model.migration_frame(),
        sellers=model.seller_frame(),
        launched=tuple(p.name for p in model.platforms if p.launched),
        events=tuple(model.event_log),
        start_date=getattr(model.config, "start_date", ""),
    )
    with _LOCK:
        _CACHE[model] = result
    return result


def thin_steps(frame: pd.DataFrame, max_steps: int = 400) -> pd.DataFrame:
    """Keep at most ``max_steps`` evenly spaced days (always the latest) of a long frame."""
    if frame.empty:
        return frame
    steps = frame["step"].to_numpy()
    first, last = int(steps.min()), int(steps.max())
    span = last - first + 1
    if span <= max_steps:
        return frame
    stride = int(np.ceil(span / max_steps))
    keep = ((steps - first) % stride == 0) | (steps == last)
    return frame[keep]


def records(frame: pd.DataFrame, columns: list[str], digits: int = 4) -> list[dict]:
    """Rows as JSON-safe dicts: rows with a non-finite number dropped, floats rounded.

    Built from numpy columns (``DataFrame.to_dict`` is several times slower at these sizes).
    """
    arrays = [frame[c].to_numpy() for c in columns]
    keep = np.ones(len(frame), dtype=bool)
    for i, values in enumerate(arrays):
        if values.dtype.kind == "f":
            keep &= np.isfinite(values)
            arrays[i] = values.round(digits)
        elif values.dtype.kind == "O":
            arrays[i] = values.astype(str)
    lists = [values[keep].tolist() for values in arrays]
    return [dict(zip(columns, row, strict=True)) for row in zip(*lists, strict=True)]
