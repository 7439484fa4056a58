"""Platform archetypes: presets of the shared mechanisms, not classes per company.

A scenario's platform table names a ``kind``; the preset fills every field the table
leaves out. Each preset says which business model it stands for and the facts behind it
(``../shared/SPEC.md``); all of them run on the same traffic, auction, fee, pricing,
logistics and migration rules.
"""

from __future__ import annotations

from typing import Any

ARCHETYPES: dict[str, dict[str, Any]] = {
    # A generic full marketplace: 3P sellers, platform fulfilment, ad auction.
    "marketplace": {
        "business_model": "marketplace", "referral_fee": 0.15, "fulfilment": True,
        "fulfilment_markup": 0.3, "logistics_cost": 4.0, "delivery_days": 1.5,
        "traffic_rule": "organic", "ad_slots": 3, "ad_reserve_cpc": 0.3,
        "organic_stickiness": 0.8,
    },
    # Amazon-like incumbent: 3P marketplace plus its own 1P retail, next-day fulfilment,
    # ad auction with rising CPC, referral ~15%, price-parity policy, very sticky organic
    # ranking ("one listing can stay on top for years").
    "incumbent": {
        "business_model": "marketplace", "referral_fee": 0.15, "fulfilment": True,
        "fulfilment_markup": 0.35, "logistics_cost": 4.0, "delivery_days": 1.2,
        "traffic_rule": "organic", "ad_slots": 4, "ad_reserve_cpc": 0.4,
        "organic_stickiness": 0.9, "price_parity": True, "first_party_products": 2,
        "monthly_fee": 40.0,
    },
    # Low-fee marketplace: lower commission, sellers ship themselves, few paid slots.
    "low_fee_marketplace": {
        "business_model": "marketplace", "referral_fee": 0.08, "fulfilment": False,
        "delivery_days": 5.0, "traffic_rule": "organic", "ad_slots": 1, "ad_reserve_cpc": 0.1,
        "organic_stickiness": 0.5,
    },
    # Temu-like fully managed: sellers declare supply prices in a reverse auction that the
    # platform keeps pushing down; it sets retail prices (supply price plus its profit-
    # maximising markup, never above the cheapest rival's price level: its margin emerges,
    # the referral fee is only what a prospective supplier expects to give up), ranks by
    # price, ships from China in 7–10 days, buys outside traffic and hands out coupons from
    # a parent-funded budget.
    "managed": {
        "business_model": "managed", "referral_fee": 0.3, "fulfilment": True,
        "logistics_cost": 5.0, "delivery_days": 8.5, "traffic_rule": "price", "ad_slots": 0,
        "price_tolerance": 0.15, "supply_squeeze": 0.03, "coupon_rate": 0.2,
        "subsidy_budget": 2e6, "marketing_spend": 2000.0, "reach_cost": 1.0,
        "parent_funding": 5e7, "organic_stickiness": 0.2, "onboarding_factor": 0.5,
        "rival_price_ceiling": 1.0,
    },
    # TikTok-Shop-like content commerce: traffic comes from a feed with a huge daily
    # audience; impulse purchases from exposure; recruits sellers already selling well on
    # the incumbent (goods in local warehouses); low referral fee, raised over time. The feed
    # ranks by content engagement, which grows with the feed's own sales (model.content_feed).
    "content": {
        "business_model": "content", "referral_fee": 0.02, "fulfilment": False,
        "delivery_days": 3.0, "traffic_rule": "content", "ad_slots": 2, "ad_reserve_cpc": 0.2,
        "feed_audience": 0.3, "impulse_rate": 0.05, "recruit_min_units": 10.0,
        "organic_stickiness": 0.1, "engagement_weight": 3.0, "engagement_gain": 1.0,
    },
    # Shein-like fast fashion: its own supply chain (a 1P retailer, model.retail); small-batch
    # test-and-scale of many trend-driven products, so it holds only about a week of stock;
    # ships from China.
    "fast_fashion": {
        "business_model": "retail", "referral_fee": 0.0, "fulfilment": True,
        "logistics_cost": 4.5, "delivery_days": 8.0, "traffic_rule": "organic",
        "organic_stickiness": 0.3, "ad_slots": 0, "first_party_products": 3,
        "test_and_scale": True, "third_party": False, "stock_cover_days": 7.0,
    },
    # eBay-like auction / C2C: items sell by auction to the highest bidders (the posted price
    # is the start price), a final-value fee of ~13% on the closing price, an insertion fee
    # per item listed and a daily listing limit, low entry threshold, fairer ranking that
    # gives new sellers exposure (model.auction_market).
    "auction": {
        "business_model": "auction", "referral_fee": 0.13, "fulfilment": False,
        "delivery_days": 4.0, "traffic_rule": "fair", "new_seller_boost": 1.5,
        "ad_slots": 1, "ad_reserve_cpc": 0.1, "monthly_fee": 0.0, "onboarding_factor": 0.3,
        "organic_stickiness": 0.5, "auction_lots": 1, "insertion_fee": 0.35,
    },
    # AliExpress-like low commission, high ad spend: little natural traffic (sellers buy
    # it), fierce price competition, low consumer loyalty.
    "paid_traffic": {
        "business_model": "marketplace", "referral_fee": 0.05, "fulfilment": False,
        "delivery_days": 12.0, "traffic_rule": "organic", "organic_stickiness": 0.2,
        "ad_slots": 6, "ad_reserve_cpc": 0.15, "loyalty": 0.4,
    },
    # JD-like self-operated retailer with its own logistics: it buys stock from suppliers at
    # wholesale, prices at its margin over landed cost and carries the inventory risk
    # (model.retail); outside stores on it are its suppliers.
    "retail": {
        "business_model": "retail", "referral_fee": 0.08, "fulfilment": True,
        "logistics_cost": 3.5, "delivery_days": 1.0, "traffic_rule": "organic",
        "organic_stickiness": 0.7, "ad_slots": 2, "first_party_products": 4,
        "initial_sellers": 0.1,
    },
    # Tmall-Global-like import cross-border: bonded warehouses (days, not weeks), flagship
    # stores for brands, an annual fee, and a full-service retail option (1P).
    "import_crossborder": {
        "business_model": "marketplace", "referral_fee": 0.05, "fulfilment": True,
        "logistics_cost": 5.0, "delivery_days": 4.0, "traffic_rule": "organic",
        "organic_stickiness": 0.7, "ad_slots": 2, "brand_boost": 1.5, "monthly_fee": 60.0,
        "first_party_products": 1,
    },
}
