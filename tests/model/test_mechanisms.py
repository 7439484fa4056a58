"""Each mechanism on its own: auction, fees, pricing, logistics, traffic, choice, network."""

from __future__ import annotations

import numpy as np
import pytest

from model.config.scenario import FeeTier
from model.demand import shopping
from model.platforms import fees, logistics, traffic
from model.platforms.ad_auction import generalized_second_price
from model.supply import pricing
from model.world import network


class TestAuction:
    def test_winners_ranked_by_bid_times_quality_and_pay_next_score(self):
        bids = np.array([2.0, 1.0, 3.0, 0.5])
        quality = np.array([1.0, 3.0, 1.0, 1.0])
        winners, prices = generalized_second_price(bids, quality, 2, reserve=0.1)
        assert winners.tolist() == [1, 2]       # scores 3.0, 3.0 (stable), then 2.0
        assert prices[0] == pytest.approx(3.0 / 3.0)
        assert prices[1] == pytest.approx(2.0 / 1.0)
        assert np.all(prices <= bids[winners])

    def test_reserve_price_excludes_low_bids_and_floors_cpc(self):
        winners, prices = generalized_second_price(np.array([0.5, 0.05]), np.ones(2), 2, 0.2)
        assert winners.tolist() == [0]
        assert prices.tolist() == [0.2]

    def test_cpc_rises_with_competition(self):
        rng = np.random.default_rng(0)
        few = rng.uniform(0.2, 1.0, 4)
        many = np.concatenate([few, rng.uniform(0.2, 1.0, 20)])
        _, p_few = generalized_second_price(few, np.ones(len(few)), 3, 0.1)
        _, p_many = generalized_second_price(many, np.ones(len(many)), 3, 0.1)
        assert p_many.mean() > p_few.mean()


def test_referral_fee_tiers_by_category_and_price():
    tiers = [FeeTier("apparel", 15.0, 0.05), FeeTier("apparel", 20.0, 0.10)]
    rates = fees.referral_rates(np.array([9.0, 15.0, 19.0, 25.0, 9.0]),
                                np.array([0, 0, 0, 0, 1]), 0.17, tiers, ["apparel", "toys"])
    assert rates.tolist() == [0.05, 0.05, 0.10, 0.17, 0.17]


class TestPricing:
    def test_markup_falls_as_share_falls(self):
        cost, ref = np.array([10.0, 10.0]), np.array([20.0, 20.0])
        prices = pricing.target_price(cost, np.zeros(2), np.array([0.5, 0.05]), 4.0, ref)
        assert prices[0] > prices[1] > cost[0]

    def test_fees_pass_through_into_prices(self):
        cost, ref, share = np.array([10.0]), np.array([20.0]), np.array([0.1])
        low = pricing.target_price(cost, np.array([0.08]), share, 4.0, ref)
        high = pricing.target_price(cost, np.array([0.30]), share, 4.0, ref)
        assert high[0] > low[0]

    def test_prices_move_partially_and_new_listings_jump(self):
        moved = pricing.adjust_prices(np.array([10.0, 0.0]), np.array([20.0, 15.0]), 0.25)
        assert moved.tolist() == [12.5, 15.0]

    def test_bids_grow_with_margin(self):
        bids = pricing.ad_bids(np.array([1.0, 4.0]), np.zeros(2), np.zeros(2), 0.5,
                               np.zeros(2), 0.5)
        assert bids[1] == pytest.approx(4 * bids[0]) and bids[0] > 0


def test_logistics_unit_cost_falls_with_volume():
    costs = logistics.unit_cost(np.array([100.0, 1000.0, 10000.0]), 4.0, 1000.0, 0.2)
    assert costs[0] > costs[1] > costs[2]
    assert costs[1] == pytest.approx(4.0)


class TestTraffic:
    def _scores(self, rule, **kw):
        base = dict(sales_score=np.array([5.0, 0.0, 0.0]), rating=np.full(3, 0.5),
                    price=np.array([20.0, 10.0, 30.0]), quality=np.full(3, 0.5),
                    age_days=np.array([400, 400, 5]), stickiness=0.9, new_seller_boost=0.0,
                    rng=np.random.default_rng(1))
        base.update(kw)
        return traffic.rank_scores(rule, **base)

    def test_organic_rank_is_sticky_to_past_sales(self):
        tops = [np.argmax(self._scores("organic", rng=np.random.default_rng(s)))
                for s in range(50)]
        assert np.mean(np.array(tops) == 0) > 0.9

    def test_price_rule_puts_cheapest_first(self):
        assert np.argmax(self._scores("price")) == 1

    def test_new_seller_boost_lifts_new_listings(self):
        plain = [np.argmax(self._scores("fair", rng=np.random.default_rng(s)))
                 for s in range(50)]
        boosted = [np.argmax(self._scores("fair", new_seller_boost=5.0,
                                          rng=np.random.default_rng(s))) for s in range(50)]
        assert np.mean(np.array(boosted) == 2) > np.mean(np.array(plain) == 2) + 0.5

    def test_sponsored_slots_come_first_and_pay_cpc(self):
        candidates = np.array([10, 11, 12, 13])
        slate = traffic.build_slate(candidates, np.array([4.0, 3.0, 2.0, 1.0]),
                                    bids=np.array([0.0, 0.0, 0.0, 2.0]), ad_quality=np.ones(4),
                                    slate_size=3, ad_slots=1, reserve_cpc=0.5)
        assert slate.sellers.tolist() == [13, 10, 11]
        assert slate.sponsored.tolist() == [True, False, False]
        assert slate.cpc[0] == pytest.approx(0.5)


