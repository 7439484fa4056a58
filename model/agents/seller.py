"""Sellers: factories, traders, brands and big multi-store sellers, held as columns.

Per-listing state (price, ad bid, sales, rating) is a (sellers x platforms) matrix;
a listing is one seller's store on one platform.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

import mesa
import numpy as np

if TYPE_CHECKING:
    from model.config.scenario import SellerConfig

SELLER_KINDS = ("factory", "trader", "brand", "big_seller", "first_party")

# What distinguishes the kinds (cost, quality, competences, capacity, cash, review fraud) is
# configuration: ``sellers.kinds.KIND.*`` (model.behaviour.SellerKindConfig). "first_party"
# is a platform's own retail (1P) product line, not drawn at random.
INDEPENDENT = -1  # owner of a third-party seller


@dataclass
class SellerArrays:
    """Columnar seller state; rows beyond ``count`` are spare capacity for entrants."""

    kind: np.ndarray          # (M,) index into SELLER_KINDS
    category: np.ndarray      # (M,) index into the market's categories
    unit_cost: np.ndarray     # (M,) USD per unit
    quality: np.ndarray       # (M,) 0–1
    selection: np.ndarray     # (M,) 0–1 product-selection competence
    logistics: np.ndarray     # (M,) 0–1 logistics competence
    channel: np.ndarray       # (M,) 0–1 sales-channel (operating) competence
    owner: np.ndarray         # (M,) platform index for 1P product lines, else INDEPENDENT
    product_since: np.ndarray  # (M,) day the current product was launched
    scaled: np.ndarray        # (M,) bool: a tested product scaled up (fast fashion)
    capacity: np.ndarray      # (M,) max platforms at once
    cash: np.ndarray          # (M,) USD
    capital: np.ndarray       # (M,) USD brought in at entry: owners' money, not income
    frozen: np.ndarray        # (M,) USD held back by an enforcement sweep
    frozen_on: np.ndarray     # (M,) platform that froze them (while frozen > 0)
    alive: np.ndarray         # (M,) bool
    born: np.ndarray          # (M,) day of entry
    listed: np.ndarray        # (M, P) bool
    listed_since: np.ndarray  # (M, P) day the store opened
    price: np.ndarray         # (M, P) USD
    ad_bid: np.ndarray        # (M, P) USD per click
    supply_price: np.ndarray  # (M, P) USD a managed platform pays its supplier per unit
    sales_score: np.ndarray   # (M, P) smoothed daily units: organic rank memory
    rating: np.ndarray        # (M, P) smoothed rating 0–1
    units: np.ndarray         # (M, P) units sold since the last review
    profit: np.ndarray        # (M, P) profit since the last review, USD
    clicks: np.ndarray        # (M, P) paid clicks since the last review
    paid_units: np.ndarray    # (M, P) units sold through sponsored slots since the review
    aspiration: np.ndarray    # (M,) profit per review the seller has come to expect, USD
    losing: np.ndarray        # (M, P) consecutive reviews a store was expected to lose money
    alarm: np.ndarray         # (M,) 0–1 fear of depending on one platform (after a sweep)
    fulfilled: np.ndarray     # (M, P) bool: the store uses the platform's fulfilment (where a
    #                           platform lets sellers choose; model.fulfilment)
    stock: np.ndarray         # (M, P) units a retail (1P) platform holds of the listing
    engagement: np.ndarray    # (M, P) smoothed daily units sold from a content feed
    feed_units: np.ndarray    # (M, P) units sold from a content feed, cumulative
    count: int = 0

    @classmethod
    def empty(cls, capacity: int, n_platforms: int) -> SellerArrays:
        """Allocate room for ``capacity`` sellers on ``n_platforms`` platforms."""
        m, p = capacity, n_platforms
        return cls(
            kind=np.zeros(m, np.int8), category=np.zeros(m, np.int16),
            unit_cost=np.zeros(m), quality=np.zeros(m), selection=np.zeros(m),
            logistics=np.zeros(m), channel=np.zeros(m), owner=np.full(m, INDEPENDENT, np.int16),
            product_since=np.zeros(m, np.int32), scaled=np.zeros(m, bool),
            capacity=np.zeros(m, np.int8), cash=np.zeros(m), capital=np.zeros(m),
            frozen=np.zeros(m), frozen_on=np.zeros(m, np.int16),
            alive=np.zeros(m, bool),
            born=np.zeros(m, np.int32), listed=np.zeros((m, p), bool),
            listed_since=np.zeros((m, p), np.int32), price=np.zeros((m, p)),
            ad_bid=np.zeros((m, p)), supply_price=np.zeros((m, p)),
            sales_score=np.zeros((m, p)), rating=np.full((m, p), 0.5),
            units=np.zeros((m, p)), profit=np.zeros((m, p)), clicks=np.zeros((m, p)),
            paid_units=np.zeros((m, p)),
            aspiration=np.full(m, np.nan), losing=np.zeros((m, p), np.int16),
            alarm=np.zeros(m), fulfilled=np.ones((m, p), bool),
            stock=np.zeros((m, p)),
            engagement=np.zeros((m, p)), feed_units=np.zeros((m, p)),
        )

    def add(self, n: int, kinds: np.ndarray, categories: np.ndarray, reference_price: np.ndarray,
            config: SellerConfig, day: int, rng: np.random.Generator) -> np.ndarray:
        """Create ``n`` sellers of the given kinds and categories; return their indices."""
        self._reserve(self.count + n)
        idx = np.arange(self.count, self.count + n)
        self.count += n
        profile = {key: np.array([getattr(config.kinds[k], key) for k in SELLER_KINDS])
                   for key in ("unit_cost", "quality", "selection", "logistics", "channel",
                               "capacity", "cash")}
        noise = rng.lognormal(0.0, config.trait_spread, size=(5, n))
        self.kind[idx] = kinds
        self.category[idx] = categories
        self.unit_cost[idx] = profile["unit_cost"][kinds] * reference_price[categories] * noise[0]
        self.quality[idx] = np.clip(profile["quality"][kinds] * noise[1], 0.05, 1.0)
        for pillar, row in (("selection", 2), ("logistics", 3), ("channel", 4)):
            getattr(self, pillar)[idx] = np.clip(profile[pillar][kinds] * noise[row], 0.05, 1.0)
        self.owner[idx] = INDEPENDENT
        self.product_since[idx] = day - rng.integers(0, config.max_product_age, size=n)
        self.capacity[idx] = profile["capacity"][kinds]
        self.cash[idx] = config.initial_cash * profile["cash"][kinds]
        self.capital[idx] = self.cash[idx]
        self.alive[idx] = True
        self.born[idx] = day
        return idx

    def _reserve(self, needed: int) -> None:
        size = len(self.kind)
        if needed <= size:
            return
        new_size = max(needed, 2 * size)
        for f in fields(self):
            if f.name == "count":
                continue
            old = getattr(self, f.name)
            grown = np.zeros((new_size, *old.shape[1:]), dtype=old.dtype)
            fill = {"rating": 0.5, "aspiration": np.nan, "owner": INDEPENDENT,
                    "fulfilled": True}
            if f.name in fill:
                grown[:] = fill[f.name]
            grown[:size] = old
            setattr(self, f.name, grown)

    @property
    def active(self) -> np.ndarray:
        """Indices of sellers (and 1P product lines) still in the market."""
        return np.flatnonzero(self.alive[: self.count])

    @property
    def independent(self) -> np.ndarray:
        """Indices of third-party sellers still in the market (not platforms' own lines)."""
        n = self.count
        return np.flatnonzero(self.alive[:n] & (self.owner[:n] == INDEPENDENT))


class Seller(mesa.Agent):
    """A seller. Its state is row ``index`` of ``model.sellers``."""

    def __init__(self, model: mesa.Model, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def kind(self) -> str:
        """factory, trader, brand, big_seller or first_party (a platform's own line)."""
        return SELLER_KINDS[int(self.model.sellers.kind[self.index])]

    @property
    def platforms(self) -> list[str]:
        """Platforms this seller has a store on."""
        row = self.model.sellers.listed[self.index]
        return [name for p, name in enumerate(self.model.platform_names) if row[p]]

    @property
    def cash(self) -> float:
        """Cash in USD (not counting funds frozen by an enforcement sweep)."""
        return float(self.model.sellers.cash[self.index])

    @property
    def alive(self) -> bool:
        """Whether the seller is still in the market."""
        return bool(self.model.sellers.alive[self.index])

    @property
    def prices(self) -> dict[str, float]:
        """Price per platform it lists on, USD."""
        s = self.model.sellers
        return {name: float(s.price[self.index, p])
                for p, name in enumerate(self.model.platform_names) if s.listed[self.index, p]}


class SellerAgents(dict[int, Seller]):
    """The Seller agents of the sellers still trading, by row of the seller arrays."""

    def __init__(self, model: mesa.Model) -> None:
        super().__init__()
        self.model = model

    def create(self, rows: np.ndarray) -> None:
        """A Seller agent for each new row."""
        for i in rows:
            self[int(i)] = Seller(self.model, int(i))

    def retire(self, rows: np.ndarray) -> None:
        """Remove the agents of retired rows (their rows stay in the arrays)."""
        for i in rows:
            agent = self.pop(int(i), None)
            if agent is not None:
                agent.remove()
