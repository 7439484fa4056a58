"""The model's output frames as the dashboard panels read them, computed once per day.

Every panel reads the same day's frames; ``frames(model)`` builds them on the first request
after a step and hands the cached copy to the other panels, so a render costs one
``platform_frame()`` / ``migration_frame()`` / ``seller_frame()`` call, not one per panel.
"""

from __future__ import annotations

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
        platforms=model.platform_frame(),
        migrations=model.migration_frame(),
        sellers=model.seller_frame(),
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
