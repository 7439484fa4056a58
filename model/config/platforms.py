"""Configuration of a platform: business model, fees, traffic rule, logistics, marketing and
strategy.

Plain frozen dataclasses, every field declared with its unit, meaning, allowed values and
source (:func:`model.config.params.param`); ``kind`` names a preset in
:mod:`model.config.archetypes`.
"""

from __future__ import annotations

from dataclasses import dataclass

from model.config.archetypes import ARCHETYPES
from model.config.params import ConfigError, param

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
class PlatformConfig:
    """A platform: business model, fees, traffic rule, logistics and marketing.

    ``kind`` names an archetype preset (``model.config.archetypes``); any field given explicitly
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
                              "model.platforms.strategy; Heinrich and Gräbner 2019).")
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
