"""Behavioural parameters of the market's mechanisms: ranking, products and seller kinds.

What used to be constants in ``traffic``, ``feedback``, ``products`` and ``model.agents.seller``:
every number that shapes behaviour is a documented, sweepable parameter (``ranking.*``,
``products.*``, ``sellers.kinds.KIND.*``). The defaults are the values the model was
calibrated with; a "model choice" source gives the reason for the value.
"""

from __future__ import annotations

from dataclasses import dataclass

from model.config.params import param


@dataclass(frozen=True)
class RankingConfig:
    """How platforms rank listings into a slate and how ratings and sales feed the rank."""

    sales_weight: float = param(3.0, unit="rank score per log unit", low=0.0,
                                doc="Weight of log(1 + smoothed sales) in organic rank, before "
                                    "the platform's stickiness scales it.",
                                source="model choice: at stickiness 0.8 a best seller (5 units/"
                                       "day) leads a newcomer by ~4 Gumbel noise scales")
    rating_weight: float = param(1.0, unit="rank score per rating point", low=0.0,
                                 doc="Weight of the listing's rating (0–1) in organic rank.",
                                 source="model choice: ratings matter less than sales history")
    fair_memory: float = param(0.2, unit="x stickiness", low=0.0, high=1.0,
                               doc="The 'fair' rule's memory of past sales, relative to the "
                                   "platform's organic stickiness.",
                               source="model choice: little memory, so newcomers get exposure")
    price_weight: float = param(8.0, unit="rank score per log USD", low=0.0,
                                doc="Weight of -log(price) under the 'price' rule.",
                                source="model choice: a 3% cheaper offer outranks most noise")
    price_noise: float = param(0.2, unit="Gumbel scale", low=0.0,
                               doc="Noise in the 'price' rule's ranking.",
                               source="model choice: price-ranked search is nearly strict")
    content_noise: float = param(1.5, unit="Gumbel scale", low=0.0,
                                 doc="Virality draw of the 'content' feed's ranking.",
                                 source="model choice: a feed is driven by virality more than "
                                        "by quality")
    content_quality_floor: float = param(0.05, unit="quality", low=1e-9,
                                         doc="Added to quality before its log in the content "
                                             "rule (keeps poor items rankable).",
                                         source="model choice: the lowest product quality")
    new_listing_days: int = param(30, unit="days", low=0,
                                  doc="Listings younger than this get a platform's "
                                      "new_seller_boost.",
                                  source="model choice: a month's launch window")
    parity_penalty: float = param(3.0, unit="rank score", low=0.0,
                                  doc="Rank penalty under price parity for a listing priced "
                                      "higher here than the seller's price elsewhere.",
                                  source="model choice: about as strong as the sales-history lead")
    parity_slack: float = param(0.01, unit="share of price", low=0.0,
                                doc="Price difference tolerated before the parity penalty.",
                                source="model choice: rounding of prices")
    rating_memory: float = param(0.05, unit="weight per rating", low=0.0, high=1.0,
                                 doc="Weight of each new rating in a listing's running average.",
                                 source="model choice: a rating reflects the last ~20 orders")
    sales_memory: float = param(0.1, unit="weight per day", low=0.0, high=1.0,
                                doc="Weight of today's units in the smoothed sales behind "
                                    "organic rank.",
                                source="model choice: organic rank remembers ~10 days of sales")


@dataclass(frozen=True)
class ProductConfig:
    """New products: how good they turn out, and fast fashion's small-batch test-and-scale."""

    quality_spread: float = param(0.2, unit="log-sd", low=0.0,
                                  doc="Spread of a new product's quality around its seller "
                                      "kind's typical quality.",
                                  source="model choice: most launches land within ±20%")
    selection_effect: float = param(0.3, unit="quality per skill point", low=0.0,
                                    doc="Quality gained by a new product per point of the "
                                        "seller's product-selection skill above 0.5.",
                                    source="docs/sources.md#seller-kinds: "
                                           "product selection is one of three pillars "
                                           "of seller competence")
    min_quality: float = param(0.05, unit="quality", low=0.0, high=1.0,
                               doc="Lowest quality a product can have.",
                               source="model choice: nothing sells at quality 0")
    rating_carryover: float = param(0.5, unit="share", low=0.0, high=1.0,
                                    doc="Share of the rating's distance from 0.5 kept when a "
                                        "listing gets a new product.",
                                    source="model choice: reviews start over, the store's "
                                           "reputation stays")
    sales_carryover: float = param(0.5, unit="share", low=0.0, high=1.0,
                                   doc="Share of the smoothed sales (organic rank memory) kept "
                                       "when a listing gets a new product.",
                                   source="model choice: a new product inherits half the rank")
    test_batch_cost: float = param(1.25, unit="x unit cost", low=0.0,
                                   doc="Unit cost of a small test batch, relative to the "
                                       "product line's base cost.",
                                   source="docs/sources.md#shein: "
                                          "Shein's small-batch testing; small runs "
                                          "cost more per unit")
    scaled_cost: float = param(0.8, unit="x unit cost", low=0.0,
                               doc="Unit cost once a tested hit is scaled up, relative to the "
                                   "base cost.",
                               source="docs/sources.md#shein: scaling a hit lowers its unit cost")
    test_window_days: int = param(14, unit="days", low=1,
                                  doc="Days a test product sells before it is judged.",
                                  source="model choice: two weekly reviews of sales data")
    hit_units_per_day: float = param(0.3, unit="units per day", low=0.0,
                                     doc="Smoothed daily sales that make a test product a hit.",
                                     source="model choice: about the median listing's sales")
    test_selection: float = param(0.8, unit="skill (0–1)", low=0.0, high=1.0,
                                  doc="Product-selection skill behind a test-and-scale "
                                      "platform's new designs.",
                                  source="docs/sources.md#shein: "
                                         "Shein picks designs from trend data")
    tests_per_category: int = param(2, unit="products per category", low=0,
                                    doc="Test products a test-and-scale platform launches per "
                                        "category at each review.",
                                    source="model choice: a steady trickle of new designs")


