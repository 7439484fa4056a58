"""The report: migration by type of move, derived series, one offline page with every figure."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.reports.figures import Calendar, move_balance, with_derived
from experiments.reports.run_report import migration_matrix, write_report
from model.config import load_scenario, scenario_path

MOVES = pd.DataFrame([
    # step, from, to, move, sellers
    (7, "(entry)", "a", "entry", 4),
    (7, "a", "b", "add", 10),
    (7, "a", "b", "switch", 2),
    (14, "b", "(none)", "close", 3),
    (14, "a", "(exit)", "left", 1),
    (14, "(none)", "(exit)", "left", 5),
], columns=["step", "from_platform", "to_platform", "move", "sellers"])


def platforms_table(runs: int = 1, days: int = 30) -> pd.DataFrame:
    rows = []
    for run in range(runs):
        for day in range(1, days + 1):
            for name, launch in (("a", 0), ("b", 10)):
                rows.append({"run_id": f"r{run}", "step": day, "platform": name,
                             "gmv_share": 0.5 + 0.01 * run, "active_consumers": 100.0 * day,
                             "sellers": 10.0, "multihoming_sellers": 4.0, "take_rate": 0.2,
                             "avg_cpc": 1.0 + (day % 2), "price_index": 1.0, "profit": 5.0,
                             "launch": launch})
    return pd.DataFrame(rows).drop(columns="launch")


def test_an_add_is_a_gain_for_the_platform_added_and_no_loss_for_the_first():
    balance = move_balance(MOVES, n_reps=2)
    assert balance.loc["b", "add"] == 5 and balance.loc["b", "switch in"] == 1
    assert balance.loc["a", "switch out"] == 1 and balance.loc["a", "entry"] == 2
    assert balance.loc["a", ["close"]].sum() == 0 and balance.loc["b", "close"] == 1.5
    assert balance.loc["a", "exit"] == 0.5  # the seller with no store left counts nowhere
    lost_by_a = balance.loc["a", ["switch out", "close", "exit"]].sum()
    assert lost_by_a == 1.5  # not the 12 moves "out of a" a from -> to total would show


def test_migration_matrix_keeps_the_type_of_move():
    table = migration_matrix(MOVES, n_reps=1)
    ab = table[(table["from_platform"] == "a") & (table["to_platform"] == "b")]
    assert dict(zip(ab["move_type"], ab["sellers_per_run"], strict=True)) == {"add": 10,
                                                                              "switch": 2}
    assert set(table["move_type"]) == {"entry", "add", "switch", "close", "exit"}


def test_derived_series_blank_unlaunched_platforms_and_smooth_daily_flows():
    frame = with_derived(platforms_table(), Calendar(launch_days={"b": 10}), rolling=2)
    b = frame[frame["platform"] == "b"].set_index("step")
    assert b.loc[:9, ["price_index", "sellers"]].isna().all().all()
    assert b.loc[10:, "price_index"].notna().all()
    assert (frame["multihoming_share"].dropna() == 0.4).all()
    a = frame[frame["platform"] == "a"].set_index("step")
    assert a.loc[5, "avg_cpc"] == pytest.approx(1.5)  # mean of 1 and 2 over two days
    assert a.loc[5, "active_consumers"] == 500  # a stock is not smoothed


@pytest.mark.parametrize("runs", [1, 3])
def test_report_page_is_one_offline_file_with_story_targets_and_every_figure(tmp_path: Path,
                                                                             runs: int):
    config = load_scenario("apparel_fee_cut")
    events = pd.DataFrame({"run_id": "r0", "step": [5], "event": ["fee cut to 5%"]})
    targets = pd.DataFrame({"target": ["Prices fall"], "platform": ["a"], "measure": ["change"],
                            "reported": ["lower"], "accepted_range": ["[-inf, 0]"],
                            "simulated": [-0.1], "matched": [1.0]})
    files = write_report(platforms_table(runs), MOVES, tmp_path, model="toy", events=events,
                         config=config, targets=targets, rolling=7,
                         scenario_file=scenario_path("apparel_fee_cut"))
    page = files["index"].read_text()
    assert config.story.split(":")[0] in page and "Day 1 = 1 Oct 2023" in page
    assert "Prices fall" in page and "fee cut to 5%" in page and "05 Oct 2023" in page
    images = re.findall(r'<img [^>]*src="([^"]+)"', page)
    assert len(images) == 3 and all(src.startswith("data:image/png;base64,") for src in images)
    assert not re.search(r'(src|href)="(https?:|//|[^d"#])', page)  # nothing outside the page
    reps = "1 replication" if runs == 1 else f"{runs} replications"
    assert reps in page
    assert ("_low" in page) == (runs > 1)  # CIs only with two or more replications
    for png in ("timeseries_ci.png", "migration_flows.png", "final_share.png"):
        assert (tmp_path / png).stat().st_size > 10_000


def test_a_negative_rolling_window_is_refused(tmp_path: Path):
    with pytest.raises(ValueError, match="rolling = -1"):
        write_report(platforms_table(), MOVES, tmp_path, model="toy", rolling=-1)
    assert not np.any([p.suffix == ".png" for p in tmp_path.iterdir()])


def test_the_report_shows_what_each_platform_wins(tmp_path):
    from experiments.models.market import simulate

    tables = simulate("platform_models", {"consumers.n_consumers": 1500,
                                          "sellers.n_sellers": 80}, seed=3, steps=40)
    wins = tables["wins"]
    assert list(wins["platform"]) == ["incumbent", "auction", "paid_traffic", "retail"]
    shares = wins.filter(like="gmv_share_")
    np.testing.assert_allclose(shares.sum(axis=0), 1.0)   # each category's GMV, split
    assert wins["shopper_share"].sum() == pytest.approx(1.0)
    assert (wins.filter(like="sellers_").sum(axis=1) > 0).all()
    files = write_report(tables["platforms"].assign(run_id="r0"), tables["migration"],
                         tmp_path, wins=wins.assign(run_id="r0", seed=3))
    table = pd.read_csv(files["wins_csv"])
    assert "seed" not in table and "sellers_factory" in table
    assert "What each platform wins" in files["index"].read_text(encoding="utf-8")
