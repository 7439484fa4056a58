"""A paid consumer membership (Prime-like): who joins, what members pay and get.

A platform with ``membership_fee > 0`` runs a programme. Members get faster delivery
(``membership_delivery_days`` instead of ``delivery_days``) and an extra utility
(``membership_loyalty``: member prices and perks, and the pull of a fee already paid) on
every trip there, and pay the fee every month. The sources name the membership as a main
source of the incumbent's lock-in: a member's utility of the platform is higher, so a
rival's price cut has to beat a larger gap (a switching cost, Klemperer 1995; Farrell and
Klemperer 2007), and as members concentrate their trips on it, its habit grows too.

Consumers review each programme on its own cadence (``membership_review_days``). A
consumer aware of the platform values membership at its expected trips there in a month
times the money value of a member trip:

    value_i = 30 * rate_i * habit_share_i,p * (delta_i * days_saved_p + loyalty_p)
              * reference / alpha_i

where ``habit_share`` is the platform's share of the consumer's habit (where it has been
shopping), ``delta_i`` its disutility per day of delivery and ``alpha_i / reference`` its
utility per USD (the logit's price coefficient). To first order this is the consumer's
gain in expected surplus from the member terms (Small and Rosen 1981). It joins, or stays,
when the value exceeds the fee and leaves otherwise. Everything is vectorised over
consumers; no random draws.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.accounting.ledger import Ledger

if TYPE_CHECKING:
    from model.agents.platform import Platform
    from model.market.state import MarketState

DAYS_PER_MONTH = 30


def membership_value(
    *,
    trips_per_day: np.ndarray,
    habit: np.ndarray,
    platform: int,
    delivery_sensitivity: np.ndarray,
    price_sensitivity: np.ndarray,
    days_saved: float,
    loyalty: float,
    reference_price: float,
) -> np.ndarray:
    """USD a month each consumer expects membership of ``platform`` to be worth.

    ``habit`` is (consumers x platforms); its row share on ``platform`` is the share of the
    consumer's trips it expects to make there (0 for a consumer with no habit yet).

    >>> membership_value(trips_per_day=np.array([0.1, 0.1]),
    ...                  habit=np.array([[1.0, 0.0], [0.5, 0.5]]), platform=0,
    ...                  delivery_sensitivity=np.array([0.5, 0.5]),
    ...                  price_sensitivity=np.array([4.0, 4.0]), days_saved=2.0, loyalty=0.0,
    ...                  reference_price=20.0).tolist()
    [15.0, 7.5]
    """
    total = habit.sum(axis=1)
    share = np.divide(habit[:, platform], total, out=np.zeros(len(total)), where=total > 0)
    trips = DAYS_PER_MONTH * trips_per_day * share
    utility_per_trip = delivery_sensitivity * max(days_saved, 0.0) + loyalty
    return trips * utility_per_trip * reference_price / price_sensitivity


def review(
    member: np.ndarray, eligible: np.ndarray, value: np.ndarray, fee: float
) -> tuple[int, int]:
    """Consumers join or leave one platform's programme (updates ``member`` in place).

    ``member``, ``eligible`` (aware of a platform that is open and serves them) and
    ``value`` (USD a month) are per consumer. Returns (joined, left).

    >>> m = np.array([False, True, True])
    >>> review(m, np.array([True, True, False]), np.array([12.0, 5.0, 20.0]), 10.0)
    (1, 2)
    >>> m.tolist()
    [True, False, False]
    """
    stays = eligible & (value > fee)
    joined = int((stays & ~member).sum())
    left = int((member & ~stays).sum())
    member[:] = stays
    return joined, left


def charge(
    member: np.ndarray, monthly_fee: np.ndarray, platform_cash: np.ndarray, ledger: Ledger
) -> np.ndarray:
    """Members pay their fees, accrued daily (consumers -> platform); returns USD per
    platform today.

    ``member`` is (consumers x platforms), ``monthly_fee`` per platform.
    """
    paid = member.sum(axis=0) * (monthly_fee / DAYS_PER_MONTH)
    platform_cash += paid
    ledger.add("membership_fees", np.arange(len(monthly_fee)), paid)
    return paid


def member_share(member: np.ndarray, served: np.ndarray) -> np.ndarray:
    """Per platform: members as a share of the consumers in the regions it serves (NaN
    where it serves no one).

    >>> member_share(np.array([[True, False], [False, False]]), np.ones((2, 2), bool)
    ...              ).tolist()
    [0.5, 0.0]
    """
    n = served.sum(axis=0)
    members = (member & served).sum(axis=0)
    return np.divide(members, n, out=np.full(len(n), np.nan), where=n > 0)


def review_membership(market: MarketState, platform: Platform) -> None:
    """Consumers aware of ``platform`` join or leave its paid membership (scheduled every
    ``membership_review_days``)."""
    c, p, cfg = market.consumers, platform.index, platform.config
    eligible = platform.launched & c.aware[:, p] & market.serves[c.region, p]
    weights = market.category_weight / market.category_weight.sum()
    value = membership_value(
        trips_per_day=market.shopping_rates(), habit=c.habit, platform=p,
        delivery_sensitivity=c.delivery_sensitivity, price_sensitivity=c.price_sensitivity,
        days_saved=platform.delivery_days - cfg.membership_delivery_days,
        loyalty=cfg.membership_loyalty,
        reference_price=float(weights @ market.reference_price))
    joined, left = review(c.member[:, p], eligible, value, cfg.membership_fee)
    platform.members_joined += joined
    platform.members_left += left
