"""A scenario: categories, regions, participants (:mod:`model.config.participants`,
:mod:`model.config.platforms`), events, targets.

Configurations are plain dataclasses built once from TOML scenario files (see
``experiments/scenarios/``) and validated at that boundary; the model never mutates them.
Scheduled shocks change the model's *state* (``model.platforms``), not the configuration.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from model.accounting.metrics import PLATFORM_METRICS
from model.config.archetypes import ARCHETYPES
from model.config.behaviour import ProductConfig, RankingConfig
from model.config.event_overrides import name_events, warn_shadowed
from model.config.params import ConfigError, build, param
from model.config.participants import ConsumerConfig, SellerConfig
from model.config.platforms import FeeTier, PlatformConfig
from model.config.sanity import check_scenario

__all__ = ["CategoryConfig", "EventConfig", "MarketConfig", "RegionConfig", "TargetConfig",
           "config_from_dict", "list_scenarios", "load_scenario", "scenario_path"]

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "experiments" / "scenarios"
THIRD_PARTY_KINDS = ("factory", "trader", "brand", "big_seller")
EVENT_KINDS = ("fee_change", "enforcement_sweep", "promotion", "audience_boost",
               "marketing_change", "coupon_change", "price_comparison_removal",
               "recruit_sellers")
TARGET_MEASURES = ("growth", "change", "final", "mean", "peak_change")


@dataclass(frozen=True)
class CategoryConfig:
    """A product category: what a typical item costs and how often it is bought."""

    name: str = param("general", unit="-", doc="Category name, e.g. 'apparel'.")
    reference_price: float = param(20.0, unit="USD", low=0.01,
                                   doc="Typical retail price; prices are compared to it.")
    weight: float = param(1.0, unit="relative", low=0.0,
                          doc="Relative share of shopping trips in this category.")


@dataclass(frozen=True)
class RegionConfig:
    """A country or region: its share of consumers and how fast online shopping grows."""

    name: str = param("home", unit="-", doc="Region name.")
    share: float = param(1.0, unit="relative", low=0.0, doc="Relative share of consumers.")
    adoption_growth: float = param(0.0, unit="share per year", low=-0.9,
                                   doc="Yearly growth of online shopping trips.",
                                   source="docs/sources.md#going-global: "
                                          "Brazil x4 in a year; +30% emerging vs +15% "
                                          "mature")


@dataclass(frozen=True)
class TargetConfig:
    """A reported figure the scenario is compared with in its output."""

    label: str = param("", unit="-", doc="What the source reports.")
    metric: str = param("gmv_share", unit="-", choices=PLATFORM_METRICS,
                        doc="Column of the platform table.")
    platform: str = param("", unit="-", doc="Platform measured.")
    measure: str = param("final", unit="-", choices=TARGET_MEASURES,
                         doc="growth = last/first, change = last/first - 1, final = last "
                             "value, mean = mean, peak_change = max/first - 1.")
    start: int = param(1, unit="day", low=1, doc="First day of the window.")
    end: int = param(0, unit="day", low=0, doc="Last day of the window (0 = end of run).")
    low: float = param(float("-inf"), unit="-", doc="Lowest value counted as a match.")
    high: float = param(float("inf"), unit="-", doc="Highest value counted as a match.")
    reported: str = param("", unit="-", doc="The figure as the source reports it.")
    value: float | None = param(None, unit="as the metric",
                                doc="The reported figure as a number, inside [low, high] "
                                    "(optional): calibration then scores the distance from "
                                    "it, not only from the band.")

    def validate(self, prefix: str) -> None:
        """A point figure must lie inside its own band."""
        if self.value is not None and not self.low <= self.value <= self.high:
            raise ConfigError(f"{prefix}.value = {self.value!r}: expected a number inside "
                              f"the target's band [low, high] = [{self.low:g}, {self.high:g}]")


@dataclass(frozen=True)
class EventConfig:
    """A scheduled shock. Which fields matter depends on ``kind``."""

    name: str = param("", unit="-",
                      doc="Name that addresses the event's fields (events.NAME.day); default "
                          "KIND_DAY from the scenario file, plus _PLATFORM if that is taken.")
    day: int = param(1, unit="day", low=1, doc="Day the shock takes effect (before shopping).")
    kind: str = param("fee_change", unit="-", choices=EVENT_KINDS, doc="What happens.")
    platform: str = param("", unit="-", doc="Platform affected.")
    referral_fee: float | None = param(None, unit="share of price", low=0.0, high=0.9,
                                       doc="New default referral fee (fee_change).")
    fee_tiers: list[FeeTier] | None = param(None, unit="-", doc="New fee tiers (fee_change).")
    fulfilment_markup: float | None = param(None, unit="share of unit cost", low=0.0,
                                            doc="New fulfilment fee markup (fee_change).")
    monthly_fee: float | None = param(None, unit="USD per seller-month", low=0.0,
                                      doc="New subscription / listing fee (fee_change).")
    ad_slots: int | None = param(None, unit="slots", low=0,
                                 doc="New number of sponsored slots (fee_change).")
    ad_reserve_cpc: float | None = param(None, unit="USD per click", low=0.0,
                                         doc="New ad auction reserve price (fee_change).")
    share: float = param(0.1, unit="share", low=0.0, high=1.0,
                         doc="Share of consumers (audience_boost) or sellers (sweep) affected.")
    duration: int = param(1, unit="days", low=1, doc="Length of a promotion or freeze.")
    multiplier: float = param(1.0, unit="x", low=0.0,
                              doc="Promotion: shopping trips to the promoting platform as a "
                                  "multiple of its usual ones (1: no extra trips); marketing: "
                                  "new spend.")
    value: float = param(0.0, unit="varies", low=0.0,
                         doc="New marketing spend (USD/day) or coupon rate.")
    description: str = param("", unit="-", doc="Text shown when the event fires.")
    storage_fee: float | None = param(None, unit="USD per unit-month", low=0.0,
                                      doc="New storage fee (fee_change).")
    rival: str = param("", unit="-",
                       doc="Platform dropped from the price comparison "
                           "(price_comparison_removal).")
    seller_kind: str = param("", unit="-",
                             doc="Kind of seller recruited (recruit_sellers; '' = any kind).")


@dataclass(frozen=True)
class MarketConfig:
    """A whole scenario: the market, its participants and its scheduled shocks."""

    name: str = param("custom", unit="-", doc="Scenario name.")
    story: str = param("", unit="-", doc="One-line story of the scenario.")
    steps: int = param(365, unit="days", low=1, doc="Default run length.")
    warmup_days: int = param(
        0, unit="days", low=0, high=3650,
        doc="Days the market runs before day 1 with its day-1 settings and no shocks, "
            "nothing recorded, so that day 1 is a steady state and every rolling window is "
            "full (model.market.warmup). 0: day 1 is the hand-set start.",
        source="each shipped scenario's value: MSER-5 truncation (White 1997) of its "
               "leading platform's stores and active consumers, doubled (docs/odd.md, "
               "Initialisation)")
    reference_consumers: int = param(
        20_000, unit="consumers", low=1,
        doc="Market size the scenario's absolute amounts are written for. Platform cash, "
            "parent funding, subsidy budgets, marketing and fixed costs, and logistics "
            "reference volumes scale by n_consumers / reference_consumers, and consumers "
            "judge a platform's selection by its listings at that size, so the same "
            "scenario tells the same story at any number of consumers (scale the sellers "
            "with it).")
    start_date: str = param("", unit="date (YYYY-MM-DD)",
                            doc="Calendar date of day 1, from the scenario's story; charts and "
                                "reports date their time axes from it ('' = day numbers only).")
    cross_side_effects: bool = param(True, unit="-",
                                     doc="Master switch of the flywheel's channels: if false, "
                                         "selection_effect, demand_effect and scale_effect "
                                         "are all off.")
    selection_effect: bool = param(True, unit="-",
                                   doc="Consumers value a platform's selection (if false each "
                                       "open platform counts as offering the category's mean "
                                       "selection). Prices still count.")
    demand_effect: bool = param(True, unit="-",
                                doc="Sellers follow demand: they judge platforms by the sales "
                                    "they and their peers make there (if false, by fees and "
                                    "costs at the market's average sales per store).")
    scale_effect: bool = param(True, unit="-",
                               doc="Logistics unit costs fall with a platform's volume (if "
                                   "false every platform keeps its reference cost).")
    categories: list[CategoryConfig] = param(
        [{"name": n, "reference_price": p, "weight": w} for n, p, w in (
            ("apparel", 15.0, 3.0), ("electronics", 60.0, 1.5), ("home", 30.0, 2.0),
            ("beauty", 18.0, 1.5), ("toys", 20.0, 1.0), ("sports", 35.0, 1.0))],
        unit="-", doc="Product categories.")
    consumers: ConsumerConfig = dataclasses.field(default_factory=ConsumerConfig)
    sellers: SellerConfig = dataclasses.field(default_factory=SellerConfig)
    ranking: RankingConfig = dataclasses.field(default_factory=RankingConfig)
    products: ProductConfig = dataclasses.field(default_factory=ProductConfig)
    regions: list[RegionConfig] = param([{"name": "home"}], unit="-",
                                        doc="Regions consumers live in.")
    platforms: list[PlatformConfig] = param([], unit="-", doc="Platforms in the market.")
    events: list[EventConfig] = param([], unit="-", doc="Scheduled shocks.")
    targets: list[TargetConfig] = param([], unit="-",
                                        doc="Reported figures to compare the run with.")

    @property
    def consumers_value_selection(self) -> bool:
        """Whether the selection channel (more sellers -> more consumers) is on."""
        return self.cross_side_effects and self.selection_effect

    @property
    def sellers_follow_demand(self) -> bool:
        """Whether the demand channel (more consumers -> more sellers) is on."""
        return self.cross_side_effects and self.demand_effect

    @property
    def scale_economies(self) -> bool:
        """Whether the cost channel (more volume -> lower unit costs) is on."""
        return self.cross_side_effects and self.scale_effect

    def validate(self, prefix: str = "") -> None:
        """Cross-field checks: names unique, events refer to existing platforms."""
        if self.start_date:
            try:
                datetime.date.fromisoformat(self.start_date)
            except ValueError:
                raise ConfigError(f"start_date = {self.start_date!r}: expected a date as "
                                  "YYYY-MM-DD, e.g. '2022-07-01', or '' for none") from None
        names = [p.name for p in self.platforms]
        if not names:
            raise ConfigError("platforms = []: at least one platform is required")
        if len(set(names)) != len(names):
            raise ConfigError(f"platforms = {names!r}: platform names must be unique")
        categories = [c.name for c in self.categories]
        if not categories:
            raise ConfigError("categories = []: at least one category is required")
        unknown = set(self.sellers.kind_shares) - set(THIRD_PARTY_KINDS)
        if unknown:
            bad = sorted(unknown)[0]
            allowed = ", ".join(THIRD_PARTY_KINDS)
            raise ConfigError(f"sellers.kind_shares.{bad} = {self.sellers.kind_shares[bad]!r}: "
                              f"unknown seller kind; allowed kinds are {allowed}")
        if sum(self.sellers.kind_shares.values()) <= 0:
            raise ConfigError(f"sellers.kind_shares = {self.sellers.kind_shares!r}: "
                              "shares must add up to more than 0")
        regions = [r.name for r in self.regions]
        for p in self.platforms:
            if p.region and p.region not in regions:
                raise ConfigError(f"platforms.{p.name}.region = {p.region!r}: allowed regions "
                                  f"are {', '.join(regions)} (or '' for all)")
        for i, target in enumerate(self.targets):
            if target.platform not in names:
                raise ConfigError(f"targets[{i}].platform = {target.platform!r}: "
                                  f"allowed platforms are {', '.join(names)}")
        tiers = [(f"platforms.{p.name}.fee_tiers", t) for p in self.platforms for t in p.fee_tiers]
        tiers += [(f"platforms.{p.name}.fee_responses", r) for p in self.platforms
                  for r in p.fee_responses]
        event_names = [e.name for e in self.events if e.name]
        for name in event_names:
            if event_names.count(name) > 1:
                raise ConfigError(f"events.{name}.name = {name!r}: event names must be unique")
        for i, event in enumerate(self.events):
            where = f"events.{event.name}" if event.name else f"events[{i}]"
            if event.platform not in names:
                raise ConfigError(f"{where}.platform = {event.platform!r}: "
                                  f"allowed platforms are {', '.join(names)}")
            tiers += [(f"{where}.fee_tiers", t) for t in event.fee_tiers or []]
            if event.kind == "price_comparison_removal" and (
                    event.rival not in names or event.rival == event.platform):
                others = ", ".join(n for n in names if n != event.platform)
                raise ConfigError(f"{where}.rival = {event.rival!r}: allowed rivals are "
                                  f"{others}")
            if event.kind == "recruit_sellers" and event.seller_kind not in (
                    "", *THIRD_PARTY_KINDS):
                raise ConfigError(f"{where}.seller_kind = {event.seller_kind!r}: allowed kinds "
                                  f"are {', '.join(THIRD_PARTY_KINDS)} (or '' for any)")
        for key, tier in tiers:
            if tier.category not in categories:
                raise ConfigError(f"{key}.category = {tier.category!r}: "
                                  f"allowed categories are {', '.join(categories)}")
        coupon = {f.name: f for f in dataclasses.fields(PlatformConfig)}["coupon_rate"]
        check_scenario(self, coupon_ceiling=coupon.metadata["high"])

    def date_of(self, day: int) -> datetime.date | None:
        """Calendar date of model day ``day`` (day 1 = ``start_date``); None without a calendar.

        >>> MarketConfig(start_date="2022-07-01").date_of(63)
        datetime.date(2022, 9, 1)
        """
        if not self.start_date:
            return None
        return datetime.date.fromisoformat(self.start_date) + datetime.timedelta(days=day - 1)

    def platform(self, name: str) -> PlatformConfig:
        """The platform configuration called ``name``."""
        for p in self.platforms:
            if p.name == name:
                return p
        raise KeyError(name)


def with_archetype(platform: Mapping[str, Any], index: int) -> dict[str, Any]:
    """Fill a platform table's missing fields from its archetype preset."""
    kind = platform.get("kind", "marketplace")
    if kind not in ARCHETYPES:
        name = platform.get("name")
        where = f"platforms.{name}" if isinstance(name, str) else f"platforms[{index}]"
        raise ConfigError(f"{where}.kind = {kind!r}: allowed kinds are " + ", ".join(ARCHETYPES))
    return {**ARCHETYPES[kind], **platform}


