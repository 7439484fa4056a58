"""Configuration of the market's participants: consumers, sellers and platforms.

Plain frozen dataclasses, every field declared with its unit, meaning, allowed values and
source (:func:`model.params.param`); :mod:`model.config` assembles them into a scenario.
"""

from __future__ import annotations

from dataclasses import dataclass

from model.archetypes import ARCHETYPES
from model.behaviour import DEFAULT_KINDS, SellerKindConfig
from model.params import ConfigError, param

BUSINESS_MODELS = ("marketplace", "managed", "retail", "content", "auction")
TRAFFIC_RULES = ("organic", "price", "content", "fair")
STRATEGIES = ("fixed", "adaptive")
OBJECTIVES = ("profit", "growth")
GROWTH_METRICS = ("gmv", "active_consumers")
#: Levers an adaptive platform may move (``band_fee``: a referral tier for the low-price
#: band of one category, at or below its reference price).
LEVERS = ("referral_fee", "fulfilment_markup", "ad_slots", "ad_reserve_cpc", "coupon_rate",
          "marketing_spend", "band_fee")


@dataclass(frozen=True)
class FeeTier:
    """A referral rate for one category up to a price ceiling (tiers apply in order)."""

    category: str = param("", unit="-", doc="Category the tier applies to.")
    max_price: float = param(float("inf"), unit="USD", low=0.0,
                             doc="The tier covers prices up to and including this value.")
    rate: float = param(0.15, unit="share of price", low=0.0, high=0.9,
                        doc="Referral fee for items in this tier (below 1: a fee of 100% "
                            "makes sellers' prices infinite).")


@dataclass(frozen=True)
class FeeResponse:
    """A fee policy answering low-price rivals: when rivals' share of a category's sales at
    or below ``max_price`` passes ``rival_share``, the platform cuts that tier to ``rate``."""

    category: str = param("", unit="-", doc="Category watched.")
    max_price: float = param(15.0, unit="USD", low=0.0, doc="Top of the price band watched.")
    rate: float = param(0.05, unit="share of price", low=0.0, high=0.9,
                        doc="Referral fee for the band once the platform responds.")
    rival_share: float = param(0.3, unit="share of the band's GMV", low=0.0, high=1.0,
                               doc="Rivals' share of the band (last month) that triggers it.",
                               source="docs/sources.md#apparel-fee-cut: "
                                      "Jan 2024 apparel cut, 17% -> 5% under $15")


