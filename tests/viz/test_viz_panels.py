"""The dashboard's pieces without a browser: colours, data shaping, specs, graph, status text."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from viz.colors import ENTRY, EXIT, PALETTE, PSEUDO_COLORS, color_scale, platform_colors
from viz.data import frames, records, thin_steps
from viz.network import (
    graph_tables,
    migration_graph,
    network_spec,
    node_positions,
    stores_now,
)
from viz.plots import SERIES, SERIES_BY_NAME, series_spec
from viz.seller_map import KIND_SHAPES, sample_stores, seller_map_spec
from viz.status import describe_changes, hhi_label, market_status, status_html


def layer_data(spec: dict, index: int) -> list[dict]:
    return spec["layer"][index]["data"]["values"]


# ------------------------------------------------------------------ colours
def test_each_platform_keeps_one_colour_and_pseudo_nodes_are_grey():
    colors = platform_colors(["incumbent", ENTRY, "temu", EXIT, "shein"])
    assert colors["incumbent"] == PALETTE[0]
    assert colors["temu"] == PALETTE[1]  # pseudo-nodes do not use up palette colours
    assert colors["shein"] == PALETTE[2]
    assert colors[ENTRY] == PSEUDO_COLORS[ENTRY] and colors[EXIT] == PSEUDO_COLORS[EXIT]
    scale = color_scale(["incumbent", "temu"])
    assert scale == {"domain": ["incumbent", "temu"], "range": [PALETTE[0], PALETTE[1]]}


def test_every_panel_uses_the_same_platform_colours(small_model):
    f = frames(small_model)
    expected = color_scale(f.platform_names)
    for series in SERIES:
        assert series_spec(series, f.platforms, f.platform_names)["encoding"]["color"][
            "scale"] == expected
    points = seller_map_spec(f.sellers, f.platform_names)["layer"][1]["encoding"]["color"]
    assert points["scale"] == expected
    graph = migration_graph(f.migrations, f.platform_names, stores_now(f.platforms), f.day)
    net = network_spec(graph, node_positions(f.platform_names), f.day)
    node_scale = net["layer"][3]["encoding"]["color"]["scale"]
    for name, colour in zip(expected["domain"], expected["range"], strict=True):
        assert node_scale["range"][node_scale["domain"].index(name)] == colour


# ------------------------------------------------------------------ data shaping
def test_thin_steps_caps_the_days_and_keeps_the_latest():
    frame = pd.DataFrame({"step": np.repeat(np.arange(1, 1001), 2), "v": 0.0})
    thinned = thin_steps(frame, max_steps=100)
    days = np.unique(thinned["step"])
    assert len(days) <= 101 and days[-1] == 1000 and days[0] == 1
    assert (thinned.groupby("step").size() == 2).all()  # whole days, every platform
    assert thin_steps(frame.head(20), max_steps=100).equals(frame.head(20))


def test_records_drop_non_finite_rows_and_are_json_safe():
    frame = pd.DataFrame({"step": [1, 2, 3], "platform": ["a", "b", "c"],
                          "v": [0.123456, np.nan, np.inf]})
    rows = records(frame, ["step", "platform", "v"])
    assert rows == [{"step": 1, "platform": "a", "v": 0.1235}]
    json.dumps(rows, allow_nan=False)


def test_frames_are_cached_until_the_model_steps(small_model):
    first = frames(small_model)
    assert frames(small_model) is first
    small_model.step()
    second = frames(small_model)
    assert second is not first and second.day == first.day + 1
    assert second.serial != first.serial


# ------------------------------------------------------------------ time series
def test_series_specs_have_one_line_per_platform_and_day(small_model):
    f = frames(small_model)
    n_platforms = len(f.platform_names)
    for series in SERIES:
        spec = series_spec(series, f.platforms, f.platform_names)
        rows = spec["data"]["values"]
        json.dumps(spec, allow_nan=False)
        assert spec["title"]["text"] == series.title
        days = {r["step"] for r in rows}
        assert max(days) == f.day
        per_measure = len(series.columns)
        if series.name != "avg_cpc":  # CPC is undefined on days without a paid click
            assert len(rows) == f.day * n_platforms * per_measure
        assert {r["platform"] for r in rows} <= set(f.platform_names)


def test_sellers_panel_shows_all_and_multihoming_sellers(small_model):
    f = frames(small_model)
    spec = series_spec(SERIES_BY_NAME["sellers"], f.platforms, f.platform_names)
    rows = spec["data"]["values"]
    assert {r["measure"] for r in rows} == {"all sellers", "multi-homing"}
    last = f.platforms[f.platforms["step"] == f.day].set_index("platform")
    for row in rows:
        if row["step"] == f.day:
            column = "sellers" if row["measure"] == "all sellers" else "multihoming_sellers"
            assert row["value"] == last.loc[row["platform"], column]
    assert spec["encoding"]["strokeDash"]["field"] == "measure"


# ------------------------------------------------------------------ network
MOVES = pd.DataFrame([
    # step, from, to, move, sellers
    (3, "(entry)", "A", "entry", 4),
    (3, "A", "B", "switch", 2),
    (5, "A", "B", "add", 3),
    (5, "B", "A", "switch", 1),
    (6, "A", "(none)", "close", 5),
    (6, "(none)", "B", "join", 2),
    (6, "(none)", "(exit)", "left", 7),
    (40, "B", "(exit)", "exit", 1),
], columns=["step", "from_platform", "to_platform", "move", "sellers"])


def test_migration_graph_weights_edges_by_sellers_moved():
    graph = migration_graph(MOVES.iloc[:-1], ["A", "B"], {"A": 10, "B": 20}, day=10, window=None)
    assert set(graph.nodes) == {"A", "B", ENTRY, EXIT}
    assert graph.nodes["B"]["stores"] == 20
    assert graph["A"]["B"]["weight"] == 5
    assert graph["A"]["B"]["moves"] == {"switch": 2, "add": 3}
    assert graph["B"]["A"]["weight"] == 1
    assert graph[ENTRY]["A"]["weight"] == 4
    assert graph["A"][EXIT]["weight"] == 5  # a closed store leaves the platform
    assert graph[ENTRY]["B"]["weight"] == 2  # a first store comes from outside
    assert not graph.has_edge(ENTRY, EXIT)  # leaving with no store left draws no edge


def test_migration_graph_counts_only_the_recent_window():
    graph = migration_graph(MOVES, ["A", "B"], {}, day=40, window=28)
    assert list(graph.edges) == [("B", EXIT)]
    empty = migration_graph(MOVES.iloc[0:0], ["A", "B"], {}, day=1)
    assert empty.number_of_edges() == 0 and empty.number_of_nodes() == 4


def test_network_layout_and_arrows():
    pos = node_positions(["A", "B", "C"])
    assert pos["A"] == pytest.approx([0.0, 1.0], abs=1e-6)  # the first platform on top
    assert pos[ENTRY][0] < 0 < pos[EXIT][0]
    graph = migration_graph(MOVES.iloc[:-1], ["A", "B"], {"A": 1, "B": 1}, day=10, window=None)
    nodes, edges = graph_tables(graph, node_positions(["A", "B"]))
    by_pair = {(e["source"], e["target"]): e for e in edges}
    ab, ba = by_pair[("A", "B")], by_pair[("B", "A")]
    assert ab["x"] != ba["x"]  # reciprocal edges side by side, not on top of each other
    assert ab["angle"] == pytest.approx(180.0)  # A (top) -> B (bottom): arrow points down
    assert ba["angle"] == 0.0
    assert {n["node"] for n in nodes} == {"A", "B", ENTRY, EXIT}
    spec = network_spec(graph, node_positions(["A", "B"]), day=10, window=None)
    assert layer_data(spec, 0) == edges and "days 1–10" in spec["title"]["subtitle"]
    json.dumps(spec, allow_nan=False)


def test_network_of_a_running_model(small_model):
    f = frames(small_model)
    stores = stores_now(f.platforms)
    assert set(stores) == set(f.platform_names)
    counted = f.sellers.groupby("platform").size().to_dict()
    assert stores == {p: counted.get(p, 0) for p in f.platform_names}
    graph = migration_graph(f.migrations, f.platform_names, stores, f.day)
    total = sum(d["weight"] for _, _, d in graph.edges(data=True))
    recent = f.migrations[f.migrations["step"] > f.day - 28]
    both_pseudo = recent["from_platform"].isin(["(none)", "(entry)"]) & recent[
        "to_platform"].isin(["(none)", "(exit)"])
    assert total == int(recent.loc[~both_pseudo, "sellers"].sum())


# ------------------------------------------------------------------ seller map
def test_seller_map_plots_every_store_by_platform_and_kind(small_model):
    f = frames(small_model)
    spec = seller_map_spec(f.sellers, f.platform_names)
    points = layer_data(spec, 1)
    assert len(points) == len(f.sellers)
    assert {p["platform"] for p in points} <= set(f.platform_names)
    assert {p["kind"] for p in points} <= set(KIND_SHAPES)
    enc = spec["layer"][1]["encoding"]
    assert (enc["x"]["field"], enc["y"]["field"]) == ("unit_cost", "price")
    assert enc["shape"]["field"] == "kind"
    json.dumps(spec, allow_nan=False)


def test_seller_map_samples_large_markets_evenly():
    sellers = pd.DataFrame({"seller": range(5000), "unit_cost": 1.0, "price": 2.0})
    sample = sample_stores(sellers, 1000)
    assert len(sample) == 1000
    assert sample["seller"].iloc[0] == 0 and sample["seller"].iloc[-1] == 4999


# ------------------------------------------------------------------ status
def test_hhi_reading():
    assert hhi_label(1000) == "unconcentrated"
    assert hhi_label(2000) == "moderately concentrated"
    assert hhi_label(6000) == "highly concentrated"


def test_status_names_leader_hhi_and_settings(small_model):
    status = market_status(small_model)
    f = frames(small_model)
    today = f.platforms[f.platforms["step"] == f.day]
    assert status.day == small_model.day == f.day
    assert status.leader == today.loc[today["gmv_share"].idxmax(), "platform"]
    assert status.hhi == pytest.approx(float(today["hhi"].iloc[0]))
    text = status_html(status, "flywheel")
    assert f"Day {f.day} · flywheel" in text and status.leader in text
    assert "2,000 consumers" in text and "120 sellers" in text


def test_changes_report_shocks_moves_and_a_new_leader(small_model):
    f = frames(small_model)
    day = f.day
    platforms = f.platforms.copy()
    names = list(f.platform_names)
    # make yesterday's leader someone else than today's
    today = platforms["step"] == day
    yesterday = platforms["step"] == day - 1
    leader_today = platforms.loc[today].set_index("platform")["gmv_share"].idxmax()
    other = next(n for n in names if n != leader_today)
    platforms.loc[yesterday, "gmv_share"] = 0.0
    platforms.loc[yesterday & (platforms["platform"] == other), "gmv_share"] = 1.0
    moves = pd.DataFrame([(day, names[0], names[1], "switch", 4)],
                         columns=["step", "from_platform", "to_platform", "move", "sellers"])
    fake = type(f)(serial=-1, day=day, platform_names=f.platform_names, platforms=platforms,
                   migrations=moves, sellers=f.sellers)
    changes = describe_changes(fake, [(day - 3, "old news"), (day, "rival cut its fee to 5%")])
    assert changes[0] == "rival cut its fee to 5%"
    assert "old news" not in " ".join(changes)
    assert f"new market leader: {leader_today} (was {other})" in changes
    assert f"4 seller moves ({names[0]} → {names[1]} 4)" in changes


def test_status_text_is_escaped():
    from viz.status import Status

    text = status_html(Status(day=1, changes=["<script>x</script>"], settings="a & b"))
    assert "<script>" not in text and "&lt;script&gt;" in text and "a &amp; b" in text
