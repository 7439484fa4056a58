"""Configuration of the market's participants: consumers and sellers.

Plain frozen dataclasses, every field declared with its unit, meaning, allowed values and
source (:func:`model.config.params.param`); :mod:`model.config.scenario` assembles them into a
scenario. Platforms are configured in :mod:`model.config.platforms`.
"""

from __future__ import annotations

from dataclasses import dataclass

from model.config.behaviour import DEFAULT_KINDS, SellerKindConfig
from model.config.params import ConfigError, param


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
