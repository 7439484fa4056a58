"""Platform archetypes: presets of the shared mechanisms, not classes per company.

A scenario's platform table names a ``kind``; the preset fills every field the table
leaves out. Each preset states the business model it stands for and the facts behind it.
"""

from __future__ import annotations

from typing import Any

ARCHETYPES: dict[str, dict[str, Any]] = {
    # Amazon-like full marketplace: 3P sellers, platform fulfilment (next-day), ad auction,
    # referral fee ~15%, sticky organic ranking (one listing can stay on top for years).
    "marketplace": {
        "business_model": "marketplace",
        "referral_fee": 0.15,
        "fulfilment": True,
        "fulfilment_markup": 0.3,
        "logistics_cost": 4.0,
        "delivery_days": 1.5,
        "traffic_rule": "organic",
        "ad_slots": 3,
        "ad_reserve_cpc": 0.3,
        "organic_stickiness": 0.8,
    },
    # Low-fee marketplace: lower commission, sellers ship themselves, few paid slots.
    "low_fee_marketplace": {
        "business_model": "marketplace",
        "referral_fee": 0.08,
        "fulfilment": False,
        "delivery_days": 5.0,
        "traffic_rule": "organic",
        "ad_slots": 1,
        "ad_reserve_cpc": 0.1,
        "organic_stickiness": 0.5,
    },
}
