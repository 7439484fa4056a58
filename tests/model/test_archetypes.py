"""Each platform archetype shows its defining behaviour, built from shared mechanisms."""

from __future__ import annotations

import numpy as np
import pytest

from model.agents.seller import SELLER_KINDS
from model.config.scenario import config_from_dict
from model.market.market_model import MarketModel
from tests.conftest import two_platform_config

TRADER = SELLER_KINDS.index("trader")
FACTORY = SELLER_KINDS.index("factory")
BRAND = SELLER_KINDS.index("brand")


def market(platforms, seed=1, consumers=6000, sellers=250, seller_config=None, **extra):
    data = {"reference_consumers": consumers, "consumers": {"n_consumers": consumers},
            "sellers": {"n_sellers": sellers, **(seller_config or {})},
            "platforms": platforms, **extra}
    return MarketModel(config_from_dict(data), rng=seed)


def stores_on(model, p):
    s, n = model.sellers, model.sellers.count
    return np.flatnonzero(s.alive[:n] & s.listed[:n, p])


def test_managed_prices_follow_lowest_supply_price_and_squeeze_out_traders():
    def squeeze(seed):
        model = market([{"name": "temu", "kind": "managed", "initial_awareness": 0.8,
                         "initial_sellers": 0.8, "coupon_rate": 0.0}],
                       seller_config={"kind_shares": {"factory": 0.4, "trader": 0.6}},
                       seed=seed)
        s = model.sellers

        def gap_to_lowest():
            """Median supply offer's distance above the lowest, averaged over categories."""
            stores = stores_on(model, 0)
            gaps = []
            for c in range(len(model.category_names)):
                offers = s.supply_price[stores[s.category[stores] == c], 0]
                gaps.append(np.median(offers) / offers.min() - 1)
            return np.mean(gaps)

        trader_share_before = np.mean(s.kind[stores_on(model, 0)] == TRADER)
        gap_before = gap_to_lowest()
        model.run(140)
        # The reverse auction pulls supply prices onto the lowest one ...
        assert gap_to_lowest() < 0.6 * gap_before
        # ... every offer shown is within the platform's tolerance of the lowest, and the
        # retail price is the supply price plus the platform's markup for the category.
        for slate in (sl for (p, _), sl in model.slates.items() if p == 0):
            offers = s.supply_price[slate.sellers, 0]
            assert offers.max() <= offers.min() * 1.15 + 1e-9
            markup = s.price[slate.sellers, 0] - offers
            assert np.allclose(markup, markup[0]) and markup[0] > 0
        return trader_share_before - np.mean(s.kind[stores_on(model, 0)] == TRADER)

    # Traders, whose costs are higher, are squeezed out in favour of factories.
    falls = [squeeze(seed) for seed in (1, 2, 3)]
    assert min(falls) > 0 and np.mean(falls) > 0.1


def test_managed_margin_comes_from_its_pricing_not_a_fixed_rate():
    """A managed platform keeps retail minus supply price. Its margin is set by its own
    pricing (a markup that grows with the demand it wins), so it is not its configured
    referral fee, and it is lower when a rival competes for the same shoppers."""
    def take_rate(rival, seed):
        platforms = [{"name": "temu", "kind": "managed", "initial_awareness": 0.8,
                      "initial_sellers": 0.8, "coupon_rate": 0.0, "referral_fee": 0.3}]
        if rival:
            platforms.append({"name": "amz", "kind": "marketplace", "initial_awareness": 0.8,
                              "initial_sellers": 0.8})
        model = market(platforms, seed=seed)
        model.run(90)
        f = model.platform_frame().query("platform == 'temu' and step > 60")
        s = model.sellers
        stores = stores_on(model, 0)
        kept = 1 - s.supply_price[stores, 0] / s.price[stores, 0]
        assert kept.std() > 0.01                     # varies with each supplier's offer
        return f.take_rate.mean()

    for seed in (1, 2, 3):
        alone, against_rival = take_rate(False, seed), take_rate(True, seed)
        assert abs(alone - 0.3) > 0.1 and abs(against_rival - 0.3) > 0.1
        assert against_rival < alone


