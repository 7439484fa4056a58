"""The model the dashboard drives: a ``MarketModel`` built from slider values.

SolaraViz rebuilds the model on Reset by calling the model class with the current control
values as keyword arguments, so ``DashboardModel`` takes the controls (scenario, seed, sizes,
consumer behaviour, each platform's referral fee and subsidy budget) and turns them into
dotted-key overrides of the named scenario. ``model_params_for`` describes those controls for
SolaraViz, with each scenario's own values as the starting positions.
"""

from __future__ import annotations

import math
from typing import Any

from model.config import MarketConfig, load_scenario
from model.market import MarketModel

DEFAULT_SCENARIO = "flywheel"
DASHBOARD_CONSUMERS = 10_000  # interactive size: a scenario larger than this starts scaled down
MIN_SELLERS = 50
PLATFORM_FIELDS = ("referral_fee", "subsidy_budget")


def platform_key(platform: str, field: str) -> str:
    """The control name (and override key) of one platform setting."""
    return f"platforms.{platform}.{field}"


def dashboard_sizes(cfg: MarketConfig) -> tuple[int, int]:
    """Consumers and sellers the dashboard starts a scenario with.

    At most ``DASHBOARD_CONSUMERS`` consumers; sellers scaled by the same factor so the
    scenario's consumers-per-seller ratio (and so its market thickness) is kept.
    """
    n_consumers = min(cfg.consumers.n_consumers, DASHBOARD_CONSUMERS)
    scale = n_consumers / cfg.consumers.n_consumers
    n_sellers = max(MIN_SELLERS, round(cfg.sellers.n_sellers * scale))
    return n_consumers, min(n_sellers, cfg.sellers.n_sellers)


def scenario_overrides(cfg: MarketConfig, *, n_consumers: int | None, n_sellers: int | None,
                       price_sensitivity: float | None, multi_homing: bool | None,
                       platform_params: dict[str, Any]) -> dict[str, Any]:
    """Dotted-key overrides for ``load_scenario`` from dashboard control values.

    ``None`` keeps the dashboard default (sizes) or the scenario's value. Platform controls
    naming a platform the scenario does not have are ignored (a control left over from another
    scenario); an unknown platform field is an error.
    """
    default_consumers, default_sellers = dashboard_sizes(cfg)
    overrides: dict[str, Any] = {
        "consumers.n_consumers": int(n_consumers or default_consumers),
        "sellers.n_sellers": int(n_sellers or default_sellers),
    }
    if price_sensitivity is not None:
        overrides["consumers.price_sensitivity"] = float(price_sensitivity)
    if multi_homing is not None:
        overrides["consumers.multi_homing"] = bool(multi_homing)
    names = {p.name for p in cfg.platforms}
    for key, value in platform_params.items():
        prefix, _, rest = key.partition(".")
        name, _, field = rest.rpartition(".")
        if prefix != "platforms" or field not in PLATFORM_FIELDS:
            raise TypeError(f"DashboardModel got an unexpected control {key!r}")
        if name in names and value is not None:
            overrides[key] = float(value)
    return overrides


class DashboardModel(MarketModel):
    """``MarketModel`` of a named scenario with the dashboard's controls applied.

    Parameters
    ----------
    scenario_name : a scenario from ``model.config.list_scenarios()``.
    seed : random seed.
    n_consumers, n_sellers : market size (None: the scenario's, capped for interactivity).
    price_sensitivity, multi_homing : consumer behaviour (None: the scenario's).
    scenario : Mesa's ``Scenario`` object, which SolaraViz passes on Reset; not used.
    **platform_params : ``platforms.<name>.referral_fee`` / ``platforms.<name>.subsidy_budget``.
    """

    def __init__(self, scenario_name: str = DEFAULT_SCENARIO, seed: int = 1,
                 n_consumers: int | None = None, n_sellers: int | None = None,
                 price_sensitivity: float | None = None, multi_homing: bool | None = None,
                 scenario: object = None, **platform_params: Any) -> None:
        base = load_scenario(scenario_name)
        overrides = scenario_overrides(
            base, n_consumers=n_consumers, n_sellers=n_sellers,
            price_sensitivity=price_sensitivity, multi_homing=multi_homing,
            platform_params=platform_params)
        super().__init__(load_scenario(scenario_name, overrides), rng=int(seed))
        self.scenario_name = scenario_name
        self.seed = int(seed)


def _budget_max(value: float) -> int:
    """Slider ceiling for a subsidy budget: at least $2M, else twice the scenario's, rounded."""
    top = max(2_000_000.0, 2 * value)
    magnitude = 10 ** math.floor(math.log10(top))
    return int(math.ceil(top / magnitude) * magnitude)


def model_params_for(scenario_name: str = DEFAULT_SCENARIO) -> dict[str, Any]:
    """SolaraViz ``model_params``: the controls for one scenario, at the scenario's values."""
    cfg = load_scenario(scenario_name)
    n_consumers, n_sellers = dashboard_sizes(cfg)
    params: dict[str, Any] = {
        "scenario_name": scenario_name,
        "seed": {"type": "SliderInt", "label": "Seed", "value": 1, "min": 1, "max": 100,
                 "step": 1},
        "n_consumers": {"type": "SliderInt", "label": "Consumers", "value": n_consumers,
                        "min": 1_000, "max": 50_000, "step": 1_000},
        "n_sellers": {"type": "SliderInt", "label": "Sellers", "value": n_sellers,
                      "min": MIN_SELLERS, "max": 5_000, "step": 50},
        "price_sensitivity": {"type": "SliderFloat", "label": "Price sensitivity",
                              "value": cfg.consumers.price_sensitivity, "min": 0.0,
                              "max": max(10.0, 2 * cfg.consumers.price_sensitivity),
                              "step": 0.1},
        "multi_homing": {"type": "Checkbox", "label": "Consumers compare platforms "
                                                      "(multi-homing)",
                         "value": cfg.consumers.multi_homing},
    }
    for p in cfg.platforms:
        params[platform_key(p.name, "referral_fee")] = {
            "type": "SliderFloat", "label": f"{p.name}: referral fee",
            "value": p.referral_fee, "min": 0.0, "max": 0.5, "step": 0.01}
        top = _budget_max(p.subsidy_budget)
        params[platform_key(p.name, "subsidy_budget")] = {
            "type": "SliderInt", "label": f"{p.name}: subsidy budget (USD)",
            "value": int(p.subsidy_budget), "min": 0, "max": top, "step": top // 100}
    return params
