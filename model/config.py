"""The market's configuration: consumers, sellers, platforms, categories and scheduled events.

Configurations are plain dataclasses built once from TOML scenario files (see
``experiments/scenarios/``) and validated at that boundary; the model never mutates them.
Scheduled shocks change the model's *state* (``model.platforms``), not the configuration.
"""

from __future__ import annotations

import copy
import dataclasses
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from model.archetypes import ARCHETYPES
from model.params import ConfigError, build, param

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "experiments" / "scenarios"
THIRD_PARTY_KINDS = ("factory", "trader", "brand", "big_seller")
EVENT_KINDS = ("fee_change", "enforcement_sweep", "promotion", "audience_boost",
               "marketing_change", "coupon_change")
BUSINESS_MODELS = ("marketplace", "managed", "retail", "content", "auction")
TRAFFIC_RULES = ("organic", "price", "content", "fair")
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
class FeeTier:
    """A referral rate for one category up to a price ceiling (tiers apply in order)."""

    category: str = param("", unit="-", doc="Category the tier applies to.")
    max_price: float = param(float("inf"), unit="USD", low=0.0,
                             doc="The tier covers prices up to and including this value.")
    rate: float = param(0.15, unit="share of price", low=0.0, high=1.0,
                        doc="Referral fee for items in this tier.")


@dataclass(frozen=True)
class ConsumerConfig:
    """Consumers: how many, how often they shop and what they care about."""

    n_consumers: int = param(20_000, unit="consumers", low=1, doc="Number of consumers.")
    shopping_rate: float = param(0.05, unit="trips per consumer-day", low=0.0, high=1.0,
                                 doc="Chance that a consumer goes shopping on a given day.")
    price_sensitivity: float = param(4.0, unit="utility per reference price", low=0.0,
                                     doc="Mean weight on price relative to the category's "
                                         "reference price (logit coefficient).")
    price_sensitivity_spread: float = param(0.3, unit="log-sd", low=0.0, high=2.0,
                                            doc="Heterogeneity of price sensitivity.")
    delivery_sensitivity: float = param(0.15, unit="utility per day", low=0.0,
                                        doc="Disutility of each day of delivery time.")
    quality_sensitivity: float = param(1.5, unit="utility per quality unit", low=0.0,
                                       doc="Weight on listing quality (0–1 scale).")
    selection_weight: float = param(0.5, unit="utility per log listing", low=0.0,
                                    doc="Value of a wider selection in the category.")
    coupon_sensitivity: float = param(3.0, unit="utility per price share", low=0.0,
                                      doc="Weight on the coupon as a share of price.")
    habit_weight: float = param(1.5, unit="utility per habit unit", low=0.0,
                                doc="Switching cost: utility of a habitual platform.")
    habit_gain: float = param(0.3, unit="habit per visit", low=0.0, high=1.0,
                              doc="Habit added by a visit (habit saturates at 1).")
    habit_decay: float = param(0.01, unit="share per day", low=0.0, high=1.0,
                               doc="Daily decay of habit.")
    word_of_mouth: float = param(0.05, unit="probability per contact", low=0.0, high=1.0,
                                 doc="Chance that a buyer makes an unaware contact aware.")
    network_degree: int = param(8, unit="contacts", low=2, doc="Mean contacts per consumer.")
    network_rewiring: float = param(0.1, unit="probability", low=0.0, high=1.0,
                                    doc="Small-world rewiring probability.")
    outside_option: float = param(0.0, unit="utility",
                                  doc="Utility of buying offline / elsewhere instead.")
    multi_homing: bool = param(True, unit="-", source="SPEC: >60% of Shein shoppers used Temu",
                               doc="Whether consumers compare several platforms per trip; "
                                   "if false each shops only on their most habitual one.")
    budget: float = param(2.5, unit="reference prices", low=0.1,
                          doc="Mean maximum price a consumer pays, in reference prices.")