def test_content_platform_sales_follow_feed_exposure():
    def orders(audience):
        model = market([
            {"name": "incumbent", "kind": "marketplace", "initial_awareness": 0.8,
             "initial_sellers": 0.7},
            {"name": "tiktok", "kind": "content", "initial_awareness": 0.5, "initial_sellers": 0.5,
             "recruit_min_units": 0.0, "feed_audience": audience}], seed=4)
        model.run(40)
        frame = model.platform_frame().query("platform == 'tiktok' and step > 20")
        return frame.orders.sum()
    none, some, much = orders(0.0), orders(0.2), orders(0.6)
    assert none < some < much
    assert much > 2 * none


def test_content_platform_recruits_only_sellers_above_its_threshold():
    model = market([
        {"name": "incumbent", "kind": "marketplace", "initial_awareness": 0.9,
         "initial_sellers": 1.0},
        {"name": "tiktok", "kind": "content", "launch_day": 15, "initial_sellers": 1.0,
         "recruit_min_units": 3.0}], seed=2)
    model.run(14)
    s, n = model.sellers, model.sellers.count
    big_enough = 7 * s.sales_score[:n, 0] >= 3.0
    assert 0 < big_enough.sum() < 0.8 * n
    model.run(1)  # launch: recruitment by threshold
    recruited = s.listed[:n, 1]
    assert recruited.any()
    assert np.all(big_enough[recruited])


def test_price_parity_keeps_sellers_top_listings_no_dearer_than_elsewhere():
    """Under parity sellers price coherently (no lower elsewhere) and those who do not are
    demoted, so no top listing is cheaper on the rival; without it some are."""
    def top_share_of_cheaper_elsewhere(parity):
        model = market([
            {"name": "incumbent", "kind": "marketplace", "price_parity": parity,
             "initial_awareness": 0.8, "initial_sellers": 1.0},
            {"name": "rival", "kind": "low_fee_marketplace", "initial_awareness": 0.5,
             "initial_sellers": 0.5}], seed=3)
        model.run(10)
        s = model.sellers
        shown = [slate.sellers[:3] for (p, _), slate in model.slates.items() if p == 0]
        top = np.concatenate(shown)
        cheaper_elsewhere = s.listed[top, 1] & (s.price[top, 1] * 1.01 < s.price[top, 0])
        return cheaper_elsewhere.mean()
    assert top_share_of_cheaper_elsewhere(True) == 0.0
    assert top_share_of_cheaper_elsewhere(False) > 0.05


def test_enforcement_sweep_freezes_funds_and_some_frozen_sellers_go_bankrupt():
    model = market([{"name": "incumbent", "kind": "incumbent", "initial_awareness": 0.8,
                     "initial_sellers": 1.0}],
                   seller_config={"initial_cash": 300.0},
                   events=[{"day": 10, "kind": "enforcement_sweep", "platform": "incumbent",
                            "share": 0.6, "duration": 90}])
    model.run(10)
    s = model.sellers
    frozen = np.flatnonzero(s.frozen > 0)
    assert len(frozen) > 10 and s.frozen.sum() > 0
    assert np.mean(s.kind[frozen] == BRAND) < np.mean(s.kind[: s.count] == BRAND)
    model.run(80)
    bankrupt = model.migration_frame().query("move == 'bankrupt' and step > 10")
    assert bankrupt.sellers.sum() > 0
    assert not s.alive[frozen].all()


def test_auction_platform_gives_new_sellers_exposure():
    def young_share(kind):
        model = market([{"name": "p", "kind": kind, "initial_awareness": 0.9,
                         "initial_sellers": 1.0}], seed=5,
                       seller_config={"entry_rate": 0.05})
        model.run(60)
        s, day = model.sellers, model.day
        shown = np.concatenate([sl.sellers for sl in model.slates.values()])
        return np.mean(day - s.listed_since[shown, 0] < 30)
    assert young_share("auction") > young_share("marketplace")


