"""Seller-migration network: open platforms and the market's edges as nodes, moves as arrows.

Built as a ``networkx.DiGraph`` from ``migration_frame()`` over a recent window of days. Nodes
are the platforms open now plus three grey pseudo-nodes: "new sellers" (sellers entering the
market), "closed stores" (a store closed or suspended while its seller stays on its other
platforms) and "left market" (stores of sellers who left or went bankrupt). There is one edge
per (from, to, type of move), coloured by the type (add, switch, entry, close, exit, ...): an
*add* leaves the seller on its first platform, a *switch* does not, so the two never blur.

Every node sits on one circle and every label outside it, so an arrow (a chord of the circle)
never runs through a node or a label; arrows between the same two nodes run side by side.
Node size is the number of stores a platform has now.
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import solara

from viz.colors import MOVE_COLORS, color_scale, move_kind
from viz.data import Frames, day_date, frames
from viz.refresh import use_refresh
from viz.vega import SCHEMA, VegaChart

WINDOW_DAYS = 28
NEW = "new sellers"
CLOSED = "closed stores"
LEFT = "left market"
PSEUDO_NODES = (CLOSED, LEFT, NEW)
# The model's labels for "no platform" in a move: a seller entering, leaving, or a closed store.
SOURCE_LABELS = {"(entry)": NEW, "(none)": NEW}
TARGET_LABELS = {"(exit)": LEFT, "(none)": CLOSED}
PSEUDO_COLOR = "#b0b0b0"
X_DOMAIN = (-2.1, 2.1)
Y_DOMAIN = (-1.45, 1.45)
LABEL_RADIUS = 1.27
WIDTH, HEIGHT = 440, 320


def migration_graph(migrations: pd.DataFrame, platform_names: list[str] | tuple[str, ...],
                    stores: dict[str, int], day: int,
                    window: int | None = WINDOW_DAYS) -> nx.MultiDiGraph:
    """Seller moves in the ``window`` days up to ``day`` (None: all days), one edge per type.

    Nodes: the given platforms (attribute ``stores``) and the pseudo-nodes. Edge attributes:
    ``kind`` (type of move) and ``weight`` (sellers). Moves from or to a platform not in
    ``platform_names`` and a seller leaving with no store left are not drawn.
    """
    graph = nx.MultiDiGraph()
    for name in platform_names:
        graph.add_node(name, pseudo=False, stores=int(stores.get(name, 0)))
    for name in PSEUDO_NODES:
        graph.add_node(name, pseudo=True, stores=0)
    if migrations.empty:
        return graph
    recent = migrations if window is None else migrations[migrations["step"] > day - window]
    totals: dict[tuple[str, str, str], int] = {}
    for a, b, move, n in zip(recent["from_platform"], recent["to_platform"], recent["move"],
                             recent["sellers"], strict=True):
        source = SOURCE_LABELS.get(str(a), str(a))
        target = TARGET_LABELS.get(str(b), str(b))
        if source == target or source not in graph or target not in graph:
            continue
        if graph.nodes[source]["pseudo"] and graph.nodes[target]["pseudo"]:
            continue
        key = (source, target, move_kind(move))
        totals[key] = totals.get(key, 0) + int(n)
    for (a, b, kind), n in sorted(totals.items()):
        graph.add_edge(a, b, key=kind, kind=kind, weight=n)
    return graph


def node_positions(platform_names: list[str] | tuple[str, ...]) -> dict[str, np.ndarray]:
    """All nodes evenly on the unit circle: platforms from the top, pseudo-nodes at the bottom."""
    names = [*platform_names, *PSEUDO_NODES]
    angles = math.pi / 2 - 2 * math.pi * np.arange(len(names)) / len(names)
    # turn so the pseudo-nodes sit symmetrically around the bottom of the circle
    angles = angles - (angles[len(platform_names) + 1] + math.pi / 2)
    return {name: np.array([math.cos(a), math.sin(a)]).round(6)
            for name, a in zip(names, angles, strict=True)}


def _px(vector: np.ndarray) -> np.ndarray:
    """Data units to screen pixels (x right, y up) for the fixed domains."""
    return vector * np.array([WIDTH / (X_DOMAIN[1] - X_DOMAIN[0]),
                              HEIGHT / (Y_DOMAIN[1] - Y_DOMAIN[0])])


def _anchor(x: float) -> str:
    return "left" if x > 0.15 else "right" if x < -0.15 else "center"


def graph_tables(graph: nx.MultiDiGraph, pos: dict[str, np.ndarray]
                 ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(nodes, edges) rows for the chart; parallel arrows of one pair are spread into lanes."""
    nodes = []
    for n, d in graph.nodes(data=True):
        x, y = (float(v) for v in pos[n])
        label = n if d["pseudo"] else f"{n} ({d['stores']:,})"
        nodes.append({"node": n, "x": x, "y": y, "stores": d["stores"], "pseudo": d["pseudo"],
                      "lx": LABEL_RADIUS * x, "ly": LABEL_RADIUS * y - 0.04,
                      "anchor": _anchor(x), "label": label})
    lanes: dict[frozenset[str], list[tuple[str, str, str]]] = {}
    for a, b, kind in graph.edges(keys=True):
        lanes.setdefault(frozenset((a, b)), []).append((a, b, kind))
    edges = []
    for group in lanes.values():
        group.sort(key=lambda e: (min(e[0], e[1]) != e[0], e[2]))
        for lane, (a, b, kind) in enumerate(group):
            start, end = pos[a], pos[b]
            direction = end - start
            length = float(np.hypot(*direction)) or 1.0
            ref = pos[min(a, b)] - pos[max(a, b)]  # one normal per pair, whatever the direction
            normal = np.array([ref[1], -ref[0]]) / (float(np.hypot(*ref)) or 1.0)
            shift = normal * 0.075 * (lane - (len(group) - 1) / 2)
            trim = min(0.2, 0.22 / length)  # stop short of the nodes
            p0, p1 = start + trim * direction + shift, start + (1 - trim) * direction + shift
            tip = start + (1 - trim - 0.05) * direction + shift
            mid = start + 0.5 * direction + shift
            dx, dy = _px(direction)
            n = int(graph.edges[a, b, kind]["weight"])
            edges.append({"source": a, "target": b, "move": kind, "sellers": n,
                          "x": float(p0[0]), "y": float(p0[1]),
                          "x2": float(p1[0]), "y2": float(p1[1]),
                          "tx": float(tip[0]), "ty": float(tip[1]),
                          "mx": float(mid[0]), "my": float(mid[1]),
                          "angle": round(math.degrees(math.atan2(dx, dy)) % 360, 1) % 360})
    return nodes, edges