@dataclass(frozen=True)
class SellerConfig:
    """Sellers: how many, of which kinds, and how they review their platform portfolio."""

    n_sellers: int = param(500, unit="sellers", low=1, doc="Initial number of sellers.")
    kind_shares: dict[str, float] = param(
        {"factory": 0.3, "trader": 0.4, "brand": 0.2, "big_seller": 0.1},
        unit="share", low=0.0, doc="Mix of seller kinds (normalised).",
        source="SPEC: factories, traders, brands, giant trees and grass")
    initial_cash: float = param(5_000.0, unit="USD", low=0.0,
                                doc="Mean starting cash of a seller.")
    review_interval: int = param(7, unit="days", low=1,
                                 doc="Days between portfolio and price reviews.")
    onboarding_cost: float = param(100.0, unit="USD", low=0.0,
                                   doc="One-off cost of opening a store on a platform.")
    store_cost: float = param(1.0, unit="USD per day", low=0.0,
                              doc="Daily cost of running a store on one platform.")
    review_inertia: float = param(0.5, unit="probability", low=0.0, high=1.0,
                                  doc="Chance a seller leaves its portfolio as it is at a review.")
    peer_weight: float = param(0.5, unit="share", low=0.0, high=1.0,
                               doc="Weight on peers' reported profit versus own estimate.")
    entry_rate: float = param(0.01, unit="share of sellers per review", low=0.0, high=1.0,
                              doc="New sellers per review at full attractiveness.")
    exit_cash: float = param(-500.0, unit="USD",
                             doc="A seller whose cash falls below this exits.")
    price_adjustment: float = param(0.5, unit="share per review", low=0.0, high=1.0,
                                    doc="How far a price moves towards its target at a review.")
    ad_bid_share: float = param(0.5, unit="share of margin", low=0.0, high=1.0,
                                doc="Share of the expected margin per click bid for ads.")
    network_degree: int = param(6, unit="peers", low=2, doc="Peers per seller.")
    own_shipping_cost: float = param(0.25, unit="reference prices per unit", low=0.0,
                                     doc="Cost of shipping an order without the platform "
                                         "(for a seller of average logistics competence).")
    frozen_holding_cost: float = param(10.0, unit="USD per day", low=0.0,
                                       doc="Cost of stock and debts stranded while a sweep "
                                           "holds a seller's funds.",
                                       source="SPEC: 2021 sweep froze funds and inventory; "
                                              "some large sellers went bankrupt")
    overhead_growth: float = param(0.3, unit="exponent", low=0.0, high=2.0,
                                   doc="Store running cost grows as stores^(1+x): 'big and "
                                       "comprehensive' sellers pay more per store.")
    product_refresh_rate: float = param(0.04, unit="share of sellers per review", low=0.0,
                                        high=1.0,
                                        doc="Chance a seller launches a new product at a "
                                            "review (quality redrawn from its selection skill).",
                                        source="SPEC: ~40% of sales from products < 12 months")


