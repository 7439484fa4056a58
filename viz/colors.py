"""One colour per platform name, shared by the dashboard and the batch reports.

A platform keeps its colour in every chart and every scenario: the archetype names the
scenarios use have fixed colours (the incumbent is always blue, the Temu-like ``managed``
platform always red), chosen so that the platforms of any one scenario differ. Other names get
a colour from a stable hash of the name, moved to the next free colour only when two platforms
of the same chart would clash. The migration pseudo-nodes ("(entry)", "(exit)") are grey, and
each type of seller move (add, switch, entry, close, exit) has a colour of its own.

>>> platform_colors(["incumbent", "managed"])
{'incumbent': '#4e79a7', 'managed': '#e15759'}
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

# Tableau-10 (blue, orange, green, red, purple, teal, yellow, pink, brown, grey).
PALETTE: tuple[str, ...] = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#b07aa1",
    "#76b7b2",
    "#edc948",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)
NAMED: dict[str, str] = {
    "incumbent": "#4e79a7",
    "marketplace": "#4e79a7",
    "rival": "#f28e2b",
    "auction": "#59a14f",
    "managed": "#e15759",
    "content": "#b07aa1",
    "fast_fashion": "#ff9da7",
    "paid_traffic": "#9c755f",
    "global_us": "#4e79a7",
    "global_br": "#76b7b2",
    "global_mx": "#59a14f",
    "local_br": "#f28e2b",
    "local_mx": "#e15759",
}
ENTRY = "(entry)"
EXIT = "(exit)"
PSEUDO_COLORS: dict[str, str] = {ENTRY: "#8c8c8c", EXIT: "#4d4d4d", "(none)": "#8c8c8c"}


# Seller moves by type, as the model records them -> the five types the charts distinguish
# ("join": a seller with no store left opens one again, an entry into the market's stores).
MOVE_KINDS = {"add": "add", "recruited": "add", "switch": "switch", "entry": "entry",
              "join": "entry", "close": "close", "suspended": "close", "left": "exit",
              "bankrupt": "exit", "exit": "exit"}
MOVE_COLORS = {"add": "#2ca02c", "switch": "#d62728", "entry": "#1f77b4", "close": "#9467bd",
               "exit": "#7f7f7f"}


def move_kind(move: str) -> str:
    """The type a recorded move belongs to: add / switch / entry / close / exit."""
    return MOVE_KINDS.get(str(move), str(move))


def _hashed(name: str) -> int:
    return zlib.crc32(name.encode("utf-8")) % len(PALETTE)


def platform_colors(names: Sequence[str]) -> dict[str, str]:
    """Map each platform name to its colour (pseudo-nodes grey); no two platforms alike."""
    colors: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        if name in PSEUDO_COLORS:
            colors[name] = PSEUDO_COLORS[name]
        elif name in NAMED and NAMED[name] not in used:
            colors[name] = NAMED[name]
        else:
            start = _hashed(name)
            free = [PALETTE[(start + i) % len(PALETTE)] for i in range(len(PALETTE))]
            colors[name] = next((c for c in free if c not in used), free[0])
        used.add(colors[name])
    return colors


def color_scale(names: Sequence[str]) -> dict[str, list[str]]:
    """A Vega-Lite ``scale`` that pins each platform to its colour (domain/range)."""
    colors = platform_colors(names)
    return {"domain": list(colors), "range": list(colors.values())}