def network_spec(graph: nx.MultiDiGraph, pos: dict[str, np.ndarray], day: int,
                 window: int | None = WINDOW_DAYS, when: str = "") -> dict[str, Any]:
    """Vega-Lite layers: arrows (width = sellers, colour = move), nodes (size = stores), labels."""
    nodes, edges = graph_tables(graph, pos)
    platforms = [n["node"] for n in nodes if not n["pseudo"]]
    node_colors = color_scale(platforms)
    node_colors = {"domain": [*node_colors["domain"], *PSEUDO_NODES],
                   "range": [*node_colors["range"], *[PSEUDO_COLOR] * len(PSEUDO_NODES)]}
    kinds = [k for k in MOVE_COLORS if any(e["move"] == k for e in edges)]
    kinds += sorted({e["move"] for e in edges} - set(kinds))
    move_color = {"field": "move", "type": "nominal", "title": "move",
                  "scale": {"domain": kinds or list(MOVE_COLORS),
                            "range": [MOVE_COLORS.get(k, "#17becf")
                                      for k in (kinds or list(MOVE_COLORS))]},
                  "legend": {"orient": "bottom", "direction": "horizontal", "title": None,
                             "symbolType": "stroke", "symbolStrokeWidth": 3}}
    x = {"type": "quantitative", "scale": {"domain": list(X_DOMAIN)}, "axis": None}
    y = {"type": "quantitative", "scale": {"domain": list(Y_DOMAIN)}, "axis": None}
    moved = sum(e["sellers"] for e in edges)
    span = when or (f"days {max(day - window, 0) + 1}–{day}" if window else f"days 1–{day}")
    subtitle = (f"Seller moves, {span}: {moved:,}; node size = stores now"
                if edges else f"No seller has moved ({span}); node size = stores now")
    tooltip = [{"field": "source", "title": "from"}, {"field": "target", "title": "to"},
               {"field": "move"}, {"field": "sellers", "format": ","}]
    widest = max([20] + [e["sellers"] for e in edges])  # 20 sellers or more: the widest line
    width = {"field": "sellers", "type": "quantitative", "legend": None,
             "scale": {"type": "sqrt", "domain": [0, widest], "range": [1, 9]}}
    layers: list[dict[str, Any]] = [
        {"data": {"values": edges}, "mark": {"type": "rule", "opacity": 0.8},
         "encoding": {"x": {"field": "x", **x}, "y": {"field": "y", **y},
                      "x2": {"field": "x2"}, "y2": {"field": "y2"},
                      "strokeWidth": width, "color": move_color, "tooltip": tooltip}},
        {"data": {"values": edges},
         "mark": {"type": "point", "shape": "triangle-up", "filled": True, "opacity": 1},
         "encoding": {"x": {"field": "tx", **x}, "y": {"field": "ty", **y},
                      "angle": {"field": "angle", "type": "quantitative",
                                "scale": {"domain": [0, 360], "range": [0, 360]}},
                      "size": {"value": 110}, "color": {**move_color, "legend": None},
                      "tooltip": tooltip}},
        {"data": {"values": edges},
         "mark": {"type": "text", "fontSize": 10, "fontWeight": "bold", "color": "#222",
                  "stroke": "white", "strokeWidth": 3, "strokeOpacity": 0.8},
         "encoding": {"x": {"field": "mx", **x}, "y": {"field": "my", **y},
                      "text": {"field": "sellers", "format": ","}}},
        {"data": {"values": edges},
         "mark": {"type": "text", "fontSize": 10, "fontWeight": "bold", "color": "#222"},
         "encoding": {"x": {"field": "mx", **x}, "y": {"field": "my", **y},
                      "text": {"field": "sellers", "format": ","}}},
        {"data": {"values": nodes}, "mark": {"type": "circle", "opacity": 1, "filled": True,
                                             "stroke": "white", "strokeWidth": 2},
         "encoding": {"x": {"field": "x", **x}, "y": {"field": "y", **y},
                      "size": {"field": "stores", "type": "quantitative", "legend": None,
                               "scale": {"type": "sqrt", "range": [120, 1400], "zero": True}},
                      "fill": {"field": "node", "type": "nominal", "scale": node_colors,
                               "legend": None},
                      "tooltip": [{"field": "node"}, {"field": "stores", "format": ","}]}},
    ]
    for anchor in ("left", "right", "center"):
        layers.append({"data": {"values": nodes},
                       "transform": [{"filter": {"field": "anchor", "equal": anchor}}],
                       "mark": {"type": "text", "align": anchor, "baseline": "middle",
                                "fontSize": 11, "fontWeight": "bold"},
                       "encoding": {"x": {"field": "lx", **x}, "y": {"field": "ly", **y},
                                    "text": {"field": "label"}}})
    return {
        "$schema": SCHEMA,
        "title": {"text": "Seller migration", "subtitle": subtitle, "anchor": "start",
                  "fontSize": 14, "subtitleColor": "#555"},
        "width": WIDTH, "height": HEIGHT,
        "usermeta": {"embedOptions": {"actions": False, "renderer": "svg"}},
        "config": {"view": {"stroke": None}},
        "layer": layers,
    }


