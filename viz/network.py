"""Seller-migration network: platforms as nodes, seller moves between them as weighted edges.

Built as a ``networkx.DiGraph`` from ``migration_frame()`` over a recent window of days:
an edge A -> B carries the number of sellers who switched from A to B or added B as a further
store while selling on A. Two grey pseudo-nodes stand for the market's edge: "(entry)" sends
sellers who open a store without moving from a platform (new entrants, first stores) and
"(exit)" receives stores that were closed or whose seller left the market (a seller who had
already closed every store and then leaves draws no edge). Node size is the
number of stores a platform has now. Positions come from ``networkx.circular_layout``.
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import solara

from viz.colors import ENTRY, EXIT, color_scale
from viz.data import Frames, frames
from viz.refresh import use_refresh
from viz.vega import SCHEMA, VegaChart

WINDOW_DAYS = 28
NO_STORE = "(none)"  # the model's label for "no platform" in a move (first store, closed store)
X_DOMAIN = (-2.2, 2.2)
Y_DOMAIN = (-1.75, 1.45)
WIDTH, HEIGHT = 440, 300


def migration_graph(migrations: pd.DataFrame, platform_names: list[str] | tuple[str, ...],
                    stores: dict[str, int], day: int,
                    window: int | None = WINDOW_DAYS) -> nx.DiGraph:
    """Directed graph of seller moves in the ``window`` days up to ``day`` (None: all days).

    Nodes: every platform (attribute ``stores``) plus "(entry)" and "(exit)". Edge attribute
    ``weight`` is the number of sellers; ``moves`` breaks it down by type of move.
    """
    graph = nx.DiGraph()
    for name in platform_names:
        graph.add_node(name, pseudo=False, stores=int(stores.get(name, 0)))
    for name in (ENTRY, EXIT):
        graph.add_node(name, pseudo=True, stores=0)
    if migrations.empty:
        return graph
    recent = migrations if window is None else migrations[migrations["step"] > day - window]
    if recent.empty:
        return graph
    source = recent["from_platform"].replace({NO_STORE: ENTRY}).to_numpy()
    target = recent["to_platform"].replace({NO_STORE: EXIT}).to_numpy()
    move = recent["move"].to_numpy() if "move" in recent else np.full(len(recent), "move")
    sellers = recent["sellers"].to_numpy(dtype=float)
    totals: dict[tuple[str, str], dict[str, int]] = {}
    for a, b, kind, n in zip(source, target, move, sellers, strict=True):
        pseudo = a in (ENTRY, EXIT) and b in (ENTRY, EXIT)
        if a == b or pseudo or a not in graph or b not in graph:
            continue
        moves = totals.setdefault((a, b), {})
        moves[str(kind)] = moves.get(str(kind), 0) + int(n)
    for (a, b), moves in sorted(totals.items()):
        graph.add_edge(a, b, weight=sum(moves.values()), moves=moves)
    return graph


def node_positions(platform_names: list[str] | tuple[str, ...]) -> dict[str, np.ndarray]:
    """Platforms on a circle (first one on top), "(entry)"/"(exit)" in the lower corners."""
    circle = nx.circular_layout(list(platform_names)) if len(platform_names) > 1 else {
        name: np.zeros(2) for name in platform_names}
    turn = math.pi / 2  # networkx starts at angle 0 (right); start at the top instead
    rotation = np.array([[math.cos(turn), -math.sin(turn)], [math.sin(turn), math.cos(turn)]])
    pos = {name: (rotation @ np.asarray(xy, dtype=float)).round(6) for name, xy in circle.items()}
    pos[ENTRY] = np.array([-1.8, -1.3])
    pos[EXIT] = np.array([1.8, -1.3])
    return pos


def _px(vector: np.ndarray) -> np.ndarray:
    """Data units to screen pixels (x right, y up) for the fixed domains."""
    return vector * np.array([WIDTH / (X_DOMAIN[1] - X_DOMAIN[0]),
                              HEIGHT / (Y_DOMAIN[1] - Y_DOMAIN[0])])


def graph_tables(graph: nx.DiGraph, pos: dict[str, np.ndarray]
                 ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(nodes, edges) rows for the chart; reciprocal edges are drawn side by side."""
    nodes = [{"node": n, "x": float(pos[n][0]), "y": float(pos[n][1]),
              "stores": d["stores"], "pseudo": d["pseudo"],
              "label": n if d["pseudo"] else f"{n} ({d['stores']:,})"}
             for n, d in graph.nodes(data=True)]
    edges = []
    for a, b, d in graph.edges(data=True):
        start, end = pos[a], pos[b]
        direction = end - start
        length = float(np.hypot(*direction)) or 1.0
        normal = np.array([direction[1], -direction[0]]) / length  # right of travel
        shift = normal * (0.07 if graph.has_edge(b, a) else 0.0)
        p0, p1 = start + 0.16 * direction + shift, start + 0.84 * direction + shift
        tip, mid = start + 0.6 * direction + shift, start + 0.4 * direction + shift + normal * 0.12
        dx, dy = _px(direction)
        moves = ", ".join(f"{k} {v:,}" for k, v in sorted(d["moves"].items()))
        edges.append({"source": a, "target": b, "sellers": d["weight"], "moves": moves,
                      "x": float(p0[0]), "y": float(p0[1]),
                      "x2": float(p1[0]), "y2": float(p1[1]),
                      "tx": float(tip[0]), "ty": float(tip[1]),
                      "mx": float(mid[0]), "my": float(mid[1]),
                      "angle": round(math.degrees(math.atan2(dx, dy)) % 360, 1) % 360})
    return nodes, edges


