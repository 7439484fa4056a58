"""The sellers' side of the market over time: creation, weekly review, entry and exit.

At each review (every ``sellers.review_interval`` days) sellers, in order:
leave if their cash has run out; review their platform portfolio (``model.supply.migration``);
new sellers enter; every store is repriced and its ad bid reset (``model.supply.pricing``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.accounting.settlement import DAYS_PER_MONTH
from model.agents.seller import INDEPENDENT, SELLER_KINDS
from model.platforms import fees, retail
from model.platforms.allocation import organic_visibility
from model.supply import fulfilment, migration, pricing, products
from model.supply.migration import ENTRY, EXIT, NONE
from model.world import network

if TYPE_CHECKING:
    from model.market.state import MarketState


class SellerReview:
    """Runs the sellers' slow decisions against the market's columnar seller state."""

    def __init__(self, market: MarketState) -> None:
        self.market = market
        self.config = market.config.sellers
        shares = self.config.kind_shares
        weights = np.array([shares.get(k, 0.0) for k in SELLER_KINDS])
        self.kind_weights = weights / weights.sum()
        self.peer_source = np.empty(0, np.int64)
        self.peer_target = np.empty(0, np.int64)

    # ---------------------------------------------------------------- creation
    def _create(self, n: int) -> np.ndarray:
        market, rng = self.market, self.market.rng
        kinds = rng.choice(len(SELLER_KINDS), size=n, p=self.kind_weights)
        categories = model_categories(market, n)
        idx = market.sellers.add(n, kinds, categories, market.reference_price, self.config,
                                market.day, rng)
        market.seller_agents.create(idx)
        return idx

    def populate(self, n: int) -> None:
        """Create the initial sellers, their stores and their peer network."""
        market, s = self.market, self.market.sellers
        idx = self._create(n)
        shares = np.array([p.config.initial_sellers if p.launched and p.config.third_party
                           else 0.0 for p in market.platforms])
        listed = market.rng.random((n, len(shares))) < shares[None, :]
        launched = np.flatnonzero(shares > 0)
        if len(launched):
            orphans = np.flatnonzero(~listed.any(axis=1))
            listed[orphans, market.rng.choice(launched, size=len(orphans))] = True
        s.listed[idx] = listed
        for members in self.market.listing_groups():
            s.listed[np.ix_(idx, members)] |= listed[:, members].any(axis=1, keepdims=True)
        s.listed_since[idx] = market.day - 365  # established stores, a year old
        self.peer_source, self.peer_target = network.seller_peer_edges(
            n, self.config.network_degree, market.rng)
        for platform in market.platforms:
            if platform.launched:
                products.add_first_party_lines(market, platform.index,
                                               platform.config.first_party_products)

    def _link_newcomers(self, idx: np.ndarray) -> None:
        """New sellers hear from ``network_degree`` random established sellers."""
        existing = self.market.sellers.count - len(idx)
        if existing <= 0 or len(idx) == 0:
            return
        k = self.config.network_degree
        peers = self.market.rng.integers(0, existing, size=(len(idx), k))
        src = np.repeat(idx, k)
        self.peer_source = np.concatenate([self.peer_source, src, peers.ravel()])
        self.peer_target = np.concatenate([self.peer_target, peers.ravel(), src])

    def fake_review_propensity(self, sellers: np.ndarray) -> np.ndarray:
        """Kind-based chance of fake reviews, relative to the average seller."""
        kinds = self.market.config.sellers.kinds
        by_kind = np.array([kinds[k].fake_reviews for k in SELLER_KINDS])
        return by_kind[self.market.sellers.kind[sellers]]

    def recruit(self, p: int, share: float, kind: int | None = None) -> int:
        """A platform recruits a ``share`` of active sellers (of ``kind``, if given) with
        spare capacity."""
        market, s = self.market, self.market.sellers
        active = s.active if kind is None else s.independent[s.kind[s.independent] == kind]
        spare = active[s.listed[active].sum(axis=1) < s.capacity[active]]
        spare = spare[~s.listed[spare, p] & self.eligible()[spare, p]]
        chosen = spare[market.rng.random(len(spare)) < share]
        main = np.argmax(s.listed[chosen], axis=1)
        self._open_stores(chosen, np.full(len(chosen), p, dtype=np.int64))
        market.record_moves("recruited", chosen, main, p)
        self.reprice(chosen)
        return len(chosen)

    def onboarding_costs(self) -> np.ndarray:
        """Cost of opening a store on each platform (entry thresholds differ)."""
        factor = np.array([p.config.onboarding_factor for p in self.market.platforms])
        return self.config.onboarding_cost * factor

    def _open_stores(self, sellers: np.ndarray, platforms: np.ndarray) -> None:
        """Open stores (paying onboarding); a store in a listing group opens on every
        platform of the group at once: list once, sell everywhere."""
        market, s = self.market, self.market.sellers
        cost = self.onboarding_costs()[platforms]
        s.cash[sellers] -= cost
        market.ledger.add("store_costs", platforms, cost)
        sellers, platforms = self._with_listing_groups(sellers, platforms)
        s.listed[sellers, platforms] = True
        s.listed_since[sellers, platforms] = market.day
        s.price[sellers, platforms] = 0.0
        s.sales_score[sellers, platforms] = 0.0
        s.rating[sellers, platforms] = 0.5
        s.losing[sellers, platforms] = 0
        s.fulfilled[sellers, platforms] = True   # a new store starts with the platform's offer

    def _with_listing_groups(self, sellers: np.ndarray, platforms: np.ndarray
                             ) -> tuple[np.ndarray, np.ndarray]:
        """Stores to open, extended to every open platform of the same listing group."""
        extra_sellers, extra_platforms = [sellers], [platforms]
        for members in self.market.listing_groups():
            joins = np.isin(platforms, members)
            for q in members:
                add = joins & (platforms != q)
                extra_sellers.append(sellers[add])
                extra_platforms.append(np.full(int(add.sum()), q, dtype=np.int64))
        return np.concatenate(extra_sellers), np.concatenate(extra_platforms)

    def _close_group_listings(self, sellers: np.ndarray, before: np.ndarray) -> None:
        """A grouped listing is one listing: closing it on one platform closes it on all."""
        s = self.market.sellers
        for members in self.market.listing_groups():
            was_whole = before[:, members].all(axis=1)
            broken = was_whole & ~s.listed[np.ix_(sellers, members)].all(axis=1)
            s.listed[np.ix_(sellers[broken], members)] = False

    # ------------------------------------------------------------------ review
    def run(self) -> None:
        """The weekly review: bankruptcies, portfolio moves, entry, repricing."""
        market, s = self.market, self.market.sellers
        self._exit(migration.bankrupt(s, self.config.exit_cash), "bankrupt")
        active = s.independent
        before = s.listed[active].copy()
        expected = self.expected_profit()[active]
        moves, opened = migration.review_portfolios(
            s, active, expected, self.eligible()[active], self.onboarding_costs(),
            self.config, market.day, market.rng)
        self._open_stores(opened[:, 0], opened[:, 1])
        self._close_group_listings(active, before)
        for seller, source, target, move in _grouped(moves):
            market.record_moves(move, seller, source, target)
        self._exit(migration.idle(s), "left")
        self._enter(expected_mean=self.expected_profit())
        products.refresh_products(market, s.independent, self.config.product_refresh_rate)
        for platform in market.platforms:
            if platform.launched and platform.config.test_and_scale:
                products.test_and_scale(market, platform.index)
        self.choose_fulfilment()
        self.reprice()
        s.units[:] = 0.0
        s.profit[:] = 0.0
        s.clicks[:] = 0.0
        s.paid_units[:] = 0.0
        for platform in market.platforms:   # suppliers' takings count towards the next review
            if platform.launched and platform.config.business_model == "retail":
                retail.restock(s, platform.index, platform.config.stock_cover_days,
                               platform.config.wholesale_markup, market.platform_cash,
                               market.ledger)
        market.arrivals[:] = 0.0

    def _exit(self, sellers: np.ndarray, move: str) -> None:
        market, s = self.market, self.market.sellers
        rows, platforms = np.nonzero(s.listed[sellers])
        market.record_moves(move, sellers[rows], platforms, EXIT)
        no_store = sellers[~s.listed[sellers].any(axis=1)]
        market.record_moves(move, no_store, NONE, EXIT)
        market.retire_sellers(sellers)

    def _enter(self, expected_mean: np.ndarray) -> None:
        """New sellers enter where stores make money, on the best platform for them."""
        market, s = self.market, self.market.sellers
        active = s.independent
        stores = s.listed[active]
        profitable = (expected_mean[active][stores] > 0).mean() if stores.any() else 0.0
        n_new = migration.entrants(len(active), profitable, self.config.entry_rate, market.rng)
        if n_new == 0:
            return
        idx = self._create(n_new)
        self._link_newcomers(idx)
        jitter = market.rng.uniform(0.0, 1e-6, size=(n_new, len(market.platforms)))
        estimate = np.where(self.eligible()[idx], self.expected_profit()[idx] + jitter, -np.inf)
        best = estimate.argmax(axis=1)
        joins = estimate[np.arange(n_new), best] > 0
        market.ledger.add("seller_capital", best[joins], s.cash[idx[joins]])
        self._open_stores(idx[joins], best[joins])
        market.record_moves("entry", idx[joins], ENTRY, best[joins])
        s.cash[idx[~joins]] = 0.0  # stayed out: their capital never entered the market
        s.capital[idx[~joins]] = 0.0
        market.retire_sellers(idx[~joins])

    # --------------------------------------------------------------- estimates
    def eligible(self) -> np.ndarray:
        """(sellers x platforms) where a seller may open a store: the platform is open to
        outside sellers and, if it recruits above a threshold, the seller already sells
        that much a week on other platforms (smoothed daily units x 7)."""
        market, s, n = self.market, self.market.sellers, self.market.sellers.count
        open_to_sellers = np.array([p.launched and p.config.third_party
                                    for p in market.platforms])
        threshold = np.array([p.config.recruit_min_units for p in market.platforms])
        weekly = 7.0 * s.sales_score[:n]
        elsewhere = weekly.sum(axis=1, keepdims=True) - weekly
        allowed = open_to_sellers[None, :] & (elsewhere >= threshold[None, :])
        for platform in market.platforms:
            if platform.config.business_model == "retail":
                p = platform.index
                stocked = s.listed[:n, p] & s.alive[:n] & (s.owner[:n] == INDEPENDENT)
                allowed[:, p] &= ~retail.category_full(
                    s.category[:n], stocked, len(market.category_names),
                    platform.config.assortment * market.market_scale)
        return allowed

    def own_shipping_cost(self, sellers: np.ndarray) -> np.ndarray:
        """USD per unit a seller pays carriers itself; better logistics, lower cost."""
        s = self.market.sellers
        reference = self.market.reference_price[s.category[sellers]]
        return self.config.own_shipping_cost * reference * (1.5 - s.logistics[sellers])

    def marginal_cost(self) -> np.ndarray:
        """(sellers x platforms) cost of one more unit: goods plus fulfilment fee or own
        shipping (nothing more on a managed platform, which ships itself)."""
        market, s, n = self.market, self.market.sellers, self.market.sellers.count
        ship = self.own_shipping_cost(np.arange(n))
        per_platform = []
        for p in market.platforms:
            if p.config.sells_its_own_stock:
                per_platform.append(np.zeros(n))
            elif p.config.fulfilment:   # storage: the stock a sale needs is kept a while
                storage = p.storage_fee * self.config.stock_cover_days / DAYS_PER_MONTH
                fulfilled = np.full(n, p.fulfilment_fee + storage)
                if p.config.fulfilment_choice:
                    fulfilled = np.where(s.fulfilled[:n, p.index], fulfilled, ship)
                per_platform.append(fulfilled)
            else:
                per_platform.append(ship)
        return s.unit_cost[:n, None] + np.column_stack(per_platform)

    def choose_fulfilment(self) -> None:
        """Each independent store on a platform that lets sellers choose picks platform
        fulfilment or its own shipping, whichever it expects to earn more with at its
        current price (``model.supply.fulfilment``)."""
        market, s, n = self.market, self.market.sellers, self.market.sellers.count
        choosing = [p for p in market.platforms if p.launched and p.config.fulfilment
                    and p.config.fulfilment_choice and p.config.business_model != "managed"]
        if not choosing:
            return
        independent = s.alive[:n] & (s.owner[:n] == INDEPENDENT)
        ship = self.own_shipping_cost(np.arange(n))
        for platform in choosing:
            p = platform.index
            stores = np.flatnonzero(s.listed[:n, p] & independent & (s.price[:n, p] > 0))
            price = s.price[stores, p]
            rate = fees.referral_rates(price, s.category[stores], platform.referral_fee,
                                       platform.fee_tiers, market.category_names)
            s.fulfilled[stores, p] = fulfilment.prefers_fulfilment(
                price=price, referral_rate=rate, unit_cost=s.unit_cost[stores],
                fulfilment_fee=platform.fulfilment_fee, own_shipping=ship[stores],
                demand_gain=platform.config.fulfilment_demand_gain)

    def referral_rates(self, prices: np.ndarray) -> np.ndarray:
        """(sellers x platforms) referral rate at the given prices."""
        market, s, n = self.market, self.market.sellers, self.market.sellers.count
        columns = [fees.referral_rates(prices[:, p.index], s.category[:n], p.referral_fee,
                                       p.fee_tiers, market.category_names)
                   for p in market.platforms]
        rates = np.column_stack(columns)
        for p in market.platforms:   # a managed platform keeps retail minus supply price
            if p.config.business_model == "managed":
                rates[:, p.index] = fees.managed_margin_rates(
                    prices[:, p.index], s.supply_price[:n, p.index], rates[:, p.index])
        return rates

    def expected_profit(self) -> np.ndarray:
        """(sellers x platforms) each seller's estimate of a store's profit per review."""
        market, s, n = self.market, self.market.sellers, self.market.sellers.count
        stores = s.listed[:n] & s.alive[:n, None]
        margin_only = self._margin_estimate(stores)
        if not market.config.sellers_follow_demand:
            return self._per_listing(margin_only)
        own = s.profit[:n]
        peers, peer_count = migration.peer_average(own, stores, self.peer_source,
                                                   self.peer_target)
        by_category = migration.category_average(own, stores, s.category[:n],
                                                 len(market.category_names))
        listed_somewhere = np.zeros_like(by_category, dtype=bool)
        np.logical_or.at(listed_somewhere, s.category[:n], stores)
        category_info = np.where(listed_somewhere, by_category, np.nan)[s.category[:n]]
        category_info = np.where(np.isnan(category_info), margin_only, category_info)
        return self._per_listing(migration.expected_profit(
            own, stores, peers, peer_count, category_info, self.config.peer_weight))

    def _per_listing(self, expected: np.ndarray) -> np.ndarray:
        """A listing shared by a group of platforms is judged on its total across them."""
        for members in self.market.listing_groups():
            expected[:, members] = expected[:, members].sum(axis=1, keepdims=True)
        return expected

    def _margin_estimate(self, stores: np.ndarray) -> np.ndarray:
        """Profit per review from fees and costs alone, at the market's average sales
        per store: what a seller can work out without seeing a platform's demand."""
        market, s, n = self.market, self.market.sellers, self.market.sellers.count
        cost = self.marginal_cost()
        alpha = market.config.consumers.price_sensitivity
        reference = market.reference_price[s.category[:n], None]
        cap = self.config.max_slate_share
        guess = pricing.target_price(cost, 0.0, np.zeros_like(cost), alpha, reference, cap)
        rate = self.referral_rates(guess)
        price = pricing.target_price(cost, rate, np.zeros_like(cost), alpha, reference, cap)
        units = s.units[:n][stores].mean() if stores.any() else 1.0
        interval = self.config.review_interval
        margin = self._supplier_margins(price * (1 - rate) - cost)
        return margin * units - self.config.store_cost * interval

    def _supplier_margins(self, margin: np.ndarray) -> np.ndarray:
        """(sellers x platforms) margin per unit, where a retail (1P) platform's suppliers
        earn its wholesale markup over their unit cost instead (:mod:`model.platforms.retail`)."""
        s, n = self.market.sellers, self.market.sellers.count
        for platform in self.market.platforms:
            if platform.config.business_model == "retail":
                markup = platform.config.wholesale_markup
                margin[:, platform.index] = (
                    retail.wholesale_price(s.unit_cost[:n], markup) - s.unit_cost[:n])
        return margin

    # ----------------------------------------------------------------- pricing
    def _managed_prices(self, platform, cost: np.ndarray, share: np.ndarray,
                        misjudged: np.ndarray, stores: np.ndarray) -> np.ndarray:
        """A managed platform's retail prices: suppliers move their supply price towards
        what they would charge selling direct, the platform squeezes it down (reverse
        auction) and adds its own markup per category (:func:`pricing.managed_markup`).
        Records the supply prices; returns the retail prices."""
        market, s, n = self.market, self.market.sellers, self.market.sellers.count
        p, cfg = platform.index, platform.config
        category = s.category[:n]
        alpha = market.config.consumers.price_sensitivity
        reference = market.reference_price[category]
        wanted = pricing.target_price(cost[:, p], 0.0, share[:, p], alpha, reference,
                                      self.config.max_slate_share) * misjudged
        offers = pricing.adjust_prices(s.supply_price[:n, p], wanted,
                                       self.config.price_adjustment)
        supply = pricing.managed_supply_prices(offers, cost[:, p], category, stores[:, p],
                                               cfg.supply_squeeze, self.config.supply_floor_margin)
        s.supply_price[:n, p] = np.where(stores[:, p], supply, s.supply_price[:n, p])
        units = np.bincount(category, weights=s.units[:n, p] * stores[:, p],
                            minlength=len(market.category_names))
        arrivals = market.arrivals[p]
        platform_share = np.divide(units, arrivals, out=np.zeros_like(units),
                                   where=arrivals > 0)
        markup = pricing.managed_markup(market.reference_price, alpha, platform_share,
                                        self.config.max_slate_share)
        retail = s.supply_price[:n, p] + markup[category]
        if cfg.rival_price_ceiling > 0:
            ceiling = cfg.rival_price_ceiling * pricing.cheapest_rival_price(
                market.price_index, market.listings, market.reference_price, p,
                np.array([q.config.business_model == "managed" for q in market.platforms]))
            retail = np.maximum(np.minimum(retail, ceiling[category]), s.supply_price[:n, p])
        return retail

    def reprice(self, only: np.ndarray | None = None) -> None:
        """Move every store's price towards its Bertrand–Nash target; reset ad bids."""
        market, s, n = self.market, self.market.sellers, self.market.sellers.count
        stores = s.listed[:n] & s.alive[:n, None]
        if only is not None:
            mask = np.zeros(n, dtype=bool)
            mask[only] = True
            stores &= mask[:, None]
        category = s.category[:n]
        cost = self.marginal_cost()
        arrivals = market.arrivals[:, category].T
        share = np.divide(s.units[:n], arrivals, out=np.zeros_like(cost), where=arrivals > 0)
        reference = market.reference_price[category, None]
        alpha = market.config.consumers.price_sensitivity
        current = np.where(s.price[:n] > 0, s.price[:n], cost)
        rate = self.referral_rates(current)
        target = pricing.target_price(cost, rate, share, alpha, reference,
                                      self.config.max_slate_share)
        misjudged = market.rng.lognormal(0.0, 0.05, size=n) ** (1.0 - s.channel[:n])
        target *= misjudged[:, None]
        new_price = pricing.adjust_prices(s.price[:n], target, self.config.price_adjustment)
        for platform in market.platforms:
            if platform.config.business_model == "managed":
                new_price[:, platform.index] = self._managed_prices(
                    platform, cost, share, misjudged, stores)
        for platform in market.platforms:
            if platform.config.business_model == "retail":   # the retailer's margin rule
                pc = platform.config
                new_price[:, platform.index] = retail.retail_price(
                    s.unit_cost[:n], retail.supplier_markup(s.owner[:n], pc.wholesale_markup),
                    pc.retail_margin, platform.unit_logistics_cost)
        parity = np.array([p.config.price_parity for p in market.platforms])
        if parity.any():
            seller_priced = np.array([not p.config.sells_its_own_stock
                                      for p in market.platforms])
            listed = s.listed[:n] & s.alive[:n, None]
            compared = np.array([p.compared for p in market.platforms])
            new_price = pricing.price_coherence(new_price, listed, parity, seller_priced,
                                                compared)
        s.price[:n] = np.where(stores, new_price, s.price[:n])
        margin = self._supplier_margins(new_price * (1 - rate) - cost)
        bids = pricing.ad_bids(margin, s.paid_units[:n], s.clicks[:n], self.config.ad_bid_share,
                               organic_visibility(market)[:n], self.config.ad_cannibalisation,
                               self.config.default_conversion,
                               self.config.conversion_prior_clicks, self.config.max_conversion)
        solvent = (s.cash[:n] > 0)[:, None]
        s.ad_bid[:n] = np.where(stores & solvent, bids, 0.0)


def model_categories(market: MarketState, n: int) -> np.ndarray:
    """Categories of ``n`` new sellers, in proportion to shopping trips per category."""
    weights = market.category_weight / market.category_weight.sum()
    return market.rng.choice(len(weights), size=n, p=weights)


def _grouped(moves: migration.Moves):
    seller, source, target, names = moves.arrays()
    names = np.array(names)
    for move in dict.fromkeys(names.tolist()):
        keep = names == move
        yield seller[keep], source[keep], target[keep], move
