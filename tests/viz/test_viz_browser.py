"""The dashboard in a real headless Chromium: it loads, draws, steps, resets, keeps sessions apart,
rebuilds the picked scenario on Reset, dates its axes, marks shocks, runs to a day, exports CSV.

These catch what no in-process test can: a blank page from missing front-end files, widgets
that fail in the browser (e.g. an incompatible ipyvue), charts that never draw.
"""

from __future__ import annotations

import statistics
import time

import pandas as pd
import pytest

from model.config.scenario import list_scenarios, load_scenario
from tests.viz.conftest import CHART_NAMES
from viz.model import DEFAULT_SCENARIO, controls_for

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]


def consumers_text(n: int) -> str:
    return f"{n:,} consumers"


START = next(c for c in controls_for(DEFAULT_SCENARIO) if c.name == "n_consumers")
N0, STEP = START.value, int(START.step)  # where the Consumers slider starts, and its step


def test_page_loads_draws_every_panel_and_steps(open_dashboard, artifacts):
    dash = open_dashboard()
    assert dash.day() == 0
    times = []
    for _ in range(12):
        times.append(dash.step())
        time.sleep(0.3)  # as a person clicks: let the browser finish drawing
    assert dash.day() == 12
    assert "Market leader:" in dash.status()

    marks = dash.wait_for_charts()
    for name in CHART_NAMES:
        chart = marks[name]
        assert chart is not None, f"{name}: no SVG drawn"
        assert chart["width"] > 150 and chart["height"] > 150, f"{name}: {chart}"
    for name in CHART_NAMES[:8]:  # time series: one line (or more) per platform
        assert marks[name]["lines"] >= 2, f"{name}: {marks[name]}"
    assert marks["network"]["symbols"] >= 5  # platforms + the three market-edge nodes
    assert marks["seller_map"]["symbols"] >= 10  # stores

    shot = dash.screenshot(artifacts / "dashboard.png")
    assert shot.stat().st_size > 50_000  # a drawn page, not a blank one

    assert dash.watch.page_errors == []
    assert dash.watch.failed == []  # every front-end file came from the local cache
    assert dash.watch.outside == []  # and nothing was fetched from anywhere else
    median = statistics.median(times)
    report = (f"Step round trip (click -> new day shown) at {consumers_text(N0)}, ms: "
              f"median {median:.0f}, max {max(times):.0f}, all {[round(t) for t in times]}")
    (artifacts / "step-round-trip.txt").write_text(report + "\n")
    print("\n" + report)
    assert median < 3000  # sanity only; speed is measured in benchmarks


def test_slider_change_then_reset_rebuilds_the_model(open_dashboard):
    dash = open_dashboard()
    assert consumers_text(N0) in dash.status()
    dash.step()
    dash.step()
    assert dash.day() == 2

    assert dash.nudge("Consumers") == str(N0 + STEP)
    assert consumers_text(N0) in dash.status()  # a control acts on Reset, not before
    dash.reset()
    assert dash.day() == 0
    assert consumers_text(N0 + STEP) in dash.status()
    dash.step()
    assert dash.day() == 1
    assert dash.watch.page_errors == []


CLICK_STEP_JS = """() => [...document.querySelectorAll('button')]
    .find(b => b.innerText.trim().toUpperCase() === 'STEP').click()"""


def test_two_sessions_each_drive_their_own_model(open_dashboard):
    first, second = open_dashboard(), open_dashboard()
    for _ in range(3):
        first.step()
    second.step()
    assert (first.day(), second.day()) == (3, 1)

    second.nudge("Consumers", "ArrowLeft")
    second.reset()
    assert second.day() == 0 and consumers_text(N0 - STEP) in second.status()
    assert first.day() == 3 and consumers_text(N0) in first.status()  # untouched

    # both at once: each click advances only its own session's model
    first.page.evaluate(CLICK_STEP_JS)
    second.page.evaluate(CLICK_STEP_JS)
    first.wait_for_day(4)
    second.wait_for_day(1)
    assert consumers_text(N0) in first.status()
    assert consumers_text(N0 - STEP) in second.status()
    assert first.watch.page_errors == [] and second.watch.page_errors == []


def test_play_runs_the_market_until_paused(open_dashboard):
    dash = open_dashboard()
    dash.page.get_by_role("button", name="▶").click()
    dash.wait_for_day_at_least(5)  # Play steps on its own
    dash.page.get_by_role("button", name="❚❚").click()
    dash.page.get_by_role("button", name="▶").wait_for()
    time.sleep(0.5)  # a step already under way when Pause was pressed may still land
    paused_at = dash.day()
    time.sleep(1.5)
    assert dash.day() == paused_at >= 5  # and stops when paused
    assert dash.watch.page_errors == []


