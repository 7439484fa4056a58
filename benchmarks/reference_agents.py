"""A plain per-agent Mesa version of the consumers' daily platform choice.

The same logit as :func:`model.demand.shopping.platform_utilities` + ``logit_choice``, written the
way a first Mesa model would be: each consumer agent's ``step`` draws whether it shops and
then compares platforms in Python. It exists only as the benchmark's reference point.
"""

from __future__ import annotations

import math

import mesa
import numpy as np


class LoopConsumer(mesa.Agent):
    """A consumer deciding in Python, one agent at a time."""

    def __init__(self, model: LoopMarket, alpha: float, delta: float, rate: float) -> None:
        super().__init__(model)
        self.alpha, self.delta, self.rate = alpha, delta, rate
        self.habit = [0.0] * model.n_platforms
        self.choice = -1

    def step(self) -> None:
        model = self.model
        rng = model.random
        if rng.random() >= self.rate:
            self.choice = -1
            return
        c = rng.randrange(model.n_categories)
        best, best_value = -1, -self.alpha - math.log(-math.log(rng.random()))
        for p in range(model.n_platforms):
            value = (-self.alpha * model.price_index[p][c]
                     + 0.5 * math.log1p(model.listings[p][c])
                     - self.delta * model.delivery[p] + 1.5 * self.habit[p]
                     - math.log(-math.log(rng.random())))
            if value > best_value:
                best, best_value = p, value
        self.choice = best
        if best >= 0:
            self.habit[best] += 0.3 * (1 - self.habit[best])


class LoopMarket(mesa.Model):
    """Just enough market for the per-agent consumers to choose in."""

    def __init__(self, n_consumers: int, n_platforms: int = 3, n_categories: int = 6,
                 rng: int = 0) -> None:
        super().__init__(rng=rng)
        self.n_platforms, self.n_categories = n_platforms, n_categories
        self.price_index = (1 + 0.2 * self.rng.random((n_platforms, n_categories))).tolist()
        self.listings = self.rng.integers(10, 100, (n_platforms, n_categories)).tolist()
        self.delivery = [1.5, 5.0, 8.0][:n_platforms]
        draws = self.rng.lognormal(0, 0.3, (n_consumers, 3)) * np.array([4.0, 0.15, 0.05])
        for alpha, delta, rate in draws.tolist():
            LoopConsumer(self, alpha, delta, rate)

    def step(self) -> None:
        self.agents.do("step")
