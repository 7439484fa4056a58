"""One colour per platform, used by every chart, the network and the seller map.

Colours are assigned by the platform's position in the scenario (``model.platform_names``), so
the incumbent (listed first in every scenario) is always blue and a platform keeps its colour
on every panel. The pseudo-nodes of the migration network ("(entry)", "(exit)") are grey.
"""

from __future__ import annotations

from collections.abc import Sequence

# Tableau-10, colour-blind friendlier order (blue, orange, green, red, purple, ...).
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
ENTRY = "(entry)"
EXIT = "(exit)"
PSEUDO_COLORS: dict[str, str] = {ENTRY: "#8c8c8c", EXIT: "#4d4d4d"}


def platform_colors(names: Sequence[str]) -> dict[str, str]:
    """Map each platform name to its colour; pseudo-nodes get grey."""
    colors: dict[str, str] = {}
    i = 0
    for name in names:
        if name in PSEUDO_COLORS:
            colors[name] = PSEUDO_COLORS[name]
        else:
            colors[name] = PALETTE[i % len(PALETTE)]
            i += 1
    return colors


def color_scale(names: Sequence[str]) -> dict[str, list[str]]:
    """A Vega-Lite ``scale`` that pins each platform to its colour (domain/range)."""
    colors = platform_colors(names)
    return {"domain": list(colors), "range": list(colors.values())}
