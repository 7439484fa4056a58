"""The market model: one step is one day.

A day runs one way through the chain

    scheduled shocks -> platforms spend on growth -> consumers choose a platform ->
    platforms allocate traffic (slates, ad auction) -> consumers pick a listing ->
    purchases settle -> feedback (habit, word of mouth, ratings) -> periodic reviews
    (sellers weekly, platforms monthly, memberships) -> collection

using Mesa's event scheduling: shocks are one-off events, reviews and data collection
recurring ones. Each phase is a function of the market's state
(:class:`~model.market.state.MarketState`) and the day; this class builds the state,
schedules the phases and owns nothing a phase calls back into. Every random draw comes from
``self.rng``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from mesa import Model
from mesa.time import Priority

from model.accounting import outcomes
from model.accounting.collection import close_day
from model.agents.seller import SELLER_KINDS
from model.config.scenario import MarketConfig
from model.demand import membership
from model.market.day import run_day
from model.market.mesa_interface import market_datacollector, resolve_config
from model.market.setup import build_market
from model.market.warmup import warm_up
from model.platforms.entry_exit import launch_platform
from model.platforms.review import review_platforms
from model.platforms.strategy import REVIEW_DAYS
from model.supply.migration import ENTRY, EXIT, NONE
from model.world import network
from model.world.events import EVENT_LEAD, ScheduledShock

#: The market's state, readable on the model too (``model.sellers``, ``model.ledger``, ...).
STATE_FIELDS = ("platform_names", "category_names", "region_names", "reference_price",
                "category_weight", "event_log", "market_scale", "platform_cash", "platforms",
                "platform_by_name", "serves", "consumers", "contacts", "sellers",
                "seller_agents", "review", "price_index", "listings", "arrivals", "band_gmv",
                "category_gmv", "slates", "ledger", "recorder", "membership_fee")


class MarketModel(Model):
    """Consumers, sellers and platforms in one e-commerce market.

    Parameters
    ----------
    config : the scenario; defaults to the ``flywheel`` scenario.
    rng : seed (int) or numpy Generator; the only source of randomness.
    scenario : instead of ``config``, a scenario name or TOML path.
    overrides : dotted keys applied to the scenario, e.g. ``{"events.apparel_cut.day": 200}``.
    **settings : more dotted keys as keyword arguments (what ``mesa.batch_run`` passes).

    The model runs until ``config.steps`` days (``running`` turns False there), so
    ``run_model()`` and ``mesa.batch_run(MarketModel, parameters={"scenario": "flywheel",
    "consumers.n_consumers": [1000, 2000]}, rng=[1, 2])`` work; ``model.datacollector`` has
    a column per platform and metric, e.g. ``"gmv_share[incumbent]"``.

    Examples
    --------
    >>> from model.config import load_scenario
    >>> cfg = load_scenario("flywheel", {"consumers.n_consumers": 500, "sellers.n_sellers": 60})
    >>> m = MarketModel(cfg, rng=1)
    >>> m.run(3)
    >>> len(m.platform_frame()) == 3 * len(m.platform_names)
    True
    """

    def __init__(self, config: MarketConfig | str | None = None, *,
                 rng: int | np.random.Generator | None = None, scenario: str | None = None,
                 overrides: Mapping[str, Any] | None = None, **settings: Any) -> None:
        config = resolve_config(config, scenario, overrides, settings)
        super().__init__(rng=rng)
        self.config = config
        self.market = build_market(config, self)
        self.warmup = warm_up(self.market, self.market.review, config.warmup_days)
        for name in STATE_FIELDS:
            setattr(self, name, getattr(self.market, name))
        self.datacollector = market_datacollector(self.market)

        market, calendar = self.market, self.market.calendar
        for event in config.events:
            shock = ScheduledShock(market, event)
            calendar.at(shock.fire, event.day - EVENT_LEAD, owner=shock, priority=Priority.HIGH)
        for platform in self.platforms:
            if not platform.launched:
                calendar.at(partial(launch_platform, market, platform),
                            platform.config.launch_day - EVENT_LEAD, priority=Priority.HIGH)
        calendar.every(self.review.run, config.sellers.review_interval)
        calendar.every(partial(review_platforms, market), REVIEW_DAYS)
        for platform in self.platforms:
            if platform.config.membership_fee > 0:
                calendar.every(partial(membership.review_membership, market, platform),
                               platform.config.membership_review_days)
        calendar.every(self.collect, 1.0, priority=Priority.LOW)

    # ----------------------------------------------------------------- helpers
    @property
    def running(self) -> bool:
        """False once the configured horizon (``config.steps`` days) is reached."""
        return self._running and self.steps < self.config.steps

    @running.setter
    def running(self, value: bool) -> None:
        self._running = value

    @property
    def day(self) -> int:
        """Days simulated so far (the current day while a step runs)."""
        return self.steps

    def run(self, days: int) -> None:
        """Advance ``days`` days (reviews and data collection included)."""
        self.run_for(days)

    # ----------------------------------------------------------------- the day
    def step(self) -> None:
        """One day: platforms spend, consumers shop, platforms allocate traffic, purchases
        settle, feedback (:func:`model.market.day.run_day`)."""
        run_day(self.market)

    def collect(self) -> None:
        """Close the day's books, record every metric, and let Mesa's DataCollector read
        the day's row."""
        close_day(self.market)
        self.datacollector.collect(self)

    # ----------------------------------------------------------------- outputs
    def platform_frame(self) -> pd.DataFrame:
        """Per platform and day: consumers, orders, GMV, shares, sellers, fees, CPC, prices."""
        return self.recorder.platform_frame()

    def migration_frame(self) -> pd.DataFrame:
        """Seller moves per review: from -> to platform, by type of move."""
        labels = {i: name for i, name in enumerate(self.platform_names)}
        labels.update({ENTRY: "(entry)", EXIT: "(exit)", NONE: "(none)"})
        return self.recorder.migration_frame(labels)

    def seller_profit_frame(self) -> pd.DataFrame:
        """Daily seller profit by kind (USD): the change in sellers' wealth, not counting the
        capital entrants bring in (owners' money, not income)."""
        return self.recorder.seller_profit_frame()

    def wins_frame(self) -> pd.DataFrame:
        """Per platform: shoppers, third-party stores by seller kind, share of each
        category's GMV (:func:`model.accounting.outcomes.wins_frame`)."""
        return outcomes.wins_frame(self.platform_names, self.category_names, SELLER_KINDS,
                                   self.sellers, self.consumers.last_visit, self.category_gmv,
                                   self.day)

    def consumer_network(self) -> nx.Graph:
        """The word-of-mouth network as a networkx graph (for analysis; large at 10^6)."""
        return network.to_networkx(*self.contacts)

    def seller_network(self) -> nx.Graph:
        """The sellers' peer network as a networkx graph."""
        graph = nx.Graph()
        graph.add_nodes_from(range(self.sellers.count))
        graph.add_edges_from(zip(self.review.peer_source.tolist(),
                                 self.review.peer_target.tolist(), strict=True))
        return graph

    def seller_frame(self) -> pd.DataFrame:
        """One row per open store: seller, kind, category, platform, cost, price, cash."""
        s, n = self.sellers, self.sellers.count
        rows, cols = np.nonzero(s.listed[:n] & s.alive[:n, None])
        return pd.DataFrame({
            "seller": rows,
            "kind": np.array(SELLER_KINDS)[s.kind[rows]],
            "category": np.array(self.category_names)[s.category[rows]],
            "platform": np.array(self.platform_names)[cols],
            "unit_cost": s.unit_cost[rows],
            "price": s.price[rows, cols],
            "cash": s.cash[rows],
        })
