"""Consumers: heterogeneous shoppers held as columns, each inspectable as a Mesa agent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np

if TYPE_CHECKING:
    from model.config.scenario import ConsumerConfig

NEVER = np.iinfo(np.int32).min // 2


@dataclass
class ConsumerArrays:
    """Columnar consumer state: one row per consumer, one column per platform where needed.

    Sensitivities are drawn once (lognormal around the configured means); awareness,
    habit and the day of the last visit change as consumers shop.
    """

    price_sensitivity: np.ndarray   # (N,) utility per reference price
    delivery_sensitivity: np.ndarray  # (N,) utility per day of delivery
    quality_sensitivity: np.ndarray  # (N,) utility per quality unit
    shopping_rate: np.ndarray       # (N,) trips per day
    budget: np.ndarray              # (N,) max price, in reference prices
    aware: np.ndarray               # (N, P) bool
    habit: np.ndarray               # (N, P) 0..1
    last_visit: np.ndarray          # (N, P) day of last visit
    region: np.ndarray              # (N,) index of the consumer's region
    multi_homer: np.ndarray         # (N,) bool: compares every platform it knows per trip
    member: np.ndarray              # (N, P) bool: pays for the platform's membership

    @classmethod
    def draw(cls, config: ConsumerConfig, n_platforms: int, region_shares: np.ndarray,
             rng: np.random.Generator) -> ConsumerArrays:
        """Draw a heterogeneous population from ``config`` using the model's generator."""
        n = config.n_consumers
        spread = config.price_sensitivity_spread

        def lognormal(mean: float) -> np.ndarray:
            # mean-preserving lognormal: E[x] = mean
            return (mean * rng.lognormal(-spread**2 / 2, spread, n)).astype(np.float32)

        return cls(
            price_sensitivity=lognormal(config.price_sensitivity),
            delivery_sensitivity=lognormal(config.delivery_sensitivity),
            quality_sensitivity=lognormal(config.quality_sensitivity),
            shopping_rate=np.clip(lognormal(config.shopping_rate), 0.0, 1.0),
            budget=lognormal(config.budget),
            aware=np.zeros((n, n_platforms), dtype=bool),
            habit=np.zeros((n, n_platforms), dtype=np.float32),
            last_visit=np.full((n, n_platforms), NEVER, dtype=np.int32),
            region=rng.choice(len(region_shares), size=n,
                              p=region_shares / region_shares.sum()).astype(np.int16),
            multi_homer=rng.random(n) < config.multi_homing_share * config.multi_homing,
            member=np.zeros((n, n_platforms), dtype=bool),
        )

    def __len__(self) -> int:
        return len(self.price_sensitivity)


class Consumer(mesa.Agent):
    """A shopper. Its state is row ``index`` of ``model.consumers``."""

    def __init__(self, model: mesa.Model, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def platform(self) -> str | None:
        """The platform this consumer is most habituated to, or None."""
        habit = self.model.consumers.habit[self.index]
        if habit.max() <= 0:
            return None
        return self.model.platform_names[int(habit.argmax())]

    @property
    def habit(self) -> dict[str, float]:
        """Habit (0–1) per platform."""
        row = self.model.consumers.habit[self.index]
        return {name: float(row[p]) for p, name in enumerate(self.model.platform_names)}

    @property
    def multi_homes(self) -> bool:
        """Whether this consumer compares every platform it knows on each trip."""
        return bool(self.model.consumers.multi_homer[self.index])

    @property
    def member_of(self) -> list[str]:
        """Platforms whose paid membership this consumer holds."""
        row = self.model.consumers.member[self.index]
        return [name for p, name in enumerate(self.model.platform_names) if row[p]]

    @property
    def aware_of(self) -> list[str]:
        """Platforms this consumer knows about."""
        row = self.model.consumers.aware[self.index]
        return [name for p, name in enumerate(self.model.platform_names) if row[p]]

    @property
    def budget(self) -> float:
        """Largest price paid, in multiples of a category's reference price."""
        return float(self.model.consumers.budget[self.index])

    @property
    def price_sensitivity(self) -> float:
        """Weight on price in this consumer's choices."""
        return float(self.model.consumers.price_sensitivity[self.index])
