"""The market model: one step is one day.

A day runs one way through the chain

    scheduled shocks -> consumers choose a platform -> platforms allocate traffic (slates,
    ad auction) -> consumers pick a listing -> purchases settle -> feedback (habit, word
    of mouth, ratings) -> periodic reviews (sellers weekly, platforms monthly) -> data
    collection

using Mesa's event scheduling: shocks are one-off events, reviews and data collection
recurring ones. Every random draw comes from ``self.rng``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from mesa import Model
from mesa.time import Priority, Schedule

from agents import SELLER_KINDS, Consumer, ConsumerArrays, Platform, Seller, SellerArrays
from agents.platform import REVIEW_DAYS
from agents.seller import INDEPENDENT
from model import feedback, fees, membership, metrics, network, outcomes, products, shopping
from model.config import MarketConfig
from model.events import EVENT_LEAD, ScheduledShock
from model.ledger import Ledger
from model.mesa_interface import market_datacollector, resolve_config
from model.metrics import ACTIVE_WINDOW_DAYS, LEVER_METRICS, Recorder
from model.migration import ENTRY, EXIT, NONE
from model.review import SellerReview
from model.storefront import refresh_slates, serve_shoppers
from model.traffic import Slate

PLATFORM_REVIEW_DAYS = REVIEW_DAYS  # platforms review monthly


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
        cfg = self.config
        self.platform_names = [p.name for p in cfg.platforms]
        self.category_names = [c.name for c in cfg.categories]
        self.reference_price = np.array([c.reference_price for c in cfg.categories])
        self.category_weight = np.array([c.weight for c in cfg.categories])
        n_platforms, n_categories = len(cfg.platforms), len(cfg.categories)
        self.event_log: list[tuple[int, str]] = []
        self._kept: list[object] = []

        self.market_scale = cfg.consumers.n_consumers / cfg.reference_consumers
        self.platform_cash = np.array([p.initial_cash for p in cfg.platforms],
                                      dtype=float) * self.market_scale
        self.platforms = [Platform(self, i, pc) for i, pc in enumerate(cfg.platforms)]
        self.platform_by_name = {p.name: p for p in self.platforms}

        self.region_names = [r.name for r in cfg.regions]
        self.serves = np.array([[p.region in ("", r) for p in cfg.platforms]
                                for r in self.region_names])  # (regions, platforms)
        self.consumers = ConsumerArrays.draw(
            cfg.consumers, n_platforms, np.array([r.share for r in cfg.regions]), self.rng)
        for platform in self.platforms:
            if platform.launched:
                self._make_aware(platform.index, platform.config.initial_awareness)
        sources, targets = network.small_world_edges(
            cfg.consumers.n_consumers, cfg.consumers.network_degree,
            cfg.consumers.network_rewiring, self.rng)
        self.contacts = network.to_csr(cfg.consumers.n_consumers, sources, targets)
        for i in range(cfg.consumers.n_consumers):
            Consumer(self, i)

        self.sellers = SellerArrays.empty(2 * cfg.sellers.n_sellers, n_platforms)
        self.seller_agents: dict[int, Seller] = {}
        self.review = SellerReview(self)
        self.review.populate(cfg.sellers.n_sellers)

        self.price_index = np.ones((n_platforms, n_categories))
        self.listings = np.zeros((n_platforms, n_categories))
        self.arrivals = np.zeros((n_platforms, n_categories))  # since the last seller review
        self.band_gmv = np.zeros((n_platforms, n_categories, fees.PRICE_BANDS))  # this month
        self.category_gmv = np.zeros((n_platforms, n_categories))   # since day 0
        self.slates: dict[tuple[int, int], Slate] = {}
        self.ledger = Ledger(n_platforms)
        self.recorder = Recorder(cfg.steps, self.platform_names, SELLER_KINDS)
        self.datacollector = market_datacollector(self)
        self._surplus_today = np.zeros(n_platforms)
        self._wealth_yesterday = np.zeros(0)
        self._snapshot_wealth()
        self.review.reprice()
        refresh_slates(self)

        for event in cfg.events:
            shock = ScheduledShock(self, event)
            self.keep_alive(shock)
            self.schedule_event(shock.fire, at=event.day - EVENT_LEAD, priority=Priority.HIGH)
        for platform in self.platforms:
            if not platform.launched:
                self.schedule_event(platform.launch, at=platform.config.launch_day - EVENT_LEAD,
                                    priority=Priority.HIGH)
        self.schedule_recurring(self.review.run, Schedule(
            interval=cfg.sellers.review_interval, start=cfg.sellers.review_interval))
        self.schedule_recurring(self.review_platforms, Schedule(
            interval=PLATFORM_REVIEW_DAYS, start=PLATFORM_REVIEW_DAYS))
        self.membership_fee = np.array([p.membership_fee for p in cfg.platforms])
        for platform in self.platforms:
            if platform.config.membership_fee > 0:
                days = platform.config.membership_review_days
                self.schedule_recurring(platform.review_membership,
                                        Schedule(interval=days, start=days))
        self.schedule_recurring(self.collect, Schedule(interval=1.0, start=1.0),
                                priority=Priority.LOW)

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

    def listing_groups(self) -> list[np.ndarray]:
        """Open platforms that share listings (list once, sell everywhere), per group."""
        groups: dict[str, list[int]] = {}
        for p in self.platforms:
            if p.config.listing_group and p.launched:
                groups.setdefault(p.config.listing_group, []).append(p.index)
        return [np.array(members) for members in groups.values() if len(members) > 1]

    @property
    def brand(self) -> np.ndarray | None:
        """(platforms x platforms) storefronts of one brand (an open listing group), or
        None when no platforms share listings."""
        groups = self.listing_groups()
        if not groups:
            return None
        same = np.eye(len(self.platforms), dtype=bool)
        for members in groups:
            same[np.ix_(members, members)] = True
        return same

    def keep_alive(self, obj: object) -> None:
        """Hold a strong reference to an object whose method is a scheduled callback."""
        self._kept.append(obj)

    def log_event(self, text: str) -> None:
        """Note a shock in the event log, dated by the day it takes effect."""
        self.event_log.append((int(np.ceil(self.time)), text))

    def record_moves(self, move: str, sellers: np.ndarray, source: np.ndarray | int,
                     target: np.ndarray | int) -> None:
        """Add seller portfolio moves to the migration record."""
        src = np.broadcast_to(source, len(sellers))
        dst = np.broadcast_to(target, len(sellers))
        day = int(np.ceil(self.time))
        self.recorder.moves.extend(
            (day, int(a), int(b), move, int(s)) for s, a, b in zip(sellers, src, dst, strict=True))

    def retire_sellers(self, sellers: np.ndarray) -> None:
        """Take sellers (or product lines) out of the market: stores closed, agents removed.
        Their rows stay, so that their history and cash remain in the books."""
        self.sellers.alive[sellers] = False
        self.sellers.listed[sellers] = False
        for i in sellers:
            agent = self.seller_agents.pop(int(i), None)
            if agent is not None:
                agent.remove()

    def fake_review_propensity(self, sellers: np.ndarray) -> np.ndarray:
        """Relative chance of being caught in an enforcement sweep (mean 1)."""
        return self.review.fake_review_propensity(sellers)

    def _make_aware(self, p: int, share: float) -> None:
        """A ``share`` of the consumers in the regions ``p`` serves hear of it."""
        served = self.serves[self.consumers.region, p]
        self.consumers.aware[served & (self.rng.random(len(self.consumers)) < share), p] = True

    def launch_platform(self, platform: Platform) -> None:
        """Open a platform: consumers hear of it and it recruits its first sellers."""
        platform.launched = True
        self._make_aware(platform.index, platform.config.initial_awareness)
        recruited = self.review.recruit(platform.index, platform.config.initial_sellers)
        products.add_first_party_lines(self, platform.index,
                                       platform.config.first_party_products)
        self.log_event(f"{platform.name} launched; {recruited} sellers recruited")
        refresh_slates(self)

    def close_platform(self, platform: Platform) -> None:
        """A platform exits: every store on it closes (its own lines retire) and
        consumers can no longer choose it."""
        s, p = self.sellers, platform.index
        platform.launched = False
        platform.exited = True
        stores = np.flatnonzero(s.listed[: s.count, p] & s.alive[: s.count])
        independent = stores[s.owner[stores] == INDEPENDENT]
        self.record_moves("close", independent, p, NONE)
        s.listed[stores, p] = False
        self.retire_sellers(stores[s.owner[stores] != INDEPENDENT])
        self.consumers.member[:, p] = False   # a paid membership ends with the platform
        self.log_event(f"{platform.name} exits: its cash and its parent's funding are "
                       f"exhausted; {len(independent)} stores closed")
        refresh_slates(self)

    # ----------------------------------------------------------------- the day
    def step(self) -> None:
        """One day: consumers shop, platforms allocate traffic, purchases settle, feedback."""
        day = self.day
        cfg = self.config.consumers
        self._outside_marketing()
        rate = self.shopping_rates()
        shoppers = shopping.draw_shoppers(rate, self.rng)
        shoppers, only = self._add_event_shoppers(shoppers, rate)
        categories = shopping.draw_categories(len(shoppers), self.category_weight, self.rng)
        noisy, outside, terms, bonus = self._platform_draws(shoppers, categories)
        if only is not None:   # an event's extra trips go to its platform or nowhere
            elsewhere = (only[:, None] >= 0) & (only[:, None] != np.arange(len(self.platforms)))
            noisy[elsewhere] = -np.inf
        choice = shopping.choose(noisy, outside)
        consider = shopping.consideration_sets(noisy, outside,
                                               self.consumers.multi_homer[shoppers])
        visiting = np.flatnonzero(choice >= 0)
        offset = np.zeros_like(terms)
        # Listing utilities are relative to leaving: other platforms' non-listing terms
        # relative to the one chosen, plus the chosen platform's own sales-event pull.
        base = terms[visiting, choice[visiting]] - bonus[choice[visiting]]
        offset[visiting] = terms[visiting] - base[:, None]
        feed_consumers, feed_platforms, feed_categories = self._feed_sessions()
        feed_consider = np.zeros((len(feed_consumers), len(self.platforms)), dtype=bool)
        feed_consider[np.arange(len(feed_consumers)), feed_platforms] = True
        trips = np.concatenate([shoppers[visiting], feed_consumers])
        trip_categories = np.concatenate([categories[visiting], feed_categories])
        consider = np.concatenate([consider[visiting], feed_consider])
        offset = np.concatenate([offset[visiting], np.zeros(feed_consider.shape)])
        trip, platforms = np.nonzero(consider)
        visitors = trips[trip]
        attention = 1.0 / consider.sum(axis=1)[trip]   # a trip's attention split over slates
        np.add.at(self.arrivals, (platforms, trip_categories[trip]), attention)
        refresh_slates(self)
        impulse = np.arange(len(trips)) >= len(visiting)   # trips from a content feed
        buyers, bought_on, units_today = serve_shoppers(self, trips, trip_categories, consider,
                                                        offset, impulse)
        if self.membership_fee.any():   # members' fees, net of their consumer surplus
            paid = membership.charge(self.consumers.member, self.membership_fee,
                                     self.platform_cash, self.ledger)
            self._surplus_today -= paid
        loyalty = np.array([p.config.loyalty for p in self.platforms])
        feedback.update_habit(self.consumers, visitors, platforms, cfg.habit_gain * loyalty,
                              cfg.habit_decay, day)
        feedback.spread_word_of_mouth(self.consumers, *self.contacts, buyers, bought_on,
                                      cfg.word_of_mouth, self.rng, self.brand)
        feedback.update_sales_score(self.sellers, units_today, self.config.ranking.sales_memory)

    def shopping_rates(self) -> np.ndarray:
        """Each consumer's chance of a shopping trip today (its rate times its region's
        adoption growth since day 0)."""
        adoption = np.array([(1 + r.adoption_growth) ** (self.day / 365)
                             for r in self.config.regions])
        return self.consumers.shopping_rate * adoption[self.consumers.region]

    def review_membership(self, platform: Platform) -> None:
        """Consumers aware of ``platform`` join or leave its paid membership
        (``model.membership``)."""
        c, p, cfg = self.consumers, platform.index, platform.config
        eligible = platform.launched & c.aware[:, p] & self.serves[c.region, p]
        weights = self.category_weight / self.category_weight.sum()
        value = membership.membership_value(
            trips_per_day=self.shopping_rates(), habit=c.habit, platform=p,
            delivery_sensitivity=c.delivery_sensitivity, price_sensitivity=c.price_sensitivity,
            days_saved=platform.delivery_days - cfg.membership_delivery_days,
            loyalty=cfg.membership_loyalty,
            reference_price=float(weights @ self.reference_price))
        joined, left = membership.review(c.member[:, p], eligible, value,
                                         cfg.membership_fee)
        platform.members_joined += joined
        platform.members_left += left

    def _add_event_shoppers(self, shoppers: np.ndarray, rate: np.ndarray
                            ) -> tuple[np.ndarray, np.ndarray | None]:
        """Extra trips a sales event brings to the promoting platform only.

        A platform running a promotion with lift ``m`` draws ``(m - 1)`` times the usual
        shopping rate of the consumers who know it, and those trips go to it or nowhere:
        an event pulls its own shoppers, it does not lift rivals' demand. Returns every
        trip's shopper and, per trip, the only platform it may use (-1: any), or None
        when no event runs.
        """
        extra, target = [], []
        for platform in self.platforms:
            if not platform.in_promotion(self.day) or platform.promotion_lift <= 1.0:
                continue
            p = platform.index
            knows = self.consumers.aware[:, p] & self.serves[self.consumers.region, p]
            drawn = np.flatnonzero(knows & (self.rng.random(len(rate))
                                            < rate * (platform.promotion_lift - 1.0)))
            extra.append(drawn)
            target.append(np.full(len(drawn), p))
        if not extra:
            return shoppers, None
        only = np.concatenate([np.full(len(shoppers), -1), *target])
        return np.concatenate([shoppers, *extra]), only

    def _platform_draws(self, shoppers: np.ndarray, categories: np.ndarray
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Each shopper's platform utilities with today's random draws (-inf where a
        platform is not an option), the outside option's, the platforms' non-listing
        utility terms, and the platforms' sales-event pull (in the terms)."""
        cfg = self.config.consumers
        c = self.consumers
        launched = np.array([p.launched for p in self.platforms])
        listings = self.listings / self.market_scale   # selection as at reference_consumers
        if not self.config.consumers_value_selection:
            listings = shopping.uniform_selection(listings, launched)
        bonus = np.array([cfg.promotion_pull if p.in_promotion(self.day) else 0.0
                          for p in self.platforms])
        coupon = np.array([p.coupon_now for p in self.platforms])
        aware = c.aware[shoppers] & launched[None, :] & self.serves[c.region[shoppers]]
        members = {}
        if self.membership_fee.any():
            members = {"member": c.member[shoppers], "member_delivery_days": np.array(
                [p.config.membership_delivery_days for p in self.platforms]),
                "member_loyalty": np.array([p.config.membership_loyalty
                                            for p in self.platforms])}
        terms = shopping.platform_terms(
            delivery_sensitivity=c.delivery_sensitivity[shoppers], habit=c.habit[shoppers],
            delivery_days=np.array([p.delivery_days for p in self.platforms]), bonus=bonus,
            habit_weight=cfg.habit_weight, **members)
        utility = shopping.platform_utilities(
            price_sensitivity=c.price_sensitivity[shoppers], aware=aware,
            categories=categories, price_index=self.price_index, listings=listings,
            coupon=coupon, terms=terms, selection_weight=cfg.selection_weight)
        outside = cfg.outside_option - c.price_sensitivity[shoppers]
        noisy, outside_value = shopping.random_utilities(utility, outside, self.rng)
        return noisy, outside_value, terms, bonus

    def _feed_sessions(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Content platforms: consumers scrolling the feed, some of whom buy on impulse.

        Returns (consumers, platform, category) of today's impulse visits.
        """
        consumers, platforms, categories = [], [], []
        c = self.consumers
        for platform in self.platforms:
            cfg = platform.config
            if not platform.launched or cfg.feed_audience <= 0 or cfg.impulse_rate <= 0:
                continue
            p = platform.index
            chance = cfg.feed_audience * cfg.impulse_rate
            served = c.aware[:, p] & self.serves[c.region, p]
            who = np.flatnonzero(served & (self.rng.random(len(c)) < chance))
            consumers.append(who)
            platforms.append(np.full(len(who), p, dtype=np.int64))
            categories.append(shopping.draw_categories(len(who), self.category_weight,
                                                       self.rng))
        if not consumers:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty, empty
        return (np.concatenate(consumers), np.concatenate(platforms),
                np.concatenate(categories))

    def _outside_marketing(self) -> None:
        """Platforms buy outside advertising (reached consumers become aware), invest in
        logistics and pay their fixed costs."""
        n = len(self.consumers)
        for platform in self.platforms:
            invested = platform.invest_in_logistics()
            if invested > 0:
                self.platform_cash[platform.index] -= invested
                self.ledger.add("logistics_investment", platform.index, invested)
            spend = platform.marketing_spend
            if not platform.launched or spend <= 0 or not platform.funded:
                continue
            reached = self.rng.integers(0, n, size=int(spend / platform.config.reach_cost))
            reached = reached[self.serves[self.consumers.region[reached], platform.index]]
            self.consumers.aware[reached, platform.index] = True
            self.platform_cash[platform.index] -= spend
            self.ledger.add("marketing", platform.index, spend)
        fixed = self.market_scale * np.array([p.config.fixed_cost if p.launched else 0.0
                                              for p in self.platforms])
        self.platform_cash -= fixed
        self.ledger.add("fixed_costs", np.arange(len(self.platforms)), fixed)

    def add_surplus(self, platform: np.ndarray, surplus: np.ndarray) -> None:
        """Book consumer surplus (USD) of today's purchases."""
        np.add.at(self._surplus_today, platform, surplus)

    # ------------------------------------------------------------ slow cadence
    def review_platforms(self) -> None:
        """Monthly: platforms out of money exit; the others update their logistics cost
        from last month's volume, answer low-price rivals with the fee responses they
        are configured with, and adaptive ones run their trial-and-error rule
        (:mod:`model.strategy`)."""
        for platform in self.platforms:
            platform.review()
            if platform.must_exit:
                self.close_platform(platform)
                continue
            for text in platform.respond_to_rivals(self.band_gmv, self.category_names):
                platform.strategy_state.lever_changed_elsewhere(self.recorder.days)
                self.log_event(text)
            if platform.config.strategy == "adaptive":
                text = platform.adapt(self.recorder, self.band_gmv, self.category_names,
                                      self.reference_price)
                if text:
                    self.log_event(text)
        self.band_gmv[:] = 0.0

    def _snapshot_wealth(self) -> None:
        s = self.sellers
        self._wealth_yesterday = (s.cash + s.frozen)[: s.count].copy()

    def collect(self) -> None:
        """Close the day's books and record every metric."""
        s, n, day = self.sellers, self.sellers.count, self.day
        flows = self.ledger.close_day()
        for platform, orders in zip(self.platforms, flows["orders"], strict=True):
            platform.daily_orders.append(orders)
        third_party = s.alive[:n] & (s.owner[:n] == INDEPENDENT)
        stores = s.listed[:n] & third_party[:, None]
        multi = stores & (stores.sum(axis=1) > 1)[:, None]
        recent = self.consumers.last_visit > day - ACTIVE_WINDOW_DAYS
        weights = self.category_weight / self.category_weight.sum()
        wealth = (s.cash + s.frozen)[:n]
        # Profit is the change in wealth; a seller created today starts from the capital
        # it brought in, which is its owners' money, not income.
        yesterday = len(self._wealth_yesterday)
        baseline = np.concatenate([self._wealth_yesterday, s.capital[yesterday:n]])
        change = wealth - baseline
        kind_profit = np.bincount(s.kind[:n], weights=change, minlength=len(SELLER_KINDS))
        state = {
            "active_consumers": recent.sum(axis=0),
            "sellers": stores.sum(axis=0),
            "multihoming_sellers": multi.sum(axis=0),
            "price_index": metrics.reported_price_index(self.price_index, self.listings, weights),
            "delivery_days": np.array([p.delivery_days for p in self.platforms]),
            "consumer_surplus": self._surplus_today.copy(),
            "cash": self.platform_cash.copy(),
            "member_share": (membership.member_share(self.consumers.member,
                                                     self.serves[self.consumers.region])
                             if self.membership_fee.any() else np.zeros(len(self.platforms))),
            **{lever: np.array([float(p.lever(lever)) for p in self.platforms])
               for lever in LEVER_METRICS},
        }
        self.recorder.record_day(flows, state, kind_profit)
        self.datacollector.collect(self)
        self._surplus_today[:] = 0.0
        self._snapshot_wealth()

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
        category's GMV (:func:`model.outcomes.wins_frame`)."""
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