@dataclass(frozen=True)
class PlatformConfig:
    """A platform: business model, fees, traffic rule, logistics and marketing.

    ``kind`` names an archetype preset (``model.archetypes``); any field given explicitly
    overrides the preset.
    """

    name: str = param("platform", unit="-", doc="Platform name.")
    kind: str = param("marketplace", unit="-", choices=tuple(ARCHETYPES),
                      doc="Archetype preset the other defaults come from.")
    business_model: str = param("marketplace", unit="-", choices=BUSINESS_MODELS,
                                doc="Who sets prices and holds stock.")
    launch_day: int = param(0, unit="day", low=0, doc="Day the platform opens.")
    referral_fee: float = param(0.15, unit="share of price", low=0.0, high=1.0,
                                doc="Default referral fee on each sale.",
                                source="SPEC: incumbent referral ≈15%")
    fee_tiers: list[FeeTier] = param([], unit="-",
                                     doc="Category and price-tier overrides of the referral fee.")
    fulfilment: bool = param(True, unit="-", doc="Platform fulfils orders (sellers pay a fee).")
    fulfilment_markup: float = param(0.3, unit="share of unit cost", low=0.0,
                                     doc="Fulfilment fee over the platform's logistics cost.",
                                     source="SPEC: fulfilment 20–35% of sales, raised often")
    logistics_cost: float = param(4.0, unit="USD per unit", low=0.0,
                                  doc="Logistics cost per unit at the reference volume.")
    logistics_reference_volume: float = param(1_000.0, unit="orders per day", low=1.0,
                                              doc="Volume at which the unit cost is as given.")
    scale_elasticity: float = param(0.15, unit="-", low=0.0, high=1.0,
                                    doc="Unit cost falls as volume^-elasticity (scale economies).")
    delivery_days: float = param(2.0, unit="days", low=0.0, doc="Typical delivery time.",
                                 source="SPEC: incumbent same/next day; entrants 7–10 days")
    traffic_rule: str = param("organic", unit="-", choices=TRAFFIC_RULES,
                              doc="How listings are ranked into the slate.")
    slate_size: int = param(12, unit="listings", low=1, doc="Listings shown per search.")
    ad_slots: int = param(3, unit="slots", low=0, doc="Sponsored slots at the top of the slate.")
    ad_reserve_cpc: float = param(0.2, unit="USD per click", low=0.0,
                                  doc="Reserve price of the ad auction.",
                                  source="SPEC: CPC < $0.5 in 2016, > $1.5 by 2024")
    organic_stickiness: float = param(0.8, unit="share", low=0.0, high=1.0,
                                      doc="Weight of past sales in organic rank (stickiness).",
                                      source="SPEC: one listing can stay on top for years")
    new_seller_boost: float = param(0.0, unit="rank score", low=0.0,
                                    doc="Rank bonus for listings younger than 30 days.")
    coupon_rate: float = param(0.0, unit="share of price", low=0.0, high=0.9,
                               doc="Coupon paid by the platform on each order.",
                               source="SPEC: Temu hands out large coupons")
    subsidy_budget: float = param(0.0, unit="USD", low=0.0,
                                  doc="Budget for coupons; coupons stop when it runs out.")
    marketing_spend: float = param(0.0, unit="USD per day", low=0.0,
                                   doc="Outside advertising that makes consumers aware.")
    reach_cost: float = param(2.0, unit="USD per consumer reached", low=0.01,
                              doc="Cost of making one consumer aware through outside ads.")
    initial_awareness: float = param(0.5, unit="share of consumers", low=0.0, high=1.0,
                                     doc="Share of consumers aware of it on launch.")
    initial_sellers: float = param(0.5, unit="share of sellers", low=0.0, high=1.0,
                                   doc="Share of initial sellers listed on it at start.")
    initial_cash: float = param(1e6, unit="USD", doc="Platform cash at start.")
    fixed_cost: float = param(0.0, unit="USD per day", low=0.0, doc="Daily operating cost.")
    monthly_fee: float = param(0.0, unit="USD per seller-month", low=0.0,
                               doc="Subscription or listing fee per store per month.")
    price_tolerance: float = param(0.1, unit="share above lowest", low=0.0,
                                   doc="Managed model: supply prices more than this above the "
                                       "category's lowest are not shown (reverse auction).")
    supply_squeeze: float = param(0.03, unit="share per review", low=0.0, high=0.5,
                                  doc="Managed model: cut demanded from the lowest supply "
                                      "price at each review.")
    feed_audience: float = param(0.0, unit="share of aware consumers per day", low=0.0,
                                 high=1.0, doc="Content model: consumers scrolling the feed.")
    impulse_rate: float = param(0.0, unit="purchase attempts per feed session", low=0.0,
                                high=1.0, doc="Content model: impulse buying from the feed.")
    third_party: bool = param(True, unit="-",
                              doc="Whether outside sellers may open stores (false: only the "
                                  "platform's own lines).")
    recruit_min_units: float = param(0.0, unit="units per week", low=0.0,
                                     doc="Sellers must sell this much elsewhere to be "
                                         "accepted (recruitment threshold).",
                                     source="SPEC: TikTok Shop recruits sellers with >= $2M/yr")
    price_parity: bool = param(False, unit="-",
                               doc="Demote listings priced higher here than elsewhere.")
    first_party_products: int = param(0, unit="products per category", low=0,
                                      doc="Own (1P) product lines the platform sells itself.")
    test_and_scale: bool = param(False, unit="-",
                                 doc="Launch small test batches weekly, scale what sells, "
                                     "drop the rest (fast fashion).")
    loyalty: float = param(1.0, unit="x habit gain", low=0.0,
                           doc="How much habit a visit builds here, relative to elsewhere.")
    onboarding_factor: float = param(1.0, unit="x onboarding cost", low=0.0,
                                     doc="Ease of opening a store here (entry threshold).")
    brand_boost: float = param(0.0, unit="rank score", low=0.0,
                               doc="Rank bonus for brand sellers (flagship stores).")
    parent_funding: float = param(0.0, unit="USD", low=0.0,
                                  doc="Losses a parent company covers; below that the "
                                      "platform stops coupons and outside marketing.")
    region: str = param("", unit="-", doc="Market region served ('' = every region).")
    listing_group: str = param("", unit="-",
                               doc="Platforms in one group share listings: list once, sell "
                                   "everywhere.")


@dataclass(frozen=True)
class RegionConfig:
    """A country or region: its share of consumers and how fast online shopping grows."""

    name: str = param("home", unit="-", doc="Region name.")
    share: float = param(1.0, unit="relative", low=0.0, doc="Relative share of consumers.")
    adoption_growth: float = param(0.0, unit="share per year", low=-0.9,
                                   doc="Yearly growth of online shopping trips.",
                                   source="SPEC: Brazil x4 in a year; +30% emerging vs +15% "
                                          "mature")


@dataclass(frozen=True)
class TargetConfig:
    """A reported figure the scenario is compared with in its output."""

    label: str = param("", unit="-", doc="What the source reports.")
    metric: str = param("gmv_share", unit="-", doc="Column of the platform table.")
    platform: str = param("", unit="-", doc="Platform measured.")
    measure: str = param("final", unit="-", choices=TARGET_MEASURES,
                         doc="growth = last/first, change = last/first - 1, final = last "
                             "value, mean = mean, peak_change = max/first - 1.")
    start: int = param(1, unit="day", low=1, doc="First day of the window.")
    end: int = param(0, unit="day", low=0, doc="Last day of the window (0 = end of run).")
    low: float = param(float("-inf"), unit="-", doc="Lowest value counted as a match.")
    high: float = param(float("inf"), unit="-", doc="Highest value counted as a match.")
    reported: str = param("", unit="-", doc="The figure as the source reports it.")


