"""The dashboard in a real headless Chromium: it loads, draws, steps, resets, keeps sessions apart.

These catch what no in-process test can: a blank page from missing front-end files, widgets
that fail in the browser (e.g. an incompatible ipyvue), charts that never draw.
"""

from __future__ import annotations

import statistics
import time

import pytest

from tests.viz.conftest import CHART_NAMES
from viz.model import DEFAULT_SCENARIO, model_params_for

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]


def consumers_text(n: int) -> str:
    return f"{n:,} consumers"


START = model_params_for(DEFAULT_SCENARIO)["n_consumers"]  # where the Consumers slider starts
N0, STEP = START["value"], START["step"]


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
    for name in CHART_NAMES[:6]:  # time series: one line (or more) per platform
        assert marks[name]["lines"] >= 2, f"{name}: {marks[name]}"
    assert marks["network"]["symbols"] >= 4  # platforms + (entry) + (exit)
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