def test_paid_traffic_platform_sells_slots_and_builds_little_loyalty():
    model = market([
        {"name": "ali", "kind": "paid_traffic", "initial_awareness": 0.6, "initial_sellers": 0.8},
        {"name": "amz", "kind": "marketplace", "initial_awareness": 0.6, "initial_sellers": 0.8}])
    model.run(30)
    sponsored = {p: np.mean([sl.sponsored.mean() for (q, _), sl in model.slates.items() if q == p])
                 for p in (0, 1)}
    assert sponsored[0] > 1.5 * sponsored[1]
    habit = model.consumers.habit
    visited = model.consumers.last_visit > 0
    assert habit[:, 0][visited[:, 0]].mean() < habit[:, 1][visited[:, 1]].mean()


def test_fast_fashion_tests_small_batches_and_scales_the_hits():
    model = market([{"name": "shein", "kind": "fast_fashion", "initial_awareness": 0.8}],
                   consumers=8000, sellers=50)
    model.run(70)
    s, n = model.sellers, model.sellers.count
    own = model.sellers.owner[:n] == 0
    assert s.scaled[:n][own].any(), "some tests became hits"
    assert (~s.alive[:n] & own).any(), "some tests were dropped"
    hits = own & s.scaled[:n] & s.alive[:n]
    on_test = own & ~s.scaled[:n] & s.alive[:n]
    assert s.unit_cost[:n][hits].mean() < s.unit_cost[:n][on_test].mean()
    frame = model.platform_frame().query("step > 40")
    assert frame.new_product_share.mean() > 0.8


def test_first_party_retail_results_are_the_platforms():
    model = market([{"name": "jd", "kind": "retail", "initial_awareness": 0.8}])
    model.run(20)
    assert model.ledger.total["first_party_margin"].sum() > 0
    s, n = model.sellers, model.sellers.count
    own = s.owner[:n] == 0
    assert own.sum() == 4 * len(model.category_names)
    assert np.all(s.cash[:n][own] == 0.0)  # their cash is the platform's
    assert model.platform_frame().sellers.iloc[-1] < s.alive[:n].sum()


def test_flagship_boost_favours_brands():
    def brand_share(boost):
        model = market([{"name": "tmall", "kind": "import_crossborder", "brand_boost": boost,
                         "initial_awareness": 0.9, "initial_sellers": 1.0}], seed=6)
        model.run(20)
        shown = np.concatenate([sl.sellers[:3] for sl in model.slates.values()])
        return np.mean(model.sellers.kind[shown] == BRAND)
    assert brand_share(3.0) > brand_share(0.0) + 0.15


def test_promotion_pulls_shoppers_to_the_promoting_platform_only():
    """A sales event draws shoppers to the platform running it, not to the market: its
    orders rise, the rival's do not. Bids are not scaled by the event: its CPC rises only
    as far as sellers, at their reviews, bid more for clicks that now convert better."""
    lifts, rival, cpc = [], [], []
    for seed in (1, 2, 3):
        config = two_platform_config(events=[{"day": 60, "kind": "promotion", "platform": "A",
                                              "duration": 11, "multiplier": 2.0}])
        model = MarketModel(config, rng=seed)
        model.run(75)
        f = model.platform_frame().set_index(["platform", "step"])
        window = {"before": slice(45, 59), "during": slice(60, 70)}
        a = {k: f.loc["A"].loc[w] for k, w in window.items()}
        b = {k: f.loc["B"].loc[w] for k, w in window.items()}
        lifts.append(a["during"].orders.mean() / a["before"].orders.mean())
        rival.append(b["during"].orders.mean() / b["before"].orders.mean())
        cpc.append(a["during"].avg_cpc.mean() / a["before"].avg_cpc.mean())
        assert model.event_log[-1][0] == 60
        assert not model.platforms[0].in_promotion(71) and model.platforms[0].in_promotion(70)
    assert min(lifts) > 2.0
    assert max(rival) < 1.0
    assert np.mean(cpc) > 1.0