@dataclass(frozen=True)
class ConsumerConfig:
    """Consumers: how many, how often they shop and what they care about."""

    n_consumers: int = param(20_000, unit="consumers", low=1, doc="Number of consumers.")
    shopping_rate: float = param(0.05, unit="trips per consumer-day", low=0.0, high=1.0,
                                 doc="Chance that a consumer goes shopping on a given day.")
    price_sensitivity: float = param(4.0, unit="utility per reference price", low=0.1,
                                     doc="Mean weight on price relative to the category's "
                                         "reference price (logit coefficient; above 0, as "
                                         "sellers' optimal markup is 1 / sensitivity).")
    price_sensitivity_spread: float = param(0.3, unit="log-sd", low=0.0, high=2.0,
                                            doc="Heterogeneity of price sensitivity.")
    delivery_sensitivity: float = param(0.15, unit="utility per day", low=0.0,
                                        doc="Disutility of each day of delivery time.")
    quality_sensitivity: float = param(1.5, unit="utility per quality unit", low=0.0,
                                       doc="Weight on listing quality (0–1 scale).")
    selection_weight: float = param(0.5, unit="utility per log listing", low=0.0,
                                    doc="Value of a wider selection in the category.")
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
    multi_homing: bool = param(True, unit="-",
                               doc="Master switch of consumer multi-homing: if false every "
                                   "consumer single-homes (multi_homing_share is ignored).")
    multi_homing_share: float = param(
        0.0, unit="share of consumers", low=0.0, high=1.0,
        source="model choice: no source reports comparison on each trip; the sources' "
               "multi-homing (over 60% of Shein shoppers also used Temu) is use of several "
               "platforms within a month, which single-homers show by switching between trips",
        doc="Consumers who multi-home: on each trip they open every platform they know that "
            "beats the outside option, compare their slates and buy the best listing. The "
            "rest single-home: they shop on the one platform their platform choice picks, "
            "weighing its selection, and switch between trips at the cost of habit and "
            "awareness.")
    position_utility: float = param(-0.12, unit="utility per slate position", high=0.0,
                                    doc="Utility lost per position further down a slate "
                                        "(attention; model choice, ~12% less likely per "
                                        "position, as click-through curves fall).")
    rating_utility: float = param(1.0, unit="utility per rating unit", low=0.0,
                                  doc="Weight on a listing's rating (0–1) in listing choice "
                                      "(model choice: same order as quality).")
    promotion_pull: float = param(0.5, unit="utility", low=0.0,
                                  doc="Extra utility of a platform while it runs a sales "
                                      "event (model choice: a sale draws shoppers to it, "
                                      "not to the market).")
    budget: float = param(2.5, unit="reference prices", low=0.1,
                          doc="Mean maximum price a consumer pays, in reference prices.")
    first_position_ctr: float = param(0.3, unit="clicks per shopper", low=0.0, high=1.0,
                                      doc="Clicks the first slate position gets per shopper "
                                          "who sees the slate.",
                                      source="model choice: order of published search CTRs "
                                             "for the top result (~30%)")
    attention_decay: float = param(0.85, unit="x per position", low=0.0, high=1.0,
                                   doc="Attention (clicks) falls by this factor per position "
                                       "down the slate.",
                                   source="model choice: position k gets 0.85^k of the top "
                                          "position's clicks")
    rating_noise: float = param(0.15, unit="rating points (sd)", low=0.0,
                                doc="Spread of a buyer's rating around the product's quality.",
                                source="model choice: ratings are noisy signals of quality")