def stores_now(platform_frame: pd.DataFrame) -> dict[str, int]:
    """Stores per platform on the latest recorded day (empty before the first step)."""
    if platform_frame.empty:
        return {}
    last = platform_frame[platform_frame["step"] == platform_frame["step"].max()]
    sellers = last["sellers"].fillna(0)
    return {str(p): int(s) for p, s in zip(last["platform"], sellers, strict=True)}


@solara.component
def MigrationNetwork(model):
    """The seller-migration network of ``model`` over the last ``WINDOW_DAYS`` days."""
    use_refresh()
    f = frames(model)
    VegaChart(lambda: network_spec_for(f), name="network", version=f.serial)


def network_spec_for(f: Frames) -> dict[str, Any]:
    """The network chart for one day's frames (only platforms that have opened)."""
    stores = stores_now(f.platforms)
    if not stores:  # before the first step: count today's open stores directly
        stores = f.sellers["platform"].value_counts().to_dict() if not f.sellers.empty else {}
    shown = [n for n in f.platform_names if n in f.launched] if f.launched else f.platform_names
    graph = migration_graph(f.migrations, shown, stores, f.day)
    when = ""
    if f.calendar and f.day > 0:
        first, last = day_date(f.start_date, max(f.day - WINDOW_DAYS, 0) + 1), day_date(
            f.start_date, f.day)
        when = f"{first:%d %b} – {last:%d %b %Y}"
    return network_spec(graph, node_positions(shown), f.day, when=when)
