"""The model the dashboard drives: a ``MarketModel`` built from slider values.

The dashboard rebuilds the model on Reset by calling the model class with the current control
values as keyword arguments, so ``DashboardModel`` takes the controls (scenario, seed, sizes,
consumer behaviour, each platform's referral fee and subsidy budget) and turns them into
dotted-key overrides of the named scenario. ``controls_for`` describes those controls (range,
step and how a value is shown), starting at each scenario's own values; a range always holds
the scenario's own value, so a control never shows one number while the model runs another.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from model.config.scenario import MarketConfig, load_scenario
from model.market.market_model import MarketModel

DEFAULT_SCENARIO = "flywheel"
DASHBOARD_CONSUMERS = 10_000  # interactive size: a scenario larger than this starts scaled down
MIN_SELLERS = 50  # smallest dashboard market a scaled-down scenario starts with
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
                       price_sensitivity: float | None, multi_homing_share: float | None,
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
    if multi_homing_share is not None:
        overrides["consumers.multi_homing"] = True
        overrides["consumers.multi_homing_share"] = float(multi_homing_share)
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
    price_sensitivity, multi_homing_share : consumer behaviour (None: the scenario's).
    **platform_params : ``platforms.<name>.referral_fee`` / ``platforms.<name>.subsidy_budget``.
    """

    def __init__(self, scenario_name: str = DEFAULT_SCENARIO, seed: int = 1,
                 n_consumers: int | None = None, n_sellers: int | None = None,
                 price_sensitivity: float | None = None,
                 multi_homing_share: float | None = None,
                 **platform_params: Any) -> None:
        base = load_scenario(scenario_name)
        overrides = scenario_overrides(
            base, n_consumers=n_consumers, n_sellers=n_sellers,
            price_sensitivity=price_sensitivity, multi_homing_share=multi_homing_share,
            platform_params=platform_params)
        super().__init__(load_scenario(scenario_name, overrides), rng=int(seed))
        self.scenario_name = scenario_name
        self.seed = int(seed)


def _budget_max(value: float) -> int:
    """Slider ceiling for a subsidy budget: at least $2M, else twice the scenario's, rounded."""
    top = max(2_000_000.0, 2 * value)
    magnitude = 10 ** math.floor(math.log10(top))
    return int(math.ceil(top / magnitude) * magnitude)


def money(value: float) -> str:
    """US dollars the way people read them: $950, $25k, $20.0M."""
    if abs(value) >= 1e6:
        return f"${value / 1e6:,.1f}M"
    if abs(value) >= 1e4:
        return f"${value / 1e3:,.0f}k"
    return f"${value:,.0f}"


@dataclass(frozen=True)
class Control:
    """One sidebar control: a ``DashboardModel`` keyword, its range and how to show it.

    ``value``, ``low``, ``high`` and ``step`` are in the model's units (a fee as a share of
    price); ``unit`` says how the value is shown ("%" for shares, "$" for money).
    """

    name: str
    label: str
    kind: str  # "int", "float" or "bool"
    value: Any
    low: float = 0.0
    high: float = 1.0
    step: float = 1.0
    unit: str = ""

    def shown(self, value: Any) -> str:
        """``value`` as the sidebar shows it: 15%, $20.0M, 10,000, on/off."""
        if self.kind == "bool":
            return "on" if value else "off"
        if self.unit == "%":
            return f"{100 * float(value):.1f}".rstrip("0").rstrip(".") + "%"
        if self.unit == "$":
            return money(float(value))
        return f"{value:,}" if self.kind == "int" else f"{float(value):g}"


def _range(value: float, low: float, high: float) -> tuple[float, float]:
    """A slider range that always holds the scenario's own value (never clamps it)."""
    return min(low, value), max(high, value)


def controls_for(scenario_name: str = DEFAULT_SCENARIO) -> list[Control]:
    """The sidebar controls for one scenario, starting at the scenario's values."""
    cfg = load_scenario(scenario_name)
    n_consumers, n_sellers = dashboard_sizes(cfg)
    sensitivity = cfg.consumers.price_sensitivity
    homing = cfg.consumers.multi_homing_share if cfg.consumers.multi_homing else 0.0
    controls = [
        Control("seed", "Seed", "int", 1, 1, 100, 1),
        Control("n_consumers", "Consumers", "int", n_consumers,
                *_range(n_consumers, 1_000, 50_000), 1_000),
        Control("n_sellers", "Sellers", "int", n_sellers, *_range(n_sellers, 10, 5_000), 10),
        Control("price_sensitivity", "Price sensitivity", "float", sensitivity,
                *_range(sensitivity, 0.1, 10.0), 0.1),
        Control("multi_homing_share", "Shoppers comparing platforms each trip (multi-homing)",
                "float", homing, 0.0, 1.0, 0.05, "%"),
    ]
    for p in cfg.platforms:
        controls.append(Control(platform_key(p.name, "referral_fee"), f"{p.name}: referral fee",
                                "float", p.referral_fee, *_range(p.referral_fee, 0.0, 0.5),
                                0.005, "%"))
        top = _budget_max(p.subsidy_budget)
        controls.append(Control(platform_key(p.name, "subsidy_budget"),
                                f"{p.name}: subsidy budget", "int", int(p.subsidy_budget),
                                0, top, top // 100, "$"))
    return controls


def initial_values(scenario_name: str = DEFAULT_SCENARIO) -> dict[str, Any]:
    """The controls' starting values: the keywords ``DashboardModel`` is first built with."""
    return {c.name: c.value for c in controls_for(scenario_name)}