@dataclass(frozen=True)
class SellerConfig:
    """Sellers: how many, of which kinds, and how they review their platform portfolio."""

    n_sellers: int = param(500, unit="sellers", low=1, doc="Initial number of sellers.")
    kind_shares: dict[str, float] = param(
        {"factory": 0.3, "trader": 0.4, "brand": 0.2, "big_seller": 0.1},
        unit="share", low=0.0, doc="Mix of seller kinds (normalised).",
        source="docs/sources.md#seller-kinds: factories, traders, brands, giant trees and grass")
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
    payback_reviews: int = param(12, unit="reviews", low=1,
                                 doc="Reviews over which a new store must pay back its "
                                     "onboarding cost (model choice: about a quarter).")
    grace_days: int = param(28, unit="days", low=0,
                            doc="A new store is given this long before it may be closed for "
                                "losses (model choice: a month to find its customers).")
    patience_reviews: int = param(2, unit="reviews", low=1,
                                  doc="Consecutive losing reviews before a store is closed "
                                      "(model choice: one bad week is noise).")
    exploration: float = param(0.1, unit="probability per review", low=0.0, high=1.0,
                               doc="Chance a satisfied seller looks for a new platform anyway "
                                   "(model choice: occasional curiosity).")
    aspiration_memory: float = param(0.3, unit="share", low=0.0, high=1.0,
                                     doc="Weight of the latest review's profit in a seller's "
                                         "aspiration level (satisficing; model choice).")
    alarm_memory: float = param(0.8, unit="share per review", low=0.0, high=1.0,
                                doc="Share of a seller's alarm (after a sweep) left after each "
                                    "review (model choice: fades over a few months).")
    peer_weight: float = param(0.5, unit="share", low=0.0, high=1.0,
                               doc="Weight on peers' reported profit versus own estimate.")
    peer_alarm: float = param(3.0, unit="alarm per share of peers", low=0.0,
                              doc="Alarm a seller on a swept platform takes from the share of "
                                  "its peers suspended (model choice: a third of one's peers "
                                  "suspended makes a search for a second platform certain).")
    entry_rate: float = param(0.01, unit="share of sellers per review", low=0.0, high=1.0,
                              doc="New sellers per review at full attractiveness.")
    exit_cash: float = param(-500.0, unit="USD",
                             doc="A seller whose cash falls below this exits.")
    price_adjustment: float = param(0.5, unit="share per review", low=0.0, high=1.0,
                                    doc="How far a price moves towards its target at a review.")
    ad_bid_share: float = param(0.5, unit="share of margin", low=0.0, high=1.0,
                                doc="Share of the expected margin per click bid for ads.")
    ad_cannibalisation: float = param(
        0.5, unit="share of an ad's sales", low=0.0, high=1.0,
        doc="Share of the sales an ad brings that the top organic place would have brought "
            "anyway; a store bids for the rest, so sellers high in the organic results bid "
            "less and those who lose organic visibility bid more (model choice: half).")
    network_degree: int = param(6, unit="peers", low=2, doc="Peers per seller.")
    own_shipping_cost: float = param(0.25, unit="reference prices per unit", low=0.0,
                                     doc="Cost of shipping an order without the platform "
                                         "(for a seller of average logistics competence).")
    frozen_holding_cost: float = param(10.0, unit="USD per day", low=0.0,
                                       doc="Cost of stock and debts stranded while a sweep "
                                           "holds a seller's funds.",
                                       source="docs/sources.md#enforcement-2021: "
                                              "2021 sweep froze funds and inventory; "
                                              "some large sellers went bankrupt")
    overhead_growth: float = param(0.3, unit="exponent", low=0.0, high=2.0,
                                   doc="Store running cost grows as stores^(1+x): 'big and "
                                       "comprehensive' sellers pay more per store.")
    kinds: dict[str, SellerKindConfig] = param(
        DEFAULT_KINDS, unit="-",
        doc="Seller kinds: cost, quality, competences, capacity, cash, review fraud "
            "(sellers.kinds.KIND.FIELD).")
    trait_spread: float = param(0.15, unit="log-sd", low=0.0,
                                doc="Log-normal spread of a new seller's unit cost, quality and "
                                    "competences around its kind's values.",
                                source="model choice: sellers of one kind differ by ~15%")
    max_product_age: int = param(730, unit="days", low=1,
                                 doc="A starting seller's product is up to this old (uniform).",
                                 source="model choice: products launched over the last two "
                                        "years")
    default_conversion: float = param(0.2, unit="purchases per paid click", low=0.0, high=1.0,
                                      doc="Conversion a seller assumes for ads before it has "
                                          "data (prior of its estimate).",
                                      source="model choice: prior belief, revised with data")
    conversion_prior_clicks: float = param(20.0, unit="clicks", low=0.0,
                                           doc="Weight of the conversion prior, in clicks.",
                                           source="model choice: ~3 weeks of a small seller's "
                                                  "paid clicks")
    max_conversion: float = param(0.5, unit="purchases per paid click", low=0.0, high=1.0,
                                  doc="Cap on the conversion a seller expects from a click.",
                                  source="model choice: guards bids against small samples")
    max_slate_share: float = param(0.8, unit="share", low=0.0, high=0.999,
                                   doc="Highest slate share a seller prices for (keeps the "
                                       "Bertrand–Nash markup finite).",
                                   source="model choice: markup 1/(alpha (1 - s)) stays bounded")
    supply_floor_margin: float = param(1.02, unit="x cost floor", low=1.0,
                                       doc="Managed model: suppliers will not go below their "
                                           "cost floor times this.",
                                       source="model choice: cost plus 2%")
    product_refresh_rate: float = param(0.01, unit="share of sellers per review", low=0.0,
                                        high=1.0,
                                        doc="Chance a seller launches a new product at a "
                                            "review (quality redrawn from its selection skill).",
                                        source="docs/sources.md#new-products, calibrated: ~40% "
                                               "of sales from products < 12 months; a launch "
                                               "every ~2 years gives 1 - exp(-0.52) = 0.41 in "
                                               "new_rivals (0.04 gave 0.79)")
    stock_cover_days: float = param(30.0, unit="days of sales", low=0.0,
                                    doc="Stock a store keeps in a platform's warehouse, in "
                                        "days of its sales; what storage fees are charged on.",
                                    source="model choice: a month of inventory")
    min_stock_units: float = param(10.0, unit="units", low=0.0,
                                   doc="Stock a fulfilled store holds even when little "
                                       "sells: slow sellers pay storage on it.",
                                   source="model choice: a small first shipment")

    def validate(self, prefix: str = "") -> None:
        """Seller kinds are the model's kinds (the table may change their numbers only)."""
        unknown = sorted(set(self.kinds) - set(DEFAULT_KINDS))
        if unknown:
            where = f"{prefix}.kinds" if prefix else "kinds"
            raise ConfigError(f"{where}.{unknown[0]}: unknown seller kind; allowed kinds are "
                              + ", ".join(DEFAULT_KINDS))


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
    referral_fee: float = param(0.15, unit="share of price", low=0.0, high=0.9,
                                doc="Default referral fee on each sale (below 1: a fee of "
                                    "100% makes sellers' prices infinite).",
                                source="docs/sources.md#seller-fees: incumbent referral ≈15%")
    fee_tiers: list[FeeTier] = param([], unit="-",
                                     doc="Category and price-tier overrides of the referral fee.")
    fee_responses: list[FeeResponse] = param([], unit="-",
                                             doc="Fee cuts triggered by rivals' share of a "
                                                 "price band (checked monthly).")
    fulfilment: bool = param(True, unit="-", doc="Platform fulfils orders (sellers pay a fee).")
    fulfilment_markup: float = param(0.3, unit="share of unit cost", low=0.0,
                                     doc="Fulfilment fee over the platform's logistics cost.",
                                     source="docs/sources.md#seller-fees: "
                                            "fulfilment 20–35% of sales, raised often")
    logistics_cost: float = param(4.0, unit="USD per unit", low=0.0,
                                  doc="Logistics cost per unit at the reference volume.")
    logistics_reference_volume: float = param(
        1_000.0, unit="orders per day at reference_consumers", low=1.0,
        doc="Volume at which the unit cost is as given (scales with the market).")
    scale_elasticity: float = param(0.15, unit="-", low=0.0, high=1.0,
                                    doc="Unit cost falls as volume^-elasticity (scale economies).")
    delivery_days: float = param(2.0, unit="days", low=0.0, doc="Typical delivery time.",
                                 source="docs/sources.md#delivery: "
                                        "incumbent same/next day; entrants 7–10 days")
    traffic_rule: str = param("organic", unit="-", choices=TRAFFIC_RULES,
                              doc="How listings are ranked into the slate.")
    slate_size: int = param(12, unit="listings", low=1, doc="Listings shown per search.")
    ad_slots: int = param(3, unit="slots", low=0, doc="Sponsored slots at the top of the slate.")
    ad_reserve_cpc: float = param(0.2, unit="USD per click", low=0.0,
                                  doc="Reserve price of the ad auction.",
                                  source="docs/sources.md#cpc: CPC < $0.5 in 2016, > $1.5 by 2024")
    organic_stickiness: float = param(0.8, unit="share", low=0.0, high=1.0,
                                      doc="Weight of past sales in organic rank (stickiness).",
                                      source="docs/sources.md#traffic: "
                                             "one listing can stay on top for years")
    new_seller_boost: float = param(0.0, unit="rank score", low=0.0,
                                    doc="Rank bonus for listings younger than 30 days.")
    coupon_rate: float = param(0.0, unit="share of price", low=0.0, high=0.9,
                               doc="Coupon paid by the platform on each order.",
                               source="docs/sources.md#temu: Temu hands out large coupons")
    subsidy_budget: float = param(0.0, unit="USD at reference_consumers", low=0.0,
                                  doc="Budget for coupons; coupons stop when it runs out.")
    marketing_spend: float = param(0.0, unit="USD per day at reference_consumers", low=0.0,
                                   doc="Outside advertising that makes consumers aware.")
    reach_cost: float = param(2.0, unit="USD per consumer reached", low=0.01,
                              doc="Cost of making one consumer aware through outside ads.")
    initial_awareness: float = param(0.5, unit="share of consumers", low=0.0, high=1.0,
                                     doc="Share of consumers aware of it on launch.")
    initial_sellers: float = param(0.5, unit="share of sellers", low=0.0, high=1.0,
                                   doc="Share of initial sellers listed on it at start.")
    initial_cash: float = param(1e6, unit="USD at reference_consumers",
                                doc="Platform cash at start.")
    fixed_cost: float = param(0.0, unit="USD per day at reference_consumers", low=0.0,
                              doc="Daily operating cost.")
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
                                     source="docs/sources.md#tiktok-shop: "
                                            "TikTok Shop recruits sellers with >= $2M/yr")
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
    parent_funding: float = param(0.0, unit="USD at reference_consumers", low=0.0,
                                  doc="Losses a parent company covers; below that the "
                                      "platform stops coupons and outside marketing.")
    exit_after_months: int = param(3, unit="months", low=1,
                                   doc="Months a platform goes on losing money once its cash "
                                       "and its parent's funding are exhausted before it "
                                       "exits; its stores close and its shoppers go elsewhere "
                                       "(model choice: a quarter of unfunded losses).")
    region: str = param("", unit="-", doc="Market region served ('' = every region).")
    listing_group: str = param("", unit="-",
                               doc="Platforms in one group share listings: list once, sell "
                                   "everywhere.")
    storage_fee: float = param(0.0, unit="USD per unit-month", low=0.0,
                               doc="Fee for stock stored in the platform's warehouses, paid "
                                   "by sellers using its fulfilment (0: none).",
                               source="docs/sources.md#seller-fees: "
                                      "fulfilment and storage fees were raised repeatedly")
    logistics_investment: float = param(0.0, unit="USD per day at reference_consumers",
                                        low=0.0,
                                        doc="Spending on warehouses and delivery network; "
                                            "delivery days fall towards delivery_days_floor "
                                            "as it accumulates.",
                                        source="docs/sources.md#delivery: "
                                               "delivery got faster; local and bonded "
                                               "warehouses give next-day delivery")
    delivery_days_floor: float = param(1.0, unit="days", low=0.0,
                                       doc="Fastest delivery logistics investment can reach.",
                                       source="docs/sources.md#delivery: incumbent same / next day")
    delivery_investment_scale: float = param(
        1e6, unit="USD at reference_consumers", low=1.0,
        doc="Cumulative logistics investment that closes 63% (1 - 1/e) of the gap between "
            "the starting delivery days and the floor.",
        source="model choice: diminishing returns to warehouse building")
    membership_fee: float = param(
        0.0, unit="USD per member-month", low=0.0,
        source="Amazon Prime's US price, $14.99 a month (2022); the sources name a paid "
               "membership as a main source of the incumbent's lock-in",
        doc="Price of the platform's paid consumer membership (Prime-like); 0 = no "
            "membership programme. Consumers join when their expected trips here times the "
            "value of member delivery and perks exceed it (model.membership).")
    membership_delivery_days: float = param(
        1.0, unit="days", low=0.0, source="docs/sources.md#delivery: "
                                          "incumbent same/next day for members",
        doc="Delivery time members get from the platform (fulfilled listings), instead of "
            "delivery_days when that is slower.")
    membership_loyalty: float = param(
        0.5, unit="utility per trip", low=0.0,
        source="model choice: a third of the habit term (habit_weight 1.5): perks and the "
               "sunk fee pull members back, a switching cost the sources call lock-in",
        doc="Extra utility members get from shopping here (member prices, perks, using what "
            "they paid for); it enters the platform's utility for members and their value "
            "of membership.")
    membership_review_days: int = param(
        30, unit="days", low=1, source="model choice: memberships are billed monthly",
        doc="Days between consumers' reviews of this platform's membership (join or leave).")
    fulfilment_choice: bool = param(
        False, unit="-",
        doc="Sellers choose per store between the platform's fulfilment and shipping "
            "themselves (model.fulfilment); false: every store on a fulfilment platform "
            "uses it, as before.",
        source="docs/sources.md#business-models: "
               "sellers weigh FBA fees against their own logistics")
    own_delivery_days: float = param(
        3.0, unit="days", low=0.0,
        source="model choice: seller-fulfilled orders take days longer than next-day "
               "platform fulfilment",
        doc="Extra delivery days of a self-shipped listing over the platform's "
            "delivery_days, seen by shoppers in listing choice (fulfilment_choice only).")
    fulfilment_rank_boost: float = param(
        0.5, unit="rank score", low=0.0,
        source="model choice: a third of brand_boost; the fast-delivery badge and Buy Box "
               "favour fulfilled offers",
        doc="Rank bonus of a platform-fulfilled listing in the organic ranking "
            "(fulfilment_choice only).")
    fulfilment_demand_gain: float = param(
        0.3, unit="share of a store's sales", low=0.0,
        source="model choice: order of the sales lift sellers report from FBA's badge and "
               "fast delivery",
        doc="Extra sales a seller expects from using the platform's fulfilment rather than "
            "shipping itself; it weighs this against the fee difference at each review "
            "(fulfilment_choice only).")

    auction_lots: int = param(1, unit="items per store per day", low=1,
                              doc="Auction model: listing limit, the items a store may put up "
                                  "for auction each day; the highest bidders win them.",
                              source="docs/sources.md#business-models: "
                                     "eBay's listing limits (tighter for new sellers)")
    insertion_fee: float = param(0.0, unit="USD per item listed", low=0.0,
                                 doc="Auction model: fee per item put up for auction, paid "
                                     "whether or not it sells.",
                                 source="docs/sources.md#business-models: "
                                        "eBay listing (insertion) fees, ~$0.35 an item "
                                        "beyond a free allowance")
    wholesale_markup: float = param(1.4, unit="x supplier's unit cost", low=1.0,
                                    doc="Retail (1P) model: the platform buys from suppliers "
                                        "at their unit cost times this.",
                                    source="model choice: a supplier's outside option - on a "
                                           "marketplace a seller keeps ~40% over unit cost "
                                           "after fees, so a reseller pays about that "
                                           "(double marginalisation, Spengler 1950)")
    retail_margin: float = param(0.25, unit="share over wholesale", low=0.0,
                                 doc="Retail (1P) model: the platform's retail price is "
                                     "wholesale times 1 + this (its pricing rule).",
                                 source="docs/sources.md#business-models: "
                                        "JD self-operated; model choice: ~20% gross "
                                        "margin on retail sales")
    stock_cover_days: float = param(30.0, unit="days of expected sales", low=0.0,
                                    doc="Retail (1P) model: stock the platform buys ahead at "
                                        "each seller review, in days of its recent sales.",
                                    source="model choice: about a month of inventory (JD's "
                                           "inventory turnover is ~30-35 days)")
    stock_depreciation: float = param(0.003, unit="share of stock per day", low=0.0, high=1.0,
                                      doc="Retail (1P) model: unsold stock lost each day "
                                          "(obsolescence, damage, markdowns).",
                                      source="model choice: ~10% of a month's stock a month")
    stock_holding_cost: float = param(0.0007, unit="share of stock value per day", low=0.0,
                                      high=1.0,
                                      doc="Retail (1P) model: cost of holding stock (warehouse, "
                                          "capital) per day, on its wholesale value.",
                                      source="model choice: ~25% a year, the usual rule of thumb")
    engagement_weight: float = param(0.0, unit="rank score per log engagement", low=0.0,
                                     doc="Content model: weight of a listing's content "
                                         "engagement in the 'content' ranking (the virality "
                                         "rule); 0 switches it off.",
                                     source="docs/sources.md#tiktok-shop: "
                                            "content virality drives feed exposure")
    engagement_gain: float = param(1.0, unit="engagement per smoothed daily unit", low=0.0,
                                   doc="Content model: how much a listing's sales from the feed "
                                       "raise its engagement (shares, likes: virality feeds on "
                                       "itself).",
                                   source="model choice: a best seller's engagement is a few "
                                          "times a newcomer's")
    feed_items: int = param(3, unit="listings per feed session", low=1,
                            doc="Content model: listings a feed session shows (the top of the "
                                "ranking); impulse buyers choose among these only.",
                            source="model choice: a feed shows one video at a time; a session "
                                   "that ends in a purchase sees a handful of products")
    assortment: float = param(40.0, unit="suppliers per category at reference_consumers",
                              low=0.0,
                              doc="Retail (1P) model: the most outside suppliers per category "
                                  "the retailer buys from (its buyers curate; scales with the "
                                  "market); a full category takes no new suppliers.",
                              source="Hagiu and Wright 2015: a reseller carries a narrower "
                                     "range than a marketplace (the long tail stays 3P)")

    strategy: str = param("fixed", unit="-", choices=STRATEGIES,
                          doc="How the platform's levers change: 'fixed' (only scheduled events "
                              "and configured fee responses change them) or 'adaptive' (its "
                              "monthly review also runs a trial-and-error search over them, "
                              "model.strategy; Heinrich and Gräbner 2019).")
    objective: str = param("profit", unit="-", choices=OBJECTIVES,
                           doc="What an adaptive platform raises: 'profit' (its ledger's profit "
                               "over a trial window) or 'growth' (growth_metric), which falls "
                               "back to profit once its cash and parent's funding are spent.")
    growth_metric: str = param("gmv", unit="-", choices=GROWTH_METRICS,
                               doc="The growth objective's measure: own GMV or own active "
                                   "consumers, summed over the trial window.")
    strategy_levers: list[str] = param(
        list(LEVERS), unit="-", choices=LEVERS,
        doc="Levers the adaptive rule may move (each trial moves one, drawn at random).")
    strategy_step: float = param(0.05, unit="share of the lever's bounds range", low=0.0,
                                 high=1.0,
                                 doc="How far one trial moves a lever (ad_slots: at least one "
                                     "slot).",
                                 source="model choice: 20 steps from bound to bound (the "
                                        "referral fee moves 2.5 points a step)")
    trial_months: int = param(1, unit="months (30-day reviews)", low=1, high=24,
                              doc="Length of a trial, and of the window before it that the "
                                  "trial is compared with.",
                              source="model choice: sellers reprice weekly (most of a fee's "
                                     "pass-through shows within a month), and a year holds "
                                     "enough monthly trials to climb a few steps")
    strategy_noise_margin: float = param(
        0.02, unit="share of the baseline objective", low=0.0, high=1.0,
        doc="A trial is kept only if the objective over the trial window beats the window "
            "before it by more than this share of that baseline; otherwise it is reverted.",
        source="model choice: above the month-to-month noise of a platform's profit at the "
               "default sizes and the ~1% a month growth of a +15%/year market")
    strategy_detrend: bool = param(
        False, unit="-",
        doc="Compare a trial with the trend of the clean record before it (a least-squares "
            "line carried forward) rather than with the last window's level, so that a "
            "growing market or a platform already gaining or losing ground is not taken "
            "for the trial's effect.")
    strategy_memory_months: int = param(
        3, unit="months", low=1, high=24,
        doc="How much of the clean record before a trial (at most) the trend is fitted to.",
        source="model choice: a quarter; longer lines miss turns in the market")
    referral_fee_bounds: list[float] = param(
        [0.0, 0.5], unit="share of price", low=0.0, high=0.9,
        doc="[low, high] the adaptive rule keeps the default referral fee within.",
        source="model choice: up to about three times today's ~15%")
    band_fee_bounds: list[float] = param(
        [0.0, 0.5], unit="share of price", low=0.0, high=0.9,
        doc="[low, high] for a low-price band's referral tier set by the adaptive rule.")
    fulfilment_markup_bounds: list[float] = param(
        [0.0, 2.0], unit="share of unit cost", low=0.0,
        doc="[low, high] for the fulfilment markup over the logistics cost.",
        source="model choice: above fee_creep's scripted 1.5 of 2022")
    ad_slots_bounds: list[int] = param(
        [0, 8], unit="slots", low=0,
        doc="[low, high] for the number of sponsored slots (at most the slate size).",
        source="docs/sources.md#third-party-sellers: "
               ">50% of the page sold as ads by 2021; 8 of a 12-listing slate")
    ad_reserve_cpc_bounds: list[float] = param(
        [0.0, 2.0], unit="USD per click", low=0.0,
        doc="[low, high] for the ad auction's reserve price.",
        source="docs/sources.md#cpc: CPC < $0.5 in 2016, > $1.5 by 2024")
    coupon_rate_bounds: list[float] = param(
        [0.0, 0.5], unit="share of price", low=0.0, high=0.9,
        doc="[low, high] for the coupon rate (coupons are paid only while the subsidy "
            "budget lasts).")
    marketing_spend_bounds: list[float] = param(
        [0.0, 2000.0], unit="USD per day at reference_consumers", low=0.0,
        doc="[low, high] for outside marketing spend.",
        source="model choice: the managed archetype's 2,000")
    rival_price_ceiling: float = param(
        0.0, unit="x cheapest rival's price level", low=0.0,
        doc="Managed model: the platform's retail price in a category is at most this multiple "
            "of the cheapest rival marketplace's price there (0: no ceiling; it prices at its "
            "profit-maximising markup over supply prices).",
        source="model choice for the managed archetype (1.0, a price match): a low-price "
               "entrant whose traffic depends mainly on price (sources) is never dearer than "
               "the cheapest rival")

    @property
    def sells_its_own_stock(self) -> bool:
        """Managed and retail (1P) platforms: the platform sets retail prices, ships the goods
        itself and charges sellers no fulfilment, storage or shipping; sellers are its
        suppliers."""
        return self.business_model in ("managed", "retail")

    def validate(self, prefix: str = "") -> None:
        """Sellers can choose fulfilment only where the platform offers it; bounds are
        [low, high] pairs; an adaptive platform starts within them, and its ad slots stay
        within the slate."""
        where = prefix or f"platforms.{self.name}"
        for lever in LEVERS:
            key = f"{where}.{lever}_bounds"
            bounds = getattr(self, f"{lever}_bounds")
            if len(bounds) != 2 or bounds[0] > bounds[1]:
                raise ConfigError(f"{key} = {bounds!r}: expected [low, high] with low <= high")
        if self.fulfilment_choice and (not self.fulfilment or self.business_model == "managed"):
            raise ConfigError(
                f"{where}.fulfilment_choice = True: allowed only with fulfilment = true on a "
                f"platform whose sellers ship (not business_model 'managed'); this one has "
                f"fulfilment = {self.fulfilment}, business_model = {self.business_model!r}")
        if self.strategy != "adaptive":
            return
        if self.ad_slots_bounds[1] > self.slate_size:
            raise ConfigError(f"{where}.ad_slots_bounds = {self.ad_slots_bounds!r}: the high "
                              f"bound must be at most slate_size ({self.slate_size})")
        if len(set(self.strategy_levers)) != len(self.strategy_levers):
            raise ConfigError(f"{where}.strategy_levers = {self.strategy_levers!r}: "
                              "levers must be distinct")
        starts = {"referral_fee": self.referral_fee,
                  "fulfilment_markup": self.fulfilment_markup, "ad_slots": self.ad_slots,
                  "ad_reserve_cpc": self.ad_reserve_cpc, "coupon_rate": self.coupon_rate,
                  "marketing_spend": self.marketing_spend}
        for lever in self.strategy_levers:
            if lever not in starts:
                continue
            low, high = getattr(self, f"{lever}_bounds")
            if not low <= starts[lever] <= high:
                raise ConfigError(
                    f"{where}.{lever} = {starts[lever]!r}: an adaptive platform must start "
                    f"within {where}.{lever}_bounds = [{low}, {high}] (widen the bounds or "
                    f"take {lever} out of strategy_levers)")
