"""Fixtures for the dashboard tests: small models, the served dashboard and a headless browser.

Browser tests need Debian's Chromium at /usr/bin/chromium and the front-end files in
``.solara-assets/``; ``make test`` installs both first (``make browser-deps``). Screenshots and
the server log go to ``test-artifacts/``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

from viz.assets import REPO_ROOT

ARTIFACTS = REPO_ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1400, "height": 3100}  # tall enough for every panel in one screenshot
CHART_NAMES = ("gmv_share", "active_consumers", "sellers", "take_rate", "avg_cpc",
               "price_index", "fee_levers", "ad_slots", "network", "seller_map")
SMALL = {"n_consumers": 2000, "n_sellers": 120}


@pytest.fixture
def small_model():
    """A small dashboard model of the default scenario, run for 12 days."""
    from viz.model import DashboardModel

    model = DashboardModel(seed=3, **SMALL)
    for _ in range(12):
        model.step()
    return model


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def dashboard_url(artifacts: Path) -> Iterator[str]:
    """The dashboard served by ``viz.server`` on a free 127.0.0.1 port for this test session."""
    from viz.assets import ensure_assets
    from viz.server import DashboardServer

    assets = ensure_assets()  # a no-op after `make browser-deps`
    with (artifacts / "dashboard-server.log").open("w") as log:
        server = DashboardServer(assets_dir=assets, log=log)
        server.start(timeout=180)
        try:
            yield server.url
        finally:
            server.stop()


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser-deps` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@dataclass
class PageWatch:
    """What went wrong while a page was open: script errors, failed or outside requests."""

    host: str
    page_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("response", self._response)
        page.on("request", self._request)

    def _response(self, response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.url}")

    def _request(self, request) -> None:
        host = urlparse(request.url).hostname
        if request.url.startswith(("http:", "https:", "ws:", "wss:")) and host != self.host:
            self.outside.append(request.url)


STEP_JS = """
() => new Promise((resolve, reject) => {
  const status = document.querySelector('.flywheel-status');
  const before = status.innerText.match(/Day (\\d+)/)[1];
  const button = [...document.querySelectorAll('button')]
      .find(b => b.innerText.trim().toUpperCase() === 'STEP');
  const t0 = performance.now();
  const done = () => {
    const m = status.innerText.match(/Day (\\d+)/);
    if (m && m[1] !== before) { observer.disconnect(); resolve(performance.now() - t0); }
  };
  const observer = new MutationObserver(done);
  observer.observe(status, {subtree: true, childList: true, characterData: true});
  setTimeout(() => { observer.disconnect(); reject(new Error('no new day after Step')); }, 30000);
  button.click();
})
"""

# Drawn marks per chart: line paths with geometry, symbols (points, nodes), rules (edges).
MARKS_JS = """
(name) => {
  const svg = document.querySelector('.flywheel-chart-' + name + ' svg');
  if (!svg) return null;
  const lines = [...svg.querySelectorAll('g.mark-line path')]
      .filter(p => (p.getAttribute('d') || '').length > 20).length;
  const symbols = svg.querySelectorAll('g.mark-symbol path').length;
  const rules = svg.querySelectorAll('g.mark-rule line').length;
  const box = svg.getBoundingClientRect();
  return {lines, symbols, rules, width: box.width, height: box.height};
}
"""


class Dashboard:
    """One browser tab on the dashboard, with the actions a person takes."""

    def __init__(self, page, watch: PageWatch) -> None:
        self.page = page
        self.watch = watch

    def status(self) -> str:
        return self.page.inner_text(".flywheel-status")

    def day(self) -> int:
        match = re.search(r"Day (\d+)", self.status())
        assert match, self.status()
        return int(match.group(1))

    def step(self) -> float:
        """Press Step; return the round trip in ms (click to the new day on screen)."""
        return float(self.page.evaluate(STEP_JS))

    def wait_for_status(self, text: str, timeout: float = 30_000) -> None:
        self.page.locator(".flywheel-status", has_text=text).wait_for(timeout=timeout)

    def wait_for_day(self, day: int, timeout: float = 30_000) -> None:
        pattern = re.compile(rf"\bDay {day}\b")  # case-sensitive: not "since day N"
        self.page.locator(".flywheel-status", has_text=pattern).wait_for(timeout=timeout)

    def wait_for_day_at_least(self, day: int, timeout: float = 60_000) -> None:
        self.page.wait_for_function(
            """(day) => {
                const m = document.querySelector('.flywheel-status').innerText.match(/Day (\\d+)/);
                return m && Number(m[1]) >= day;
            }""", arg=day, timeout=timeout)

    def marks(self, name: str) -> dict | None:
        return self.page.evaluate(MARKS_JS, name)

    def wait_for_charts(self, timeout: float = 60.0) -> dict[str, dict | None]:
        """Wait until every chart has drawn marks (Vega redraws ~100 ms after new data)."""
        deadline = time.monotonic() + timeout
        while True:
            marks = {name: self.marks(name) for name in CHART_NAMES}
            if all(m and (m["lines"] or m["symbols"]) for m in marks.values()):
                return marks
            if time.monotonic() > deadline:
                return marks
            time.sleep(0.25)

    def slider(self, label: str):
        """The thumb of the sidebar slider with this label (keyboard-operable)."""
        return self.page.locator(f".v-input:has(label:text-is('{label}')) [role=slider]")

    def nudge(self, label: str, key: str = "ArrowRight") -> str:
        """Move a slider one step with the keyboard; return its new value."""
        thumb = self.slider(label)
        thumb.focus()
        before = thumb.get_attribute("aria-valuenow")
        thumb.press(key)
        self.page.wait_for_function(
            "([el, before]) => el.getAttribute('aria-valuenow') !== before",
            arg=[thumb.element_handle(), before])
        return thumb.get_attribute("aria-valuenow") or ""

    def reset(self) -> None:
        self.page.get_by_role("button", name="Reset").click()
        self.wait_for_day(0)

    def choose(self, scenario: str) -> None:
        """Pick a scenario in the sidebar; wait until its model is shown."""
        self.page.locator(".flywheel-scenario .v-select").click()
        self.page.get_by_role("option", name=scenario, exact=True).click()
        self.wait_for_status(f"· {scenario}")
        self.wait_for_day(0)

    def run_to(self, day: int, timeout: float = 120_000) -> None:
        """Type a day into "Run to day" and run the market up to it."""
        box = self.page.locator(".flywheel-run-to input")
        box.fill(str(day))
        box.press("Enter")
        self.page.get_by_role("button", name="Run to day").click()
        self.wait_for_day(day, timeout=timeout)

    def shock_markers(self, name: str = "gmv_share") -> int:
        """Shock markers drawn on a time-series chart."""
        return self.page.locator(f".flywheel-chart-{name} svg g.shocks_marks path").count()

    def screenshot(self, path: Path) -> Path:
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def open_dashboard(browser, dashboard_url: str) -> Iterator[Callable[[], Dashboard]]:
    """Open the dashboard in a fresh browser context (its own Solara session) per call."""
    contexts = []

    def _open() -> Dashboard:
        context = browser.new_context(viewport=VIEWPORT)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(60_000)
        watch = PageWatch(host=urlparse(dashboard_url).hostname or "127.0.0.1")
        watch.attach(page)
        page.goto(dashboard_url)
        page.locator(".flywheel-status", has_text=re.compile(r"\bDay 0\b")).wait_for(
            timeout=120_000)
        page.locator(".flywheel-chart-gmv_share svg").wait_for(timeout=60_000)
        return Dashboard(page, watch)

    yield _open
    for context in contexts:
        context.close()