class TestChoice:
    def test_logit_choice_matches_softmax_shares(self):
        rng = np.random.default_rng(3)
        n = 200_000
        utility = np.tile(np.array([0.0, 1.0]), (n, 1))
        choice = shopping.logit_choice(utility, np.full(n, 0.5), rng)
        expected = np.exp([0.0, 1.0, 0.5]) / np.exp([0.0, 1.0, 0.5]).sum()
        observed = [np.mean(choice == 0), np.mean(choice == 1), np.mean(choice == -1)]
        assert np.allclose(observed, expected, atol=0.005)

    def test_unaware_platforms_are_never_chosen(self):
        utility = shopping.platform_utilities(
            price_sensitivity=np.ones(3), aware=np.array([[True, False]] * 3),
            categories=np.zeros(3, int), price_index=np.ones((2, 1)),
            listings=np.full((2, 1), 10.0), coupon=np.zeros(2),
            terms=np.array([[0.0, 100.0]] * 3), selection_weight=0.5)
        assert np.all(np.isinf(utility[:, 1]))

    def test_a_coupon_counts_once_as_a_lower_price(self):
        args = dict(price_sensitivity=np.array([2.0]), aware=np.ones((1, 1), bool),
                    categories=np.zeros(1, int), price_index=np.ones((1, 1)),
                    listings=np.full((1, 1), 10.0), terms=np.zeros((1, 1)),
                    selection_weight=0.5)
        full = shopping.platform_utilities(coupon=np.zeros(1), **args)
        cut = shopping.platform_utilities(coupon=np.full(1, 0.2), **args)
        cheaper = shopping.platform_utilities(coupon=np.zeros(1),
                                              **(args | {"price_index": np.full((1, 1), 0.8)}))
        assert cut[0, 0] - full[0, 0] == pytest.approx(2.0 * 0.2)
        assert cut[0, 0] == pytest.approx(cheaper[0, 0])

    def test_single_homers_compare_one_slate_multi_homers_every_one_worth_opening(self):
        noisy = np.array([[0.5, 2.0, -np.inf], [0.5, 2.0, -np.inf], [0.5, -1.0, 3.0]])
        consider = shopping.consideration_sets(noisy, np.zeros(3),
                                               np.array([False, True, True]))
        assert consider.tolist() == [[False, True, False], [True, True, False],
                                     [True, False, True]]

    def test_ignoring_selection_keeps_the_level_but_not_the_differences(self):
        listings = np.array([[10.0, 0.0], [30.0, 8.0]])
        seen = shopping.uniform_selection(listings, np.array([True, True]))
        assert seen[:, 0].tolist() == [20.0, 20.0]
        assert seen[:, 1].tolist() == [0.0, 8.0]

    def test_unaffordable_listings_are_excluded(self):
        utility = shopping.listing_utilities(
            price_sensitivity=np.ones(1), quality_sensitivity=np.ones(1), budget=np.ones(1),
            relative_price=np.array([[0.8, 1.5]]), quality=np.full((1, 2), 0.5),
            rating=np.full((1, 2), 0.5), positions=np.arange(2)[None, :],
            valid=np.ones((1, 2), bool), rating_utility=1.0, position_utility=-0.12)
        assert np.isfinite(utility[0, 0]) and np.isinf(utility[0, 1])


def test_consumer_network_is_symmetric_and_converts_to_networkx():
    rng = np.random.default_rng(0)
    src, dst = network.small_world_edges(200, 6, 0.1, rng)
    indptr, indices = network.to_csr(200, src, dst)
    graph = network.to_networkx(indptr, indices)
    assert graph.number_of_nodes() == 200
    assert abs(2 * graph.number_of_edges() / 200 - 6) < 0.5
    friends = network.neighbours(indptr, indices, np.array([5]))
    assert set(friends.tolist()) == set(graph.neighbors(5))