def test_outside_marketing_raises_awareness_until_parent_funding_runs_out():
    # marketing at $6,000 a day outspends what the platform earns on its sales
    model = market([{"name": "temu", "kind": "managed", "initial_awareness": 0.01,
                     "marketing_spend": 6000.0, "reach_cost": 2.0, "initial_cash": 0.0,
                     "parent_funding": 20_000.0, "coupon_rate": 0.3, "subsidy_budget": 1e9}])
    aware_at_start = model.consumers.aware[:, 0].mean()
    model.run(30)
    assert model.consumers.aware[:, 0].mean() > aware_at_start + 0.3
    assert not model.platforms[0].funded
    assert model.platforms[0].coupon_now == 0.0  # burnt through: no more coupons


def test_regions_and_list_once_sell_everywhere():
    model = market(
        [{"name": "us", "kind": "marketplace", "region": "us", "listing_group": "global",
          "initial_awareness": 0.8, "initial_sellers": 0.5},
         {"name": "br", "kind": "marketplace", "region": "br", "listing_group": "global",
          "initial_awareness": 0.8, "initial_sellers": 0.5}],
        regions=[{"name": "us", "share": 0.5, "adoption_growth": 0.15},
                 {"name": "br", "share": 0.5, "adoption_growth": 3.0}], sellers=120)
    model.run(200)
    c = model.consumers
    in_us = c.region == 0
    assert not (c.last_visit[in_us, 1] > 0).any(), "US consumers never shop on br"
    f = model.platform_frame().set_index(["platform", "step"])
    growth = {p: f.loc[p].orders.loc[180:200].mean() / f.loc[p].orders.loc[8:28].mean()
              for p in ("us", "br")}
    assert growth["br"] > growth["us"]
    s, n = model.sellers, model.sellers.count
    opened_later = np.flatnonzero((s.listed_since[:n, 0] > 0) & (s.owner[:n] == -1))
    assert len(opened_later) > 0
    same_day = s.listed_since[opened_later, 1] == s.listed_since[opened_later, 0]
    assert same_day.all(), "a store opened on one platform of the group opens on all"


@pytest.mark.parametrize("kind", ["incumbent", "managed", "content", "fast_fashion", "auction",
                                  "paid_traffic", "retail", "import_crossborder"])
def test_every_archetype_trades_and_keeps_its_books(kind):
    model = market([{"name": "x", "kind": kind, "initial_awareness": 0.8,
                     "initial_sellers": 0.8, "recruit_min_units": 0.0}],
                   consumers=3000, sellers=120)
    model.run(15)
    frame = model.platform_frame()
    assert frame.orders.sum() > 50
    assert frame.take_rate.dropna().between(0, 1).all()   # NaN: no third-party sales


def test_platform_closed_to_outside_sellers_keeps_only_its_own_lines():
    model = market([
        {"name": "shein", "kind": "fast_fashion", "initial_awareness": 0.8,
         "initial_sellers": 1.0},
        {"name": "amz", "kind": "marketplace", "initial_awareness": 0.8}], consumers=4000)
    model.run(40)
    s, n = model.sellers, model.sellers.count
    on_shein = s.alive[:n] & s.listed[:n, 0]
    assert on_shein.any()
    assert np.all(s.owner[:n][on_shein] == 0)


