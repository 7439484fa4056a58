"""The Flywheel dashboard: a Solara page to learn the market from by watching it.

Sidebar: the scenario picker (with the scenario's story); Reset, Play/Pause and Step, how
often Play redraws ("Draw every" 1, 7 or 30 days) and "Run to day N"; a CSV download of the
run's per-platform table; the settings (seed, numbers of consumers and sellers, consumer price
sensitivity and multi-homing, each platform's referral fee and subsidy budget). Main area,
every panel in the same platform colours: a status text (day and date, market leader, HHI,
what changed since the previous day), six time series over the scenario's calendar with its
shocks marked (GMV share, active consumers, sellers and multi-homing sellers, take rate,
average CPC, price index), the seller-migration network and the seller map.

Picking another scenario builds that scenario's model at once and shows its own platforms'
settings, at the scenario's values. Changing a setting takes effect on Reset, which rebuilds
the scenario the picker shows with the settings shown. The model steps with Mesa's event
scheduler (``MarketModel`` is a Mesa model); the page is plain Solara, so nothing of the
framework's own controls shows. Every browser session gets its own model.

Run it with ``make viz`` (or ``flywheel viz``, or ``python -m viz.server``).
"""

from __future__ import annotations

import solara

from model.config.scenario import list_scenarios
from viz.controls import CsvDownload, RunControls, SettingControls
from viz.model import DEFAULT_SCENARIO, DashboardModel, controls_for, initial_values
from viz.network import MigrationNetwork
from viz.plots import SERIES_PANELS
from viz.refresh import use_refresh_hub
from viz.seller_map import SellerMap
from viz.status import StatusPanel

TITLE = "Flywheel: marketplace competition"
PANELS = (*SERIES_PANELS, MigrationNetwork, SellerMap)
GRID_STYLE = {"display": "grid", "grid-template-columns": "repeat(2, minmax(0, 1fr))",
              "gap": "12px", "width": "100%"}


@solara.component
def ScenarioPicker(scenario: str, on_scenario):
    """Scenario choice and its one-line story; choosing one builds it at once."""
    scenarios = dict(list_scenarios())
    with solara.Card("Scenario", classes=["flywheel-scenario"]):
        solara.Select(label="Scenario", values=list(scenarios), value=scenario,
                      on_value=on_scenario)
        solara.Text(scenarios.get(scenario, ""), style={"font-size": "0.9em"})


def build_model(scenario: str, values: dict) -> DashboardModel:
    """The scenario's dashboard model with the settings ``values``."""
    return DashboardModel(scenario_name=scenario, **values)


@solara.component
def Page():
    """One session's dashboard: its own scenario, settings and model."""
    scenario = solara.use_reactive(DEFAULT_SCENARIO)
    values = solara.use_reactive(solara.use_memo(lambda: initial_values(DEFAULT_SCENARIO), []))
    first = solara.use_memo(lambda: build_model(DEFAULT_SCENARIO, values.value), [])
    model = solara.use_reactive(first)
    playing = solara.use_reactive(False)
    controls = solara.use_memo(lambda: controls_for(scenario.value), [scenario.value])
    hub = use_refresh_hub()

    def choose(name: str) -> None:
        playing.set(False)
        fresh = initial_values(name)
        scenario.set(name)
        values.set(fresh)
        model.set(build_model(name, fresh))

    def reset() -> None:
        playing.set(False)
        model.set(build_model(scenario.value, values.value))

    with solara.AppBar():
        solara.AppBarTitle(TITLE)
    with solara.Sidebar():
        ScenarioPicker(scenario.value, choose)
        RunControls(model, hub, playing, reset)
        CsvDownload(model.value, hub)
        SettingControls(scenario.value, controls, values)
    with solara.Column(style={"padding": "8px", "width": "100%"}):
        with solara.Card(classes=["flywheel-status-card"]):
            StatusPanel(model.value)
        with solara.Div(style=GRID_STYLE, classes=["flywheel-panels"]):
            for panel in PANELS:
                with solara.Card(margin=0, classes=["flywheel-panel"]):
                    panel(model.value)


page = Page
