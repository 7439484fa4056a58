"""The dashboard's pieces without a browser: colours, data shaping, specs, graph, status text."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from model.config.scenario import list_scenarios, load_scenario
from viz.colors import ENTRY, EXIT, PALETTE, PSEUDO_COLORS, color_scale, platform_colors
from viz.data import add_dates, frames, mask_before_launch, platform_table, records, thin_steps
from viz.model import DashboardModel
from viz.network import (
    CLOSED,
    LEFT,
    NEW,
    graph_tables,
    migration_graph,
    network_spec,
    node_positions,
    stores_now,
)
from viz.plots import SERIES, SERIES_BY_NAME, series_spec, shock_rows
from viz.seller_map import KIND_SHAPES, sample_stores, seller_map_spec
from viz.status import describe_changes, hhi_label, market_status, status_html


def layer_data(spec: dict, index: int) -> list[dict]:
    return spec["layer"][index]["data"]["values"]


# ------------------------------------------------------------------ colours
def test_each_platform_keeps_its_colour_across_scenarios_and_pseudo_nodes_are_grey():
    alone = platform_colors(["incumbent"])["incumbent"]
    with_rivals = platform_colors(["incumbent", ENTRY, "managed", EXIT, "content"])
    assert with_rivals["incumbent"] == alone == PALETTE[0]  # stable per name
    assert with_rivals[ENTRY] == PSEUDO_COLORS[ENTRY] and with_rivals[EXIT] == PSEUDO_COLORS[EXIT]
    assert platform_colors(["managed"])["managed"] == with_rivals["managed"]
    unknown = platform_colors(["zeta"])["zeta"]
    assert platform_colors(["incumbent", "zeta"])["zeta"] in PALETTE and unknown in PALETTE
    scale = color_scale(["incumbent", "managed"])
    assert scale == {"domain": ["incumbent", "managed"],
                     "range": [with_rivals["incumbent"], with_rivals["managed"]]}


@pytest.mark.parametrize("name", [n for n, _ in list_scenarios()])
def test_no_two_platforms_of_a_scenario_share_a_colour(name):
    names = [p.name for p in load_scenario(name).platforms]
    colors = platform_colors(names)
    assert len(set(colors.values())) == len(names)


def test_every_panel_uses_the_same_platform_colours(small_model):
    f = frames(small_model)
    expected = color_scale(f.platform_names)
    for series in SERIES:
        lines = series_spec(series, f.platforms, f.platform_names)["layer"][0]
        assert lines["encoding"]["color"]["scale"] == expected
    points = seller_map_spec(f.sellers, f.platform_names)["layer"][2]["encoding"]["color"]
    assert points["scale"] == expected
    graph = migration_graph(f.migrations, f.platform_names, stores_now(f.platforms), f.day)
    net = network_spec(graph, node_positions(f.platform_names), f.day)
    node_scale = next(layer["encoding"]["fill"]["scale"] for layer in net["layer"]
                      if "fill" in layer["encoding"])
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
        spec = series_spec(series, f.platforms, f.platform_names, f.start_date)
        rows = layer_data(spec, 0)
        json.dumps(spec, allow_nan=False)
        assert spec["title"]["text"] == series.title
        days = {r["step"] for r in rows}
        assert max(days) == f.day
        per_measure = len(series.columns)
        if series.name != "avg_cpc":  # CPC is undefined on days without a paid click
            assert len(rows) == f.day * n_platforms * per_measure
        assert {r["platform"] for r in rows} <= set(f.platform_names)


def test_time_axes_show_the_scenarios_calendar(small_model):
    f = frames(small_model)
    assert f.start_date == "2020-01-01"
    spec = series_spec(SERIES_BY_NAME["gmv_share"], f.platforms, f.platform_names, f.start_date)
    x = spec["layer"][0]["encoding"]["x"]
    assert (x["field"], x["type"]) == ("date", "temporal")
    rows = layer_data(spec, 0)
    assert {r["date"] for r in rows if r["step"] == 1} == {"2020-01-01"}
    assert {r["date"] for r in rows if r["step"] == 12} == {"2020-01-12"}
    plain = series_spec(SERIES_BY_NAME["gmv_share"], f.platforms.drop(columns="date"),
                        f.platform_names)
    assert plain["layer"][0]["encoding"]["x"]["field"] == "step"  # no calendar: day numbers


def test_shocks_are_marked_with_their_label():
    rows = shock_rows([(63, "managed launched"), (63, "fee cut"), (120, "ads")], "2022-07-01")
    assert rows[0] == {"step": 63, "date": "2022-09-01", "when": "01 Sep 2022 (day 63)",
                       "shock": "managed launched; fee cut"}
    frame = pd.DataFrame({"step": [1, 2], "platform": ["a", "a"], "gmv_share": [0.5, 0.6]})
    spec = series_spec(SERIES_BY_NAME["gmv_share"], add_dates(frame, "2022-07-01"), ["a"],
                       "2022-07-01", [(2, "fee cut")])
    marker = next(layer for layer in spec["layer"] if layer.get("name") == "shocks")
    assert marker["data"]["values"][0]["shock"] == "fee cut"
    assert {"field": "shock", "title": "what"} in marker["encoding"]["tooltip"]
    quiet = series_spec(SERIES_BY_NAME["gmv_share"], frame, ["a"])
    assert len(quiet["layer"]) == 1  # no shock yet, no marker


def test_a_platform_has_no_values_before_it_launches():
    model = DashboardModel(scenario_name="new_rivals", n_consumers=1000, n_sellers=60)
    model.run(64)  # the managed platform opens on day 63
    table = platform_table(model)
    managed = table[table["platform"] == "managed"].set_index("step")
    assert managed.loc[:62, ["price_index", "gmv_share", "sellers"]].isna().all().all()
    assert managed.loc[63:, "price_index"].notna().all()
    assert table.loc[table["step"] == 63, "date"].iloc[0] == "2022-09-01"
    f = frames(model)
    assert "content" in f.platform_names and "content" not in f.launched  # opens in 2023
    raw = pd.DataFrame({"step": [1, 2], "platform": ["a", "a"], "v": [1, 2]})
    assert mask_before_launch(raw, {"a": 2})["v"].tolist()[1] == 2.0


def test_sellers_panel_shows_all_and_multihoming_sellers(small_model):
    f = frames(small_model)
    spec = series_spec(SERIES_BY_NAME["sellers"], f.platforms, f.platform_names, f.start_date)
    rows = layer_data(spec, 0)
    assert {r["measure"] for r in rows} == {"all sellers", "multi-homing"}
    last = f.platforms[f.platforms["step"] == f.day].set_index("platform")
    for row in rows:
        if row["step"] == f.day:
            column = "sellers" if row["measure"] == "all sellers" else "multihoming_sellers"
            assert row["value"] == last.loc[row["platform"], column]
    assert spec["layer"][0]["encoding"]["strokeDash"]["field"] == "measure"


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


def test_migration_graph_has_one_edge_per_move_type():
    graph = migration_graph(MOVES.iloc[:-1], ["A", "B"], {"A": 10, "B": 20}, day=10, window=None)
    assert set(graph.nodes) == {"A", "B", NEW, CLOSED, LEFT}
    assert graph.nodes["B"]["stores"] == 20
    assert graph["A"]["B"]["switch"]["weight"] == 2 and graph["A"]["B"]["add"]["weight"] == 3
    assert graph["B"]["A"]["switch"]["weight"] == 1
    assert graph[NEW]["A"]["entry"]["weight"] == 4
    assert graph["A"][CLOSED]["close"]["weight"] == 5  # a closed store, the seller stays
    assert graph[NEW]["B"]["entry"]["weight"] == 2  # a seller with no store opens one again
    assert not graph.has_edge(NEW, LEFT)  # leaving with no store left draws no edge


def test_migration_graph_counts_only_the_recent_window():
    graph = migration_graph(MOVES, ["A", "B"], {}, day=40, window=28)
    assert list(graph.edges(keys=True)) == [("B", LEFT, "exit")]
    empty = migration_graph(MOVES.iloc[0:0], ["A", "B"], {}, day=1)
    assert empty.number_of_edges() == 0 and empty.number_of_nodes() == 5


def _distance_to_segment(point, a, b) -> float:
    point, a, b = (np.asarray(v, dtype=float) for v in (point, a, b))
    t = np.clip(np.dot(point - a, b - a) / np.dot(b - a, b - a), 0.0, 1.0)
    return float(np.hypot(*(point - (a + t * (b - a)))))


@pytest.mark.parametrize("n_platforms", [2, 3, 5])
def test_no_arrow_runs_through_a_node_or_a_label(n_platforms):
    names = [f"p{i}" for i in range(n_platforms)]
    rows = [(1, a, b, "switch", 2) for a in names for b in names if a != b]
    rows += [(1, "(entry)", n, "entry", 1) for n in names]
    rows += [(1, n, "(none)", "close", 1) for n in names]
    rows += [(1, n, "(exit)", "left", 1) for n in names]
    moves = pd.DataFrame(rows, columns=MOVES.columns)
    graph = migration_graph(moves, names, {n: 5 for n in names}, day=1)
    pos = node_positions(names)
    nodes, edges = graph_tables(graph, pos)
    for edge in edges:
        for node in nodes:
            ends = {edge["source"], edge["target"]}
            clearance = _distance_to_segment((node["x"], node["y"]), (edge["x"], edge["y"]),
                                             (edge["x2"], edge["y2"]))
            if node["node"] not in ends:
                assert clearance > 0.2, (edge, node["node"])
            label = _distance_to_segment((node["lx"], node["ly"]), (edge["x"], edge["y"]),
                                         (edge["x2"], edge["y2"]))
            assert label > 0.2, (edge, node["node"])


def test_network_layout_and_arrows():
    pos = node_positions(["A", "B", "C"])
    assert pos["A"][1] > max(pos[n][1] for n in (NEW, CLOSED, LEFT))  # market edge below
    assert all(abs(np.hypot(*xy) - 1) < 1e-6 for xy in pos.values())  # all on one circle
    graph = migration_graph(MOVES.iloc[:-1], ["A", "B"], {"A": 1, "B": 1}, day=10, window=None)
    nodes, edges = graph_tables(graph, node_positions(["A", "B"]))
    lanes = [e for e in edges if {e["source"], e["target"]} == {"A", "B"}]
    assert len(lanes) == 3 and len({(e["x"], e["y"]) for e in lanes}) == 3  # side by side
    assert {e["move"] for e in lanes} == {"add", "switch"}
    assert {n["node"] for n in nodes} == {"A", "B", NEW, CLOSED, LEFT}
    spec = network_spec(graph, node_positions(["A", "B"]), day=10, window=None)
    assert layer_data(spec, 0) == edges and "days 1–10" in spec["title"]["subtitle"]
    colour = spec["layer"][0]["encoding"]["color"]
    assert colour["field"] == "move" and "add" in colour["scale"]["domain"]
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
    both_pseudo |= recent["from_platform"] == recent["to_platform"]
    assert total == int(recent.loc[~both_pseudo, "sellers"].sum())


# ------------------------------------------------------------------ seller map
def test_seller_map_plots_every_store_by_platform_and_kind(small_model):
    f = frames(small_model)
    spec = seller_map_spec(f.sellers, f.platform_names)
    points = layer_data(spec, 2)
    assert layer_data(spec, 1)[0]["label"].startswith("break-even")
    legends = [spec["layer"][2]["encoding"][c]["legend"]["orient"] for c in ("color", "shape")]
    assert legends == ["right", "right"]  # beside the plot, never cut off below it
    assert len(points) == len(f.sellers)
    assert {p["platform"] for p in points} <= set(f.platform_names)
    assert {p["kind"] for p in points} <= set(KIND_SHAPES)
    enc = spec["layer"][2]["encoding"]
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
    assert f"Day {f.day} · 12 Jan 2020 · flywheel" in text and status.leader in text
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
