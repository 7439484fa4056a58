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
    from model.config import SellerConfig

SELLER_KINDS = ("factory", "trader", "brand", "big_seller")

# Unit cost and quality relative to the category's reference price; operating skill 0–1;
# capacity = how many platforms the seller can run stores on at once; fake_reviews = relative
# propensity to buy reviews (what enforcement sweeps catch).
KIND_PROFILES: dict[str, dict[str, float]] = {
    "factory": {"cost": 0.45, "quality": 0.45, "skill": 0.3, "capacity": 2, "cash": 1.0,
                "fake_reviews": 1.0},
    "trader": {"cost": 0.62, "quality": 0.5, "skill": 0.6, "capacity": 2, "cash": 0.8,
               "fake_reviews": 1.4},
    "brand": {"cost": 0.7, "quality": 0.85, "skill": 0.7, "capacity": 2, "cash": 1.5,
              "fake_reviews": 0.2},
    "big_seller": {"cost": 0.52, "quality": 0.6, "skill": 0.9, "capacity": 4, "cash": 4.0,
                   "fake_reviews": 1.2},
}


@dataclass
class SellerArrays:
    """Columnar seller state; rows beyond ``count`` are spare capacity for entrants."""

    kind: np.ndarray          # (M,) index into SELLER_KINDS
    category: np.ndarray      # (M,) index into the market's categories
    unit_cost: np.ndarray     # (M,) USD per unit
    quality: np.ndarray       # (M,) 0–1
    skill: np.ndarray         # (M,) 0–1 operating skill
    capacity: np.ndarray      # (M,) max platforms at once
    cash: np.ndarray          # (M,) USD
    frozen: np.ndarray        # (M,) USD held back by an enforcement sweep
    alive: np.ndarray         # (M,) bool
    born: np.ndarray          # (M,) day of entry
    listed: np.ndarray        # (M, P) bool
    listed_since: np.ndarray  # (M, P) day the store opened
    price: np.ndarray         # (M, P) USD
    ad_bid: np.ndarray        # (M, P) USD per click
    sales_score: np.ndarray   # (M, P) smoothed daily units: organic rank memory
    rating: np.ndarray        # (M, P) smoothed rating 0–1
    units: np.ndarray         # (M, P) units sold since the last review
    profit: np.ndarray        # (M, P) profit since the last review, USD
    clicks: np.ndarray        # (M, P) paid clicks since the last review
    aspiration: np.ndarray    # (M,) profit per review the seller has come to expect, USD
    losing: np.ndarray        # (M, P) consecutive reviews a store was expected to lose money
    count: int = 0

    @classmethod
    def empty(cls, capacity: int, n_platforms: int) -> SellerArrays:
        """Allocate room for ``capacity`` sellers on ``n_platforms`` platforms."""
        m, p = capacity, n_platforms
        return cls(
            kind=np.zeros(m, np.int8), category=np.zeros(m, np.int16),
            unit_cost=np.zeros(m), quality=np.zeros(m), skill=np.zeros(m),
            capacity=np.zeros(m, np.int8), cash=np.zeros(m), frozen=np.zeros(m),
            alive=np.zeros(m, bool),
            born=np.zeros(m, np.int32), listed=np.zeros((m, p), bool),
            listed_since=np.zeros((m, p), np.int32), price=np.zeros((m, p)),
            ad_bid=np.zeros((m, p)), sales_score=np.zeros((m, p)), rating=np.full((m, p), 0.5),
            units=np.zeros((m, p)), profit=np.zeros((m, p)), clicks=np.zeros((m, p)),
            aspiration=np.full(m, np.nan), losing=np.zeros((m, p), np.int16),
        )

    def add(self, n: int, kinds: np.ndarray, categories: np.ndarray, reference_price: np.ndarray,
            config: SellerConfig, day: int, rng: np.random.Generator) -> np.ndarray:
        """Create ``n`` sellers of the given kinds and categories; return their indices."""
        self._reserve(self.count + n)
        idx = np.arange(self.count, self.count + n)
        self.count += n
        profile = {key: np.array([KIND_PROFILES[k][key] for k in SELLER_KINDS])
                   for key in ("cost", "quality", "skill", "capacity", "cash")}
        noise = rng.lognormal(0.0, 0.15, size=(3, n))
        self.kind[idx] = kinds
        self.category[idx] = categories
        self.unit_cost[idx] = profile["cost"][kinds] * reference_price[categories] * noise[0]
        self.quality[idx] = np.clip(profile["quality"][kinds] * noise[1], 0.05, 1.0)
        self.skill[idx] = np.clip(profile["skill"][kinds] * noise[2], 0.05, 1.0)
        self.capacity[idx] = profile["capacity"][kinds]
        self.cash[idx] = config.initial_cash * profile["cash"][kinds]
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
            if f.name in ("rating", "aspiration"):
                grown[:] = 0.5 if f.name == "rating" else np.nan
            grown[:size] = old
            setattr(self, f.name, grown)

    @property
    def active(self) -> np.ndarray:
        """Indices of sellers still in the market."""
        return np.flatnonzero(self.alive[: self.count])


class Seller(mesa.Agent):
    """A seller. Its state is row ``index`` of ``model.sellers``."""

    def __init__(self, model: mesa.Model, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def kind(self) -> str:
        """factory, trader, brand or big_seller."""
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