def apply_overrides(data: dict[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Set dotted keys (``consumers.n_consumers``, ``platforms.NAME.referral_fee``,
    ``events.NAME.day``) in ``data``. Items of a list are addressed by name, or by position
    when they have none (``events.apparel_cut.fee_tiers.0.rate``).

    Raises ConfigError for a path that names no section, platform or event.
    """
    data = copy.deepcopy(data)
    for key, value in overrides.items():
        parts = key.split(".")
        node: Any = data
        for i, part in enumerate(parts[:-1]):
            if isinstance(node, list):
                match = [item for item in node if isinstance(item, dict)
                         and item.get("name") == part]
                if not match and part.isdigit() and int(part) < len(node):
                    match = [node[int(part)]]
                if not match:
                    names = ", ".join(str(item.get("name")) if isinstance(item, dict)
                                      and item.get("name") else str(j)
                                      for j, item in enumerate(node))
                    raise ConfigError(f"{key} = {value!r}: no {parts[i - 1]} named {part!r}; "
                                      f"allowed: {names}")
                node = match[0]
            else:
                node = node.setdefault(part, {})
        if isinstance(node, list):
            raise ConfigError(f"{key} = {value!r}: name an item, e.g. {key}.NAME.field")
        node[parts[-1]] = value
    return data


def config_from_dict(data: Mapping[str, Any], overrides: Mapping[str, Any] | None = None
                     ) -> MarketConfig:
    """Validate a parsed scenario (plus dotted overrides) into a :class:`MarketConfig`.

    Events get their default names first; an override of a lever that a scheduled event
    later resets raises a :class:`~model.config.event_overrides.ShadowedOverrideWarning`.
    """
    data = dict(data)
    if "events" in data:
        data["events"] = name_events(data["events"])
    data = apply_overrides(data, overrides or {})
    platforms = data.get("platforms", [])
    if isinstance(platforms, list):
        data["platforms"] = [with_archetype(p, i) if isinstance(p, Mapping) else p
                             for i, p in enumerate(platforms)]
    config = build(MarketConfig, data)
    warn_shadowed(data, overrides or {})
    return config


def scenario_path(name: str) -> Path:
    """Path of a named scenario file, or ``name`` itself if it is a path to a file."""
    path = Path(name)
    if path.suffix == ".toml" and path.is_file():
        return path
    if path.is_dir() or (path.suffix == ".toml" and path.exists()):
        raise ConfigError(f"scenario = {name!r}: is a folder, not a scenario file (.toml)")
    candidate = SCENARIO_DIR / f"{name}.toml"
    if not candidate.exists():
        known = ", ".join(n for n, _ in list_scenarios())
        raise ConfigError(f"scenario = {name!r}: no such scenario; allowed: {known}")
    return candidate


def load_scenario(name: str, overrides: Mapping[str, Any] | None = None) -> MarketConfig:
    """Load a named scenario (or a TOML path) and apply dotted-key overrides."""
    path = scenario_path(name)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"scenario = {name!r}: not valid TOML ({error})") from error
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"scenario = {name!r}: cannot be read ({error})") from error
    data.setdefault("name", path.stem)
    return config_from_dict(data, overrides)


def list_scenarios() -> list[tuple[str, str]]:
    """Named scenarios shipped with the model: (name, one-line story)."""
    result = []
    for path in sorted(SCENARIO_DIR.glob("*.toml")):
        with path.open("rb") as handle:
            story = tomllib.load(handle).get("story", "")
        result.append((path.stem, story))
    return result
