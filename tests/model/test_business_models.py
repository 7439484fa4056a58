"""Each business model is a mechanism that behaves differently from a marketplace, in the way
the sources describe: auctions (eBay-like), self-operated retail (JD-like) and content
commerce (TikTok-Shop-like)."""

from __future__ import annotations

import numpy as np
import pytest

from model.accounting.ledger import Ledger
from model.config.scenario import config_from_dict
from model.market.market_model import MarketModel
from model.platforms import auction_market


def market(platforms, seed=1, consumers=6000, sellers=250, **sellers_cfg):
    data = {
        "reference_consumers": consumers,
        "consumers": {"n_consumers": consumers},
        "sellers": {"n_sellers": sellers, **sellers_cfg},
        "platforms": platforms,
    }
    return MarketModel(config_from_dict(data), rng=seed)


def independent_stores(model, p):
    s, n = model.sellers, model.sellers.count
    return np.flatnonzero(s.alive[:n] & s.listed[:n, p] & (s.owner[:n] < 0))


# ---------------------------------------------------------------------- auction (eBay-like)
def test_second_price_rises_with_the_number_of_bidders():
    rng = np.random.default_rng(0)
    means = []
    for bidders in (1, 2, 4, 8):
        listings = np.repeat(np.arange(2000), bidders)
        bids = 10.0 + rng.exponential(5.0, size=len(listings))
        won, paid = auction_market.clear(
            listings, bids, np.full(len(bids), 10.0), np.ones(len(bids), dtype=np.int64)
        )
        assert np.all(np.bincount(listings, weights=won) == 1)  # one lot, one winner
        means.append(paid[won].mean())
    assert means[0] == pytest.approx(10.0)  # a lone bidder pays the start price
    assert np.all(np.diff(means) > 0.5)  # more bidders, higher closing prices


AUCTION = {"name": "ebay", "kind": "auction", "initial_awareness": 0.8, "initial_sellers": 0.8}


def spy_on_auctions(monkeypatch):
    """Record, per auction listing and day, its bidders, start price and closing price."""
    seen = []
    real = auction_market.auction_outcomes

    def spy(seller, platform, reserve, *args):
        won, paid = real(seller, platform, reserve, *args)
        listing = seller.astype(np.int64) * 10 + platform
        for key in np.unique(listing):
            mine = listing == key
            if mine.any() and won[mine].any():
                seen.append((int(mine.sum()), reserve[mine][0], paid[mine & won][0]))
        return won, paid

    monkeypatch.setattr(auction_market, "auction_outcomes", spy)
    return seen


def test_auction_prices_emerge_from_bidders_and_differ_from_the_posted_price(monkeypatch):
    seen = spy_on_auctions(monkeypatch)
    model = market([AUCTION], sellers=60)
    model.run(40)
    bidders, start, closing = (np.array(x) for x in zip(*seen, strict=True))
    premium = closing / start - 1
    assert np.all(closing >= start - 1e-9)
    assert np.all(premium[bidders == 1] == 0)  # no rival: the start price
    assert (premium > 0).mean() > 0.2  # many sell above the posted price
    by_bidders = [premium[bidders == k].mean() for k in (1, 2, 3)]
    assert by_bidders[0] < by_bidders[1] < by_bidders[2]


def test_a_marketplace_sells_at_the_posted_price(monkeypatch):
    seen = spy_on_auctions(monkeypatch)
    model = market([{**AUCTION, "business_model": "marketplace"}], sellers=60)
    model.run(40)
    assert seen and all(closing == start for _, start, closing in seen)  # posted prices
    assert model.ledger.total["monthly_fees"][0] == 0.0  # and no insertion fees


def test_insertion_fees_are_platform_revenue_and_the_listing_limit_binds():
    runs = {}
    for fee, lots in ((0.0, 1), (0.35, 1), (0.35, 50)):
        model = market([{**AUCTION, "insertion_fee": fee, "auction_lots": lots}], sellers=60)
        model.run(30)
        runs[fee, lots] = model
    free, paid, loose = runs[0.0, 1], runs[0.35, 1], runs[0.35, 50]
    fees = paid.ledger.total["monthly_fees"][0]
    assert free.ledger.total["monthly_fees"][0] == 0.0
    store_days = paid.platform_frame().sellers.sum()  # stores listed, summed over days
    assert fees == pytest.approx(0.35 * store_days, rel=0.05)
    profit = paid.platform_frame().profit.sum() - free.platform_frame().profit.sum()
    assert profit == pytest.approx(fees, rel=0.2)
    # with a loose listing limit every bidder wins: more orders, at the start price
    assert loose.ledger.total["orders"][0] > paid.ledger.total["orders"][0]


def test_auction_settings_do_nothing_on_a_marketplace():
    a = market([{"name": "m", "kind": "marketplace", "initial_awareness": 0.8}], sellers=60)
    b = market(
        [
            {
                "name": "m",
                "kind": "marketplace",
                "initial_awareness": 0.8,
                "insertion_fee": 2.0,
                "auction_lots": 3,
            }
        ],
        sellers=60,
    )
    a.run(20)
    b.run(20)
    assert a.platform_frame().equals(b.platform_frame())


# ---------------------------------------------------------------------- retail (JD-like, 1P)
RETAIL = {
    "name": "jd",
    "kind": "retail",
    "initial_awareness": 0.8,
    "initial_sellers": 0.6,
    "first_party_products": 0,
}


