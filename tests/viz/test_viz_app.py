"""The page and the model behind it, rendered in-process (no browser): wiring of the controls."""

from __future__ import annotations

import ipyvuetify as v
import pytest
import solara
import solara.widgets

from model.config.scenario import list_scenarios, load_scenario
from tests.viz.conftest import SMALL
from viz import app
from viz.model import (
    DASHBOARD_CONSUMERS,
    DashboardModel,
    controls_for,
    dashboard_sizes,
    initial_values,
    money,
    platform_key,
)
from viz.refresh import RefreshHub

THREE_PLATFORMS = """
name = "three"
story = "Three platforms for the dashboard test."
steps = 60
[consumers]
n_consumers = 3000
[sellers]
n_sellers = 150
[[platforms]]
name = "alpha"
kind = "marketplace"
[[platforms]]
name = "beta"
kind = "low_fee_marketplace"
subsidy_budget = 50000.0
[[platforms]]
name = "gamma"
kind = "marketplace"
referral_fee = 0.1
"""


# ------------------------------------------------------------------ the model
def test_controls_become_scenario_overrides():
    cfg = load_scenario("flywheel")
    first, second = (p.name for p in cfg.platforms[:2])
    model = DashboardModel(seed=5, n_consumers=1500, n_sellers=90, price_sensitivity=2.5,
                           multi_homing_share=0.4,
                           **{platform_key(first, "referral_fee"): 0.21,
                              platform_key(second, "subsidy_budget"): 12345})
    c = model.config
    assert (c.consumers.n_consumers, c.sellers.n_sellers) == (1500, 90)
    assert c.consumers.price_sensitivity == 2.5 and c.consumers.multi_homing_share == 0.4
    assert model.consumers.multi_homer.mean() == pytest.approx(0.4, abs=0.05)
    assert c.platform(first).referral_fee == 0.21
    assert c.platform(second).subsidy_budget == 12345
    assert model.seed == 5 and model.scenario_name == "flywheel"
    assert len(model.consumers) == 1500


def test_defaults_keep_the_scenario_but_size_it_for_the_browser():
    cfg = load_scenario("flywheel")
    model = DashboardModel(**SMALL)
    assert model.config.consumers.price_sensitivity == cfg.consumers.price_sensitivity
    assert [p.referral_fee for p in model.config.platforms] == [
        p.referral_fee for p in cfg.platforms]
    n_consumers, n_sellers = dashboard_sizes(cfg)
    assert n_consumers == min(cfg.consumers.n_consumers, DASHBOARD_CONSUMERS)
    ratio = cfg.consumers.n_consumers / cfg.sellers.n_sellers
    assert n_consumers / n_sellers == pytest.approx(ratio, rel=0.05)


def test_controls_left_over_from_another_scenario_are_ignored_and_typos_rejected():
    model = DashboardModel(**SMALL, **{platform_key("not-here", "referral_fee"): 0.5})
    assert "not-here" not in model.platform_names
    with pytest.raises(TypeError, match="unexpected control"):
        DashboardModel(**SMALL, **{platform_key(model.platform_names[0], "referal_fee"): 0.1})


def test_controls_start_at_the_scenarios_values():
    cfg = load_scenario("flywheel")
    controls = {c.name: c for c in controls_for("flywheel")}
    assert "scenario_name" not in controls  # the picker chooses it, not a slider
    assert controls["price_sensitivity"].value == cfg.consumers.price_sensitivity
    assert controls["multi_homing_share"].value == cfg.consumers.multi_homing_share
    assert controls["n_consumers"].value == dashboard_sizes(cfg)[0]
    for p in cfg.platforms:
        fee = controls[platform_key(p.name, "referral_fee")]
        budget = controls[platform_key(p.name, "subsidy_budget")]
        assert fee.value == p.referral_fee and fee.low <= p.referral_fee <= fee.high
        assert budget.value == p.subsidy_budget <= budget.high
        assert p.name in fee.label and p.name in budget.label


@pytest.mark.parametrize("name", [n for n, _ in list_scenarios()])
def test_no_control_clamps_a_scenarios_own_value(name):
    for control in controls_for(name):
        if control.kind != "bool":
            assert control.low <= control.value <= control.high, (name, control)


def test_fee_creeps_40_sellers_fit_the_sellers_slider():
    sellers = next(c for c in controls_for("fee_creep") if c.name == "n_sellers")
    assert sellers.value == load_scenario("fee_creep").sellers.n_sellers == 40
    assert sellers.low <= 40


def test_values_are_shown_as_people_read_them():
    controls = {c.name: c for c in controls_for("flywheel")}
    fee = controls[platform_key("marketplace", "referral_fee")]
    budget = controls[platform_key("marketplace", "subsidy_budget")]
    assert fee.shown(0.15) == "15%" and fee.shown(0.125) == "12.5%"
    assert budget.shown(20_000_000) == "$20.0M" and budget.shown(25_000) == "$25k"
    assert money(950) == "$950"
    assert controls["n_consumers"].shown(10_000) == "10,000"