def network_spec(graph: nx.DiGraph, pos: dict[str, np.ndarray], day: int,
                 window: int | None = WINDOW_DAYS) -> dict[str, Any]:
    """Vega-Lite layers: edges (width = sellers), arrow heads, nodes (size = stores), labels."""
    nodes, edges = graph_tables(graph, pos)
    names = [n["node"] for n in nodes]
    color = {"scale": color_scale(names), "legend": None, "type": "nominal"}
    x = {"type": "quantitative", "scale": {"domain": list(X_DOMAIN)}, "axis": None}
    y = {"type": "quantitative", "scale": {"domain": list(Y_DOMAIN)}, "axis": None}
    moved = sum(e["sellers"] for e in edges)
    span = f"days {max(day - window, 0) + 1}–{day}" if window else f"days 1–{day}"
    subtitle = (f"Seller moves, {span}: {moved:,} (edge width = sellers); node size = stores now"
                if edges else f"No seller has moved yet ({span}); node size = stores now")
    edge_tooltip = [{"field": "source", "title": "from"}, {"field": "target", "title": "to"},
                    {"field": "sellers", "format": ","}, {"field": "moves"}]
    widest = max([20] + [e["sellers"] for e in edges])  # 20 sellers or more: the widest line
    width = {"field": "sellers", "type": "quantitative", "legend": None,
             "scale": {"type": "sqrt", "domain": [0, widest], "range": [0, 14]}}
    layers = [
        {"data": {"values": edges}, "mark": {"type": "rule", "opacity": 0.75},
         "encoding": {"x": {"field": "x", **x}, "y": {"field": "y", **y},
                      "x2": {"field": "x2"}, "y2": {"field": "y2"},
                      "strokeWidth": width, "color": {"field": "source", **color},
                      "tooltip": edge_tooltip}},
        {"data": {"values": edges},
         "mark": {"type": "point", "shape": "triangle-up", "filled": True, "opacity": 1,
                  "stroke": "white", "strokeWidth": 1},
         "encoding": {"x": {"field": "tx", **x}, "y": {"field": "ty", **y},
                      "angle": {"field": "angle", "type": "quantitative",
                                "scale": {"domain": [0, 360], "range": [0, 360]}},
                      "size": {"value": 220}, "color": {"field": "source", **color},
                      "tooltip": edge_tooltip}},
        {"data": {"values": edges}, "mark": {"type": "text", "fontSize": 10, "color": "#222",
                                             "fontWeight": "bold"},
         "encoding": {"x": {"field": "mx", **x}, "y": {"field": "my", **y},
                      "text": {"field": "sellers", "format": ","}}},
        {"data": {"values": nodes}, "mark": {"type": "circle", "opacity": 1,
                                             "stroke": "white", "strokeWidth": 2},
         "encoding": {"x": {"field": "x", **x}, "y": {"field": "y", **y},
                      "size": {"field": "stores", "type": "quantitative", "legend": None,
                               "scale": {"type": "sqrt", "range": [250, 2200], "zero": True}},
                      "color": {"field": "node", **color},
                      "tooltip": [{"field": "node", "title": "platform"},
                                  {"field": "stores", "format": ","}]}},
        *({"data": {"values": nodes},
           "mark": {"type": "text", "dy": 31, "fontSize": 11, "fontWeight": "bold", **halo},
           "encoding": {"x": {"field": "x", **x}, "y": {"field": "y", **y},
                        "text": {"field": "label"}}}
          for halo in ({"stroke": "white", "strokeWidth": 4, "strokeJoin": "round"}, {})),
    ]
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
    return {str(p): int(s) for p, s in zip(last["platform"], last["sellers"], strict=True)}


@solara.component
def MigrationNetwork(model):
    """The seller-migration network of ``model`` over the last ``WINDOW_DAYS`` days."""
    use_refresh()
    f = frames(model)
    VegaChart(lambda: network_spec_for(f), name="network", version=f.serial)


def network_spec_for(f: Frames) -> dict[str, Any]:
    """The network chart for one day's frames."""
    stores = stores_now(f.platforms)
    if not stores:  # before the first step: count today's open stores directly
        stores = f.sellers["platform"].value_counts().to_dict() if not f.sellers.empty else {}
    graph = migration_graph(f.migrations, f.platform_names, stores, f.day)
    return network_spec(graph, node_positions(f.platform_names), f.day)