SCENARIOS = [name for name, _ in list_scenarios()]


def shot_day(name: str) -> int:
    """A day far enough into the story for seller moves and its first shocks on screen."""
    cfg = load_scenario(name)
    first = min([e.day for e in cfg.events] + [p.launch_day for p in cfg.platforms
                                                 if p.launch_day > 1], default=90)
    return min(cfg.steps, max(120, first + 30))


def test_reset_after_switching_rebuilds_each_scenario_with_its_settings(open_dashboard,
                                                                        artifacts):
    dash = open_dashboard()
    for name in SCENARIOS:
        dash.choose(name)
        first = load_scenario(name).platforms[0]
        label = f"{first.name}: referral fee"
        assert dash.slider(label).get_attribute("aria-valuenow") == f"{first.referral_fee:g}"
        dash.step()
        moved = float(dash.nudge(label))
        assert moved > first.referral_fee
        dash.reset()
        status = dash.status()
        shown = f"{100 * moved:.1f}".rstrip("0").rstrip(".")
        assert f"· {name}" in status and f"{first.name} {shown}%" in status, status
        sellers = dash.slider("Sellers").get_attribute("aria-valuenow")
        assert f"{int(sellers):,} sellers" in status  # the slider shows what the model runs

        dash.reset()  # a plain Reset keeps the scenario and its settings
        assert f"· {name}" in dash.status() and f"{first.name} {shown}%" in dash.status()
        dash.run_to(shot_day(name))
        dash.wait_for_charts()
        time.sleep(1.0)  # let Vega finish the last frame
        dash.screenshot(artifacts / f"dashboard-{name}.png")
    assert dash.watch.page_errors == []


def test_dates_on_axes_and_a_shock_marker_when_the_shock_fires(open_dashboard):
    dash = open_dashboard()
    dash.choose("new_rivals")  # day 1 = 1 Jul 2022; the managed platform opens on day 63
    dash.run_to(62)
    dash.wait_for_charts()
    assert "Day 62 · 31 Aug 2022" in dash.status()
    axis = dash.page.evaluate(
        "() => document.querySelector('.flywheel-chart-gmv_share svg').textContent")
    assert "2022" in axis and "Aug" in axis  # dates, not day numbers, on the time axis
    assert dash.shock_markers() == 0
    dash.step()
    dash.page.wait_for_function(
        "() => document.querySelectorAll('.flywheel-chart-gmv_share svg g.shocks_marks path')"
        ".length === 1", timeout=30_000)
    dash.page.locator(".flywheel-chart-gmv_share svg g.shocks_marks path").first.hover()
    tooltip = dash.page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible", timeout=10_000)
    assert "managed launched" in tooltip.inner_text()
    assert "01 Sep 2022" in tooltip.inner_text()
    assert dash.watch.page_errors == []


def test_run_to_day_runs_a_three_year_scenario_and_stops_there(open_dashboard, artifacts):
    dash = open_dashboard()
    days = load_scenario(DEFAULT_SCENARIO).steps  # three years
    start = time.monotonic()
    dash.run_to(days, timeout=300_000)
    took = time.monotonic() - start
    time.sleep(1.0)
    assert dash.day() == days  # and stays there
    assert dash.page.get_by_role("button", name="Step").is_enabled()
    report = f"Run to day {days} at {consumers_text(N0)}: {took:.1f} s"
    (artifacts / "run-to-day.txt").write_text(report + "\n")
    print("\n" + report)
    assert dash.watch.page_errors == []


def test_csv_download_holds_the_runs_platform_table(open_dashboard, tmp_path):
    dash = open_dashboard()
    for _ in range(3):
        dash.step()
    with dash.page.expect_download() as info:
        dash.page.get_by_role("button", name="Download CSV").click()
    download = info.value
    assert download.suggested_filename == "flywheel-day3.csv"
    path = tmp_path / "platforms.csv"
    download.save_as(path)
    table = pd.read_csv(path)
    names = [p.name for p in load_scenario(DEFAULT_SCENARIO).platforms]
    assert sorted(table["platform"].unique()) == sorted(names)
    assert table["step"].max() == 3 and len(table) == 3 * len(names)
    assert {"date", "gmv_share", "price_index", "multihoming_sellers"} <= set(table.columns)
    assert table.loc[table["step"] == 1, "date"].iloc[0] == "2020-01-01"
