"""The Flywheel dashboard: a Mesa ``SolaraViz`` page to learn the market from by watching it.

Sidebar: the scenario picker (with the scenario's story), Mesa's Step / Play / Reset, and the
controls (seed, numbers of consumers and sellers, consumer price sensitivity and multi-homing,
each platform's referral fee and subsidy budget). Main area, every panel in the same platform
colours: a status text (day, market leader, HHI, what changed since the previous day), six
time series (GMV share, active consumers, sellers and multi-homing sellers, take rate, average
CPC, price index), the seller-migration network and the seller map.

Picking another scenario builds that scenario's model at once and shows its own platforms'
controls. Changing a control takes effect on Reset. Every browser session gets its own model.

Run it with ``make viz`` (or ``flywheel viz``, or ``python -m viz.server``).
"""

from __future__ import annotations

import solara
from mesa.visualization import SolaraViz

from model.config import list_scenarios
from viz.model import DEFAULT_SCENARIO, DashboardModel, model_params_for
from viz.network import MigrationNetwork
from viz.plots import SERIES_PANELS
from viz.refresh import use_refresh_hub
from viz.seller_map import SellerMap
from viz.status import StatusPanel

TITLE = "Flywheel: marketplace competition"
PLAY_INTERVAL_MS = 101  # Mesa's slider moves in steps of 10 from 1

# Vuetify shows a slider's value only while it is dragged; show it all the time, as small
# text under the thumb, so the controls can be read before pressing Reset.
SLIDER_VALUES_CSS = """
.v-slider .v-slider__thumb-container .v-slider__thumb-label-container { display: block !important; }
.v-slider .v-slider__thumb-container .v-slider__thumb-label.primary {
    transform: translateX(-50%) translateY(30px) !important; border-radius: 0 !important;
    background-color: transparent !important; color: #444 !important;
    font-size: 11px !important; height: auto !important; width: auto !important;
    white-space: nowrap;
}
.v-slider .v-slider__thumb-label > * { transform: none !important; }
"""

COMPONENTS = [StatusPanel, *SERIES_PANELS, MigrationNetwork, SellerMap]


@solara.component
def ScenarioPicker(scenario: solara.Reactive[str]):
    """Scenario choice and its one-line story; choosing one rebuilds the model."""
    scenarios = dict(list_scenarios())
    with solara.Card("Scenario", classes=["flywheel-scenario"]):
        solara.Select(label="Scenario", values=list(scenarios), value=scenario)
        solara.Text(scenarios.get(scenario.value, ""), style={"font-size": "0.9em"})


@solara.component
def Page():
    """One session's dashboard: its own scenario choice, model and SolaraViz controls."""
    scenario = solara.use_reactive(DEFAULT_SCENARIO)
    model = solara.use_memo(lambda: DashboardModel(scenario_name=scenario.value),
                            [scenario.value])
    params = solara.use_memo(lambda: model_params_for(scenario.value), [scenario.value])
    use_refresh_hub()  # all panels redraw in one pass per Step
    solara.Style(SLIDER_VALUES_CSS)
    with solara.Sidebar():
        ScenarioPicker(scenario)
    # A new key per scenario remounts SolaraViz, so its controls restart from the new
    # scenario's values instead of keeping the previous scenario's platform sliders.
    SolaraViz(model, components=COMPONENTS, model_params=params, name=TITLE,
              play_interval=PLAY_INTERVAL_MS, render_interval=1).key(f"viz-{scenario.value}")


page = Page