def test_a_scenario_file_path_works_and_gets_its_own_platform_controls(tmp_path):
    path = tmp_path / "three.toml"
    path.write_text(THREE_PLATFORMS)
    values = initial_values(str(path))
    assert values[platform_key("gamma", "referral_fee")] == 0.1
    assert values[platform_key("beta", "subsidy_budget")] == 50000
    model = DashboardModel(scenario_name=str(path), **{platform_key("gamma", "referral_fee"): 0.3})
    assert model.platform_names == ["alpha", "beta", "gamma"]
    assert model.config.platform("gamma").referral_fee == 0.3


# ------------------------------------------------------------------ the page
def render_page():
    return solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)


def button(rc, label: str):
    return next(b for b in rc.find(v.Btn).widgets if b.children == [label])


def status_text(rc) -> str:
    return rc.find(solara.widgets.HTML).widget.unsafe_innerHTML


def chart_specs(rc) -> list[dict]:
    return [w.spec for w in rc.find(solara.widgets.VegaLite).widgets]


@pytest.fixture
def small_page(monkeypatch):
    """The page with a small default market, so in-process renders stay fast."""
    monkeypatch.setattr("viz.model.DASHBOARD_CONSUMERS", SMALL["n_consumers"])
    box, rc = render_page()
    yield rc
    rc.close()


def test_page_renders_every_panel(small_page):
    rc = small_page
    specs = chart_specs(rc)
    assert len(specs) == 10  # eight time series, the network and the seller map
    assert all(spec.get("title") for spec in specs)
    assert "Day 0 · starts 1 Jan 2020 · flywheel" in status_text(rc)
    labels = {w.label for w in rc.find(v.Slider).widgets}
    assert {"Seed", "Consumers", "Sellers", "Price sensitivity"} <= labels
    assert any(label.endswith("referral fee") for label in labels)
    assert any(label.endswith("subsidy budget") for label in labels)
    shown = " ".join(str(w.children) for w in rc.find(v.Html).widgets)
    assert "15%" in shown and "$" in shown  # fees in %, money in $


def test_step_redraws_every_panel_once(small_page):
    rc = small_page
    before = [id(spec) for spec in chart_specs(rc)]
    button(rc, "Step").click()
    button(rc, "Step").click()
    assert "Day 2 · 2 Jan 2020 · flywheel" in status_text(rc)
    after = chart_specs(rc)
    assert all(id(spec) != old for spec, old in zip(after, before, strict=True))
    gmv = next(s for s in after if s["title"]["text"] == "GMV share")
    assert max(row["step"] for row in gmv["layer"][0]["data"]["values"]) == 2


def test_slider_then_reset_rebuilds_with_the_new_value(small_page):
    rc = small_page
    button(rc, "Step").click()
    slider = rc.find(v.Slider, label="Sellers").widget
    slider.v_model = 200
    assert "Day 1" in status_text(rc)  # nothing happens before Reset
    button(rc, "Reset").click()
    text = status_text(rc)
    assert "Day 0" in text and "200 sellers" in text


def test_choosing_a_scenario_builds_it_with_its_own_controls(tmp_path, monkeypatch):
    path = tmp_path / "three.toml"
    path.write_text(THREE_PLATFORMS)
    monkeypatch.setattr("viz.model.DASHBOARD_CONSUMERS", 1500)
    monkeypatch.setattr(app, "list_scenarios",
                        lambda: [("flywheel", "the default"), (str(path), "three platforms")])
    box, rc = render_page()
    try:
        rc.find(v.Select, label="Scenario").widget.v_model = str(path)
        labels = {w.label for w in rc.find(v.Slider).widgets}
        assert {"alpha: referral fee", "beta: referral fee", "gamma: referral fee"} <= labels
        assert not any(label.startswith("rival") for label in labels)
        text = status_text(rc)
        assert "three.toml" in text and "Day 0" in text
        assert "1,500 consumers · 75 sellers" in text  # scaled down, ratio kept
        assert "gamma 10%" in text and "beta 8% / $50k" in text
    finally:
        rc.close()


@pytest.mark.parametrize("name", [n for n, _ in list_scenarios()])
def test_reset_rebuilds_the_picked_scenario_with_the_shown_settings(name, monkeypatch):
    monkeypatch.setattr("viz.model.DASHBOARD_CONSUMERS", 1000)
    box, rc = render_page()
    try:
        rc.find(v.Select, label="Scenario").widget.v_model = name
        button(rc, "Step").click()
        first = load_scenario(name).platforms[0].name
        fee = rc.find(v.Slider, label=f"{first}: referral fee").widget
        fee.v_model = 0.31
        button(rc, "Reset").click()
        text = status_text(rc)
        assert "Day 0" in text and f"· {name}</h3>" in text
        assert f"{first} 31%" in text
        button(rc, "Reset").click()  # a plain Reset keeps the scenario and the settings too
        assert f"· {name}</h3>" in status_text(rc) and f"{first} 31%" in status_text(rc)
    finally:
        rc.close()


def test_refresh_hub_fires_every_registered_panel_until_unregistered():
    hub = RefreshHub()
    calls: list[str] = []
    remove_a = hub.register(lambda: calls.append("a"))
    hub.register(lambda: calls.append("b"))
    hub.fire(1)
    assert sorted(calls) == ["a", "b"] and len(hub) == 2
    remove_a()
    hub.fire(2)
    assert sorted(calls) == ["a", "b", "b"]