def test_retail_prices_follow_the_platforms_margin_rule_not_the_sellers():
    prices = {}
    for margin, alpha in ((0.25, 4.0), (0.25, 8.0), (0.5, 4.0)):
        model = market([{**RETAIL, "retail_margin": margin}], sellers=120)
        model.config.consumers.__dict__["price_sensitivity"] = alpha  # sellers' markup rule
        model.run(8)  # one review
        stores = independent_stores(model, 0)
        s, pc = model.sellers, model.config.platforms[0]
        rule = (s.unit_cost[stores] * pc.wholesale_markup + pc.logistics_cost) * (1 + margin)
        np.testing.assert_allclose(s.price[stores, 0], rule)
        prices[margin, alpha] = dict(zip(stores.tolist(), s.price[stores, 0], strict=True))
    base, steep, richer = prices[0.25, 4.0], prices[0.25, 8.0], prices[0.5, 4.0]
    common = sorted(set(base) & set(steep) & set(richer))
    assert len(common) > 20
    for i in common:
        assert steep[i] == pytest.approx(base[i])  # shoppers' price sensitivity does not set them
        assert richer[i] == pytest.approx(base[i] * 1.5 / 1.25)  # the margin rule does


def test_suppliers_on_a_retailer_earn_wholesale_not_retail():
    earned = {}
    for margin in (0.25, 0.6):
        model = market(
            [{**RETAIL, "retail_margin": margin, "ad_slots": 0}],
            sellers=120,
            store_cost=0.0,
            entry_rate=0.0,
        )
        s = model.sellers
        before = s.cash[: s.count].copy()
        model.run(40)
        total = model.ledger.total
        gained = (s.cash[: len(before)] - before).sum()
        markup = model.config.platforms[0].wholesale_markup
        # suppliers' takings are exactly the wholesale margin on what the platform bought
        assert gained == pytest.approx((markup - 1) * total["cost_of_goods"][0], rel=1e-9)
        assert total["referral_fees"][0] == 0.0
        earned[margin] = gained / total["cost_of_goods"][0]
    assert earned[0.25] == pytest.approx(earned[0.6])  # the retail margin is the platform's


def retailer_after(cover: float, demand: float) -> tuple[float, float]:
    """The retailer's wealth (cash plus stock at wholesale) 30 days after demand changes by
    ``demand`` at day 60, and the stock it wrote off in those 30 days."""
    model = market([{**RETAIL, "stock_cover_days": cover}], sellers=120)
    model.run(60)
    written_off = model.ledger.total["stock_written_off"][0]
    model.consumers.shopping_rate *= demand
    model.run(30)
    s, n = model.sellers, model.sellers.count
    markup = model.config.platforms[0].wholesale_markup
    stock_value = (s.stock[:n, 0] * s.unit_cost[:n] * markup).sum()
    return (
        model.platform_cash[0] + stock_value,
        model.ledger.total["stock_written_off"][0] - written_off,
    )


def test_the_retailer_carries_inventory_losses_when_demand_falls():
    steady_jit, steady_jit_lost = retailer_after(0.0, 1.0)  # buys as it sells: no stock
    steady, steady_lost = retailer_after(30.0, 1.0)  # a month of stock ahead
    fall_jit, fall_jit_lost = retailer_after(0.0, 0.2)  # demand collapses by 80%
    fall, fall_lost = retailer_after(30.0, 0.2)
    assert steady_jit_lost == fall_jit_lost == 0.0
    # stock bought for the old demand sits and spoils, and suppliers who leave strand it
    assert fall_lost > 3 * steady_lost > 0
    # holding stock always costs something; after the fall it costs the retailer far more
    assert 0 < steady_jit - steady < 0.5 * (fall_jit - fall)


def test_retail_money_is_conserved():
    model = market(
        [RETAIL, {"name": "m", "kind": "marketplace", "initial_awareness": 0.8}], sellers=120
    )
    s = model.sellers
    wealth = (s.cash + s.frozen)[: s.count].sum() + model.platform_cash.sum()
    model.run(40)
    total = model.ledger.total
    kept = (s.cash + s.frozen)[: s.count].sum() + model.platform_cash.sum() - wealth
    assert kept + Ledger.money_out(total) == pytest.approx(Ledger.money_in(total), rel=1e-9)


# ---------------------------------------------------------------- content (TikTok-Shop-like)
def impulse_share_of_top_content(seed, platform):
    """Share of feed (impulse) sales won by the 20% of listings with the best content
    (quality x content skill)."""
    model = market(
        [
            {
                "name": "p",
                "initial_awareness": 0.8,
                "initial_sellers": 0.8,
                "recruit_min_units": 0.0,
                "feed_audience": 0.3,
                "impulse_rate": 0.05,
                **platform,
            }
        ],
        seed=seed,
    )
    model.run(90)
    s = model.sellers
    stores = independent_stores(model, 0)
    content = s.quality[stores] * s.channel[stores]
    feed = s.feed_units[stores, 0]
    top = content >= np.quantile(content, 0.8)
    return feed[top].sum() / feed.sum()


SEEDS = (1, 2, 3, 4, 5)


def test_content_feed_gives_engaging_listings_most_impulse_sales():
    content = [impulse_share_of_top_content(seed, {"kind": "content"}) for seed in SEEDS]
    plain = [impulse_share_of_top_content(seed, {"kind": "marketplace"}) for seed in SEEDS]
    assert np.mean(content) > 0.6
    assert np.mean(content) > np.mean(plain) + 0.2


def test_switching_the_virality_rule_off_changes_outcomes():
    on = np.array([impulse_share_of_top_content(seed, {"kind": "content"}) for seed in SEEDS])
    off = np.array(
        [
            impulse_share_of_top_content(seed, {"kind": "content", "engagement_weight": 0.0})
            for seed in SEEDS
        ]
    )
    difference = on - off
    assert difference.mean() > 0.1
    assert difference.mean() > 2 * difference.std(ddof=1) / np.sqrt(len(SEEDS))
