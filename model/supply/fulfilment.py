"""Sellers' choice between the platform's fulfilment and shipping themselves.

On a platform with ``fulfilment_choice`` each store decides at the weekly review whether
to send its stock to the platform's fulfilment (paying the fulfilment fee per unit) or to
ship orders itself (paying carriers its own shipping cost, lower for sellers with good
logistics, the "logistics" pillar of S5). Fulfilled listings are delivered at the
platform's speed, carry its badge (``fulfilment_rank_boost`` in the organic ranking) and,
for members of a paid membership, the member delivery; self-shipped ones take
``own_delivery_days`` longer, which shoppers see in listing choice. A seller expects a
fulfilled store to sell ``1 + fulfilment_demand_gain`` times as much and keeps the option
with the higher expected profit at its current price:

    fulfil  iff  (1 + g) (p (1 - r) - c - fee)  >=  p (1 - r) - c - own_shipping

so a fee rise past a seller's own shipping cost plus what the faster delivery earns sends
it to self-ship (S4 on FBA fees; the sources report fulfilment fees raised repeatedly).
Vectorised over stores; no random draws.
"""

from __future__ import annotations

import numpy as np


def prefers_fulfilment(
    *,
    price: np.ndarray,
    referral_rate: np.ndarray,
    unit_cost: np.ndarray,
    fulfilment_fee: float,
    own_shipping: np.ndarray,
    demand_gain: float,
) -> np.ndarray:
    """Whether each store does better with the platform's fulfilment (per store).

    >>> prefers_fulfilment(price=np.array([20.0, 20.0]), referral_rate=np.array([0.15, 0.15]),
    ...                    unit_cost=np.array([9.0, 9.0]), fulfilment_fee=5.0,
    ...                    own_shipping=np.array([5.0, 2.0]), demand_gain=0.3).tolist()
    [True, False]
    """
    margin = price * (1.0 - referral_rate) - unit_cost
    return (1.0 + demand_gain) * (margin - fulfilment_fee) >= margin - own_shipping


def listing_delay(
    self_shipped: np.ndarray, own_delivery_days: np.ndarray, member_gap: np.ndarray
) -> np.ndarray:
    """Extra delivery days of each listing a shopper sees over its platform's delivery.

    ``self_shipped`` (trips x listings) marks listings their sellers ship themselves on
    platforms with ``fulfilment_choice``; ``own_delivery_days`` (per listing column) is
    their platform's extra days, and ``member_gap`` (trips x listing columns) the days a
    member of that platform's membership saves on fulfilled listings only.

    >>> listing_delay(np.array([[True, False]]), np.array([3.0, 3.0]),
    ...               np.array([[1.0, 1.0]])).tolist()
    [[4.0, 0.0]]
    """
    return np.where(self_shipped, own_delivery_days[None, :] + member_gap, 0.0)