def test_a_grouped_listing_is_one_store_closed_together_and_costed_once():
    from model.accounting.settlement import store_running_cost
    model = market(
        [{"name": "us", "kind": "marketplace", "listing_group": "global",
          "initial_awareness": 0.8, "initial_sellers": 0.6},
         {"name": "br", "kind": "marketplace", "listing_group": "global",
          "initial_awareness": 0.8, "initial_sellers": 0.6},
         {"name": "local", "kind": "low_fee_marketplace", "initial_awareness": 0.5,
          "initial_sellers": 0.3}], consumers=5000, sellers=150)
    s, n = model.sellers, model.sellers.count
    independent = s.owner[:n] == -1
    grouped = s.listed[:n, :2][independent]
    assert np.all(grouped[:, 0] == grouped[:, 1]), "listed on both or neither"
    cash = s.cash[:n].copy()
    model.run(1)
    # the day's running cost of a seller on us+br+local is that of two stores, not three
    three = np.flatnonzero(independent & s.listed[:n].all(axis=1))
    assert len(three)
    cost = model.config.sellers.store_cost
    growth = model.config.sellers.overhead_growth
    assert store_running_cost(np.array([2]), cost, growth)[0] < store_running_cost(
        np.array([3]), cost, growth)[0]
    spent = cash[three] - s.cash[three]
    no_sales_no_ads = (s.units[three].sum(axis=1) == 0) & (s.clicks[three].sum(axis=1) == 0)
    assert no_sales_no_ads.any()
    assert spent[no_sales_no_ads] == pytest.approx(
        store_running_cost(np.array([2]), cost, growth)[0])
    model.run(120)
    independent = s.owner[: s.count] == -1
    grouped = s.listed[: s.count, :2][independent]
    assert np.all(grouped[:, 0] == grouped[:, 1]), "closures and openings keep them together"
    expected = model.review.expected_profit()
    assert np.allclose(expected[:, 0], expected[:, 1]), "judged on the listing's total"


def test_a_sweep_alarms_the_suspended_and_their_peers_not_everyone():
    """After a sweep a seller's fear of depending on the platform is its own: certain if
    its store was suspended, in proportion to its suspended peers if it still trades
    there, none if it has no store there or none of its peers was hit."""
    def swept(peer_alarm):
        model = market([
            {"name": "amz", "kind": "marketplace", "initial_awareness": 0.8,
             "initial_sellers": 1.0},
            {"name": "walmart", "kind": "marketplace", "initial_awareness": 0.6,
             "initial_sellers": 0.1}], seed=8, seller_config={"peer_alarm": peer_alarm},
            events=[{"day": 20, "kind": "enforcement_sweep", "platform": "amz", "share": 0.1,
                     "duration": 30}])
        model.run(19)
        assert (model.sellers.alarm == 0).all()
        s, n = model.sellers, model.sellers.count
        on_amz = s.alive[:n] & s.listed[:n, 0]
        model.run(1)   # the sweep; the next seller review is on day 21
        suspended = on_amz & ~s.listed[:n, 0]   # no review since: only the sweep closed them
        peers_hit = np.bincount(model.review.peer_target, minlength=n,
                                weights=suspended[model.review.peer_source])[:n] > 0
        return s.alarm[:n], suspended, on_amz, peers_hit

    alarm, suspended, on_amz, peers_hit = swept(3.0)
    assert suspended.sum() > 5 and (alarm[suspended] == 1.0).all()
    bystanders = on_amz & ~suspended
    assert (alarm[bystanders & peers_hit] > 0).all()
    assert (alarm[bystanders & ~peers_hit] == 0).all()
    assert (alarm[~on_amz] == 0).all()
    calm, *_ = swept(0.0)
    assert (calm[bystanders] == 0).all() and (calm[suspended] == 1.0).all()


def test_fee_response_cuts_the_low_price_tier_once_rivals_take_the_band():
    response = {"category": "apparel", "max_price": 15.0, "rate": 0.05, "rival_share": 0.3}

    def run_with(rival_kind, **rival):
        model = market([
            {"name": "amz", "kind": "marketplace", "initial_awareness": 0.8,
             "initial_sellers": 0.8, "referral_fee": 0.17, "fee_responses": [response]},
            {"name": "rival", "kind": rival_kind, "initial_awareness": 0.8,
             "initial_sellers": 0.8, "coupon_rate": 0.0, **rival}], seed=3)
        model.run(60)
        return model

    cheap = run_with("managed")        # sells apparel below $15 in volume
    answered = [text for _, text in cheap.event_log if "answers rivals" in text]
    assert answered and cheap.platforms[0].fee_tiers[0].rate == 0.05
    assert cheap.event_log[0][0] == 30  # decided at the first monthly review
    # a rival like itself, fees included: the band stays mostly its own
    dear = run_with("marketplace", referral_fee=0.17)
    assert dear.platforms[0].fee_tiers == []
    assert not any("answers rivals" in text for _, text in dear.event_log)