@dataclass(frozen=True)
class EventConfig:
    """A scheduled shock. Which fields matter depends on ``kind``."""

    day: int = param(1, unit="day", low=1, doc="Day the shock takes effect (before shopping).")
    kind: str = param("fee_change", unit="-", choices=EVENT_KINDS, doc="What happens.")
    platform: str = param("", unit="-", doc="Platform affected.")
    referral_fee: float | None = param(None, unit="share of price", low=0.0, high=1.0,
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
                              doc="Demand multiplier (promotion) or new spend (marketing).")
    value: float = param(0.0, unit="varies", low=0.0,
                         doc="New marketing spend (USD/day) or coupon rate.")
    description: str = param("", unit="-", doc="Text shown when the event fires.")


@dataclass(frozen=True)
class MarketConfig:
    """A whole scenario: the market, its participants and its scheduled shocks."""

    name: str = param("custom", unit="-", doc="Scenario name.")
    story: str = param("", unit="-", doc="One-line story of the scenario.")
    steps: int = param(365, unit="days", low=1, doc="Default run length.")
    cross_side_effects: bool = param(True, unit="-",
                                     doc="If false, consumers ignore selection and prices and "
                                         "sellers ignore demand (the flywheel switched off).")
    categories: list[CategoryConfig] = param(
        [{"name": n, "reference_price": p, "weight": w} for n, p, w in (
            ("apparel", 15.0, 3.0), ("electronics", 60.0, 1.5), ("home", 30.0, 2.0),
            ("beauty", 18.0, 1.5), ("toys", 20.0, 1.0), ("sports", 35.0, 1.0))],
        unit="-", doc="Product categories.")
    consumers: ConsumerConfig = dataclasses.field(default_factory=ConsumerConfig)
    sellers: SellerConfig = dataclasses.field(default_factory=SellerConfig)
    regions: list[RegionConfig] = param([{"name": "home"}], unit="-",
                                        doc="Regions consumers live in.")
    platforms: list[PlatformConfig] = param([], unit="-", doc="Platforms in the market.")
    events: list[EventConfig] = param([], unit="-", doc="Scheduled shocks.")
    targets: list[TargetConfig] = param([], unit="-",
                                        doc="Reported figures to compare the run with.")

    def validate(self, prefix: str = "") -> None:
        """Cross-field checks: names unique, events refer to existing platforms."""
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
        for i, event in enumerate(self.events):
            if event.platform not in names:
                raise ConfigError(f"events[{i}].platform = {event.platform!r}: "
                                  f"allowed platforms are {', '.join(names)}")
            tiers += [(f"events[{i}].fee_tiers", t) for t in event.fee_tiers or []]
        for key, tier in tiers:
            if tier.category not in categories:
                raise ConfigError(f"{key}.category = {tier.category!r}: "
                                  f"allowed categories are {', '.join(categories)}")

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
    """Set dotted keys (``consumers.n_consumers``, ``platforms.NAME.referral_fee``) in ``data``.

    Raises ConfigError for a path that names no section or platform.
    """
    data = copy.deepcopy(data)
    for key, value in overrides.items():
        parts = key.split(".")
        node: Any = data
        for i, part in enumerate(parts[:-1]):
            if isinstance(node, list):
                match = [item for item in node if item.get("name") == part]
                if not match:
                    names = ", ".join(str(item.get("name")) for item in node)
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
    """Validate a parsed scenario (plus dotted overrides) into a :class:`MarketConfig`."""
    data = apply_overrides(dict(data), overrides or {})
    platforms = data.get("platforms", [])
    if isinstance(platforms, list):
        data["platforms"] = [with_archetype(p, i) if isinstance(p, Mapping) else p
                             for i, p in enumerate(platforms)]
    return build(MarketConfig, data)


def scenario_path(name: str) -> Path:
    """Path of a named scenario file, or ``name`` itself if it is a path to a file."""
    path = Path(name)
    if path.suffix == ".toml" and path.exists():
        return path
    candidate = SCENARIO_DIR / f"{name}.toml"
    if not candidate.exists():
        known = ", ".join(n for n, _ in list_scenarios())
        raise ConfigError(f"scenario = {name!r}: no such scenario; allowed: {known}")
    return candidate


def load_scenario(name: str, overrides: Mapping[str, Any] | None = None) -> MarketConfig:
    """Load a named scenario (or a TOML path) and apply dotted-key overrides."""
    path = scenario_path(name)
    with path.open("rb") as handle:
        try:
            data = tomllib.load(handle)
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{path}: not valid TOML ({error})") from error
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