@dataclass(frozen=True)
class SellerKindConfig:
    """A kind of seller: costs, quality, competences, capacity, cash and review fraud.

    Unit cost and quality are relative to the category's reference price; competences are the
    three pillars (product selection, logistics, sales channel) on a 0–1 scale.
    """

    unit_cost: float = param(0.45, unit="reference prices per unit", low=0.0,
                             doc="Typical unit cost (spread by sellers.trait_spread).",
                             source="docs/sources.md#seller-kinds: "
                                    "factories sell cheapest, brands dearest")
    quality: float = param(0.45, unit="quality (0–1)", low=0.0, high=1.0,
                           doc="Typical product quality.",
                           source="docs/sources.md#seller-kinds: "
                                  "brands sell better products than factories and "
                                  "traders")
    selection: float = param(0.3, unit="skill (0–1)", low=0.0, high=1.0,
                             doc="Product-selection competence.",
                             source="docs/sources.md#seller-kinds: "
                                    "three pillars of seller competence")
    logistics: float = param(0.4, unit="skill (0–1)", low=0.0, high=1.0,
                             doc="Logistics competence (lowers own shipping cost).",
                             source="docs/sources.md#seller-kinds: "
                                    "three pillars of seller competence")
    channel: float = param(0.2, unit="skill (0–1)", low=0.0, high=1.0,
                           doc="Sales-channel (operating) competence: judges prices better.",
                           source="docs/sources.md#seller-kinds: "
                                  "three pillars of seller competence")
    capacity: int = param(2, unit="platforms", low=1,
                          doc="Platforms it can run stores on at once.",
                          source="docs/sources.md#seller-kinds: "
                                 "'big and comprehensive' sellers run many stores")
    cash: float = param(1.0, unit="x sellers.initial_cash", low=0.0,
                        doc="Starting cash relative to the configured mean.",
                        source="model choice: 'giant tree' sellers have deep pockets, 1P lines "
                               "book to the platform")
    fake_reviews: float = param(1.0, unit="relative propensity", low=0.0,
                                doc="Propensity to buy reviews: what enforcement sweeps catch.",
                                source="docs/sources.md#enforcement-2021: "
                                       "2021 sweep hit traders and big sellers most, "
                                       "brands least")


# The calibrated kinds. "first_party" is a platform's own retail (1P) line, not drawn at random.
DEFAULT_KINDS: dict[str, dict[str, float]] = {
    "factory": {"unit_cost": 0.45, "quality": 0.45, "selection": 0.3, "logistics": 0.4,
                "channel": 0.2, "capacity": 2, "cash": 1.0, "fake_reviews": 1.0},
    "trader": {"unit_cost": 0.62, "quality": 0.5, "selection": 0.6, "logistics": 0.5,
               "channel": 0.6, "capacity": 2, "cash": 0.8, "fake_reviews": 1.4},
    "brand": {"unit_cost": 0.7, "quality": 0.85, "selection": 0.8, "logistics": 0.6,
              "channel": 0.7, "capacity": 2, "cash": 1.5, "fake_reviews": 0.2},
    "big_seller": {"unit_cost": 0.52, "quality": 0.6, "selection": 0.7, "logistics": 0.8,
                   "channel": 0.9, "capacity": 4, "cash": 4.0, "fake_reviews": 1.2},
    "first_party": {"unit_cost": 0.55, "quality": 0.6, "selection": 0.7, "logistics": 1.0,
                    "channel": 1.0, "capacity": 1, "cash": 0.0, "fake_reviews": 0.0},
}
