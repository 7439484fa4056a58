"""The market's state: everything the phases of a day read and write, in one place.

:class:`MarketState` holds the columnar consumer and seller arrays, the platforms, today's
slates, the price and selection indices consumers weigh, the ledger and the recorder. The
phases of a day (:mod:`model.market.market_model`) take it and the day; none of them sees
the Mesa model. Time and scheduling come through a :class:`Calendar`, which wraps the Mesa
model's clock and event list.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

import mesa
import numpy as np
from mesa.time import Priority, Schedule

if TYPE_CHECKING:
    from model.accounting.ledger import Ledger
    from model.accounting.metrics import Recorder
    from model.agents.consumer import ConsumerArrays
    from model.agents.platform import Platform
    from model.agents.seller import SellerAgents, SellerArrays
    from model.config.scenario import MarketConfig
    from model.platforms.traffic import Slate


class SellerProcess(Protocol):
    """What the other phases ask of the sellers' slow cadence
    (:class:`model.supply.review.SellerReview`): its peer network, recruiting stores for a
    platform, and per-seller costs and risks."""

    peer_source: np.ndarray
    peer_target: np.ndarray

    def recruit(self, p: int, share: float, kind: int | None = None) -> int: ...

    def fake_review_propensity(self, sellers: np.ndarray) -> np.ndarray: ...

    def own_shipping_cost(self, sellers: np.ndarray) -> np.ndarray: ...


class Calendar:
    """The market's clock and its event list (a Mesa model's ``time``, ``steps`` and
    ``schedule_event``), for phases that schedule follow-ups (a sweep's fund release)."""

    def __init__(self, model: mesa.Model) -> None:
        self._model = model
        self._kept: list[object] = []
        self.warmup_day: int | None = None   # during the warm-up: its day (<= 0)

    @property
    def day(self) -> int:
        """Days simulated so far (the current day while a step runs); during the warm-up,
        the warm-up's day, counted up to 0."""
        return self._model.steps if self.warmup_day is None else self.warmup_day

    @property
    def effective_day(self) -> int:
        """The day an action taken now takes effect on (shocks fire the evening before)."""
        if self.warmup_day is not None:
            return self.warmup_day
        return int(np.ceil(self._model.time))

    def at(self, callback: Callable[[], None], time: float, owner: object | None = None,
           priority: Priority = Priority.DEFAULT) -> None:
        """Run ``callback`` at ``time``. Mesa holds scheduled callbacks weakly, so the
        callback (or ``owner``, the object whose method it is) is kept alive here."""
        self._kept.append(owner if owner is not None else callback)
        self._model.schedule_event(callback, at=time, priority=priority)

    def every(self, callback: Callable[[], None], days: float,
              priority: Priority = Priority.DEFAULT) -> None:
        """Run ``callback`` every ``days`` days, from day ``days`` (kept alive as in
        :meth:`at`)."""
        self._kept.append(callback)
        self._model.schedule_recurring(callback, Schedule(interval=days, start=days),
                                       priority=priority)


class MarketState:
    """Consumers, sellers, platforms and the market's books.

    Built once by :func:`model.market.setup.build_market`; its fields keep their identity
    for the whole run (arrays are updated in place), so views taken of them stay valid.
    """

    def __init__(self, config: MarketConfig, rng: np.random.Generator,
                 calendar: Calendar) -> None:
        self.config = config
        self.rng = rng
        self.calendar = calendar
        self.platform_names = [p.name for p in config.platforms]
        self.category_names = [c.name for c in config.categories]
        self.region_names = [r.name for r in config.regions]
        self.reference_price = np.array([c.reference_price for c in config.categories])
        self.category_weight = np.array([c.weight for c in config.categories])
        self.market_scale = config.consumers.n_consumers / config.reference_consumers
        self.platform_cash = np.array([p.initial_cash for p in config.platforms],
                                      dtype=float) * self.market_scale
        self.membership_fee = np.array([p.membership_fee for p in config.platforms])
        self.serves = np.array([[p.region in ("", r) for p in config.platforms]
                                for r in self.region_names])  # (regions, platforms)
        n_platforms, n_categories = len(config.platforms), len(config.categories)
        self.event_log: list[tuple[int, str]] = []
        self.price_index = np.ones((n_platforms, n_categories))
        self.listings = np.zeros((n_platforms, n_categories))
        self.arrivals = np.zeros((n_platforms, n_categories))  # since the last seller review
        self.category_gmv = np.zeros((n_platforms, n_categories))   # since day 0
        self.slates: dict[tuple[int, int], Slate] = {}
        self.surplus_today = np.zeros(n_platforms)   # consumer surplus booked today, USD
        self.wealth_yesterday = np.zeros(0)   # sellers' cash + frozen funds at last close
        # set by build_market, in the order the random draws require
        self.platforms: list[Platform] = []
        self.platform_by_name: dict[str, Platform] = {}
        self.consumers: ConsumerArrays
        self.contacts: tuple[np.ndarray, np.ndarray]
        self.sellers: SellerArrays
        self.seller_agents: SellerAgents
        self.review: SellerProcess
        self.band_gmv: np.ndarray   # this month, by price band
        self.ledger: Ledger
        self.recorder: Recorder

    @property
    def day(self) -> int:
        """Days simulated so far (the current day while a step runs)."""
        return self.calendar.day

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

    def log_event(self, text: str) -> None:
        """Note a shock in the event log, dated by the day it takes effect."""
        self.event_log.append((self.calendar.effective_day, text))

    def record_moves(self, move: str, sellers: np.ndarray, source: np.ndarray | int,
                     target: np.ndarray | int) -> None:
        """Add seller portfolio moves to the migration record."""
        src = np.broadcast_to(source, len(sellers))
        dst = np.broadcast_to(target, len(sellers))
        day = self.calendar.effective_day
        self.recorder.moves.extend(
            (day, int(a), int(b), move, int(s)) for s, a, b in zip(sellers, src, dst, strict=True))

    def retire_sellers(self, sellers: np.ndarray) -> None:
        """Take sellers (or product lines) out of the market: stores closed, agents removed.
        Their rows stay, so that their history and cash remain in the books."""
        self.sellers.alive[sellers] = False
        self.sellers.listed[sellers] = False
        self.seller_agents.retire(sellers)

    def add_surplus(self, platform: np.ndarray, surplus: np.ndarray) -> None:
        """Book consumer surplus (USD) of today's purchases."""
        np.add.at(self.surplus_today, platform, surplus)

    def make_aware(self, p: int, share: float) -> None:
        """A ``share`` of the consumers in the regions ``p`` serves hear of it."""
        served = self.serves[self.consumers.region, p]
        self.consumers.aware[served & (self.rng.random(len(self.consumers)) < share), p] = True

    def shopping_rates(self) -> np.ndarray:
        """Each consumer's chance of a shopping trip today (its rate times its region's
        adoption growth since day 0)."""
        adoption = np.array([(1 + r.adoption_growth) ** (self.day / 365)
                             for r in self.config.regions])
        return self.consumers.shopping_rate * adoption[self.consumers.region]
