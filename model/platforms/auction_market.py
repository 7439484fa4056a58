"""Consumer auctions on an auction (eBay-like, C2C) platform: items sell to the highest bidders.

Not the ad auction (:mod:`model.platforms.ad_auction`, sponsored slots): here the *goods* are
auctioned.

On a platform whose ``business_model`` is ``"auction"`` a store puts up ``auction_lots``
items a day (its listing limit; eBay caps how many items a seller may list, tighter for
new sellers) and pays the platform an ``insertion_fee`` for each, sold or not. The
store's posted price is the auction's start price (the reserve). Every shopper who picks
the listing that day bids their willingness to pay,

    bid = reserve + (noisy utility of the listing - noisy value of the outside option)
                    / alpha * reference price

(the money that leaves them indifferent between winning at the bid and not buying: the
logit valuation they chose it with), capped at their budget. The ``lots`` highest bids at
or above the reserve win and every winner pays the same closing price, the highest
losing bid or the reserve if there is none: a uniform-price (for one lot, second-price,
English) auction, in which bidding one's value is a dominant strategy (Vickrey 1961;
Krishna 2010, ch. 2 and 12). The closing price therefore emerges from demand: it equals
the reserve when bidders are no more than lots, and rises with the number of interested
bidders (the expected second-highest of n draws increases in n). Losing bidders buy
nothing that day. The platform's final-value fee is its ``referral_fee`` on the closing
price. Sources: SPEC S4 (eBay: auctions, listing fees and limits, low entry threshold,
fairer ranking giving new sellers exposure, which is the ``fair`` traffic rule and
``new_seller_boost``).
"""

from __future__ import annotations

import numpy as np

from model.accounting.ledger import Ledger
from model.agents.seller import INDEPENDENT, SellerArrays


def willingness_to_pay(
    reserve: np.ndarray,
    utility_gap: np.ndarray,
    price_sensitivity: np.ndarray,
    reference_price: np.ndarray,
    budget: np.ndarray,
) -> np.ndarray:
    """USD each bidder would pay at most: the start price plus their surplus at it.

    ``utility_gap`` is the noisy utility of the chosen listing minus the noisy outside
    option (>= 0 for a shopper who chose it); ``budget`` is in reference prices.

    >>> willingness_to_pay(np.array([10.0]), np.array([2.0]), np.array([4.0]),
    ...                    np.array([20.0]), np.array([2.5])).tolist()
    [20.0]
    """
    value = reserve + np.maximum(utility_gap, 0.0) / price_sensitivity * reference_price
    return np.minimum(value, np.maximum(budget * reference_price, reserve))


def clear(
    listing: np.ndarray, bid: np.ndarray, reserve: np.ndarray, lots: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Uniform-price auctions, one per ``listing`` id, over the day's bids.

    All arrays are aligned with the bids; ``reserve`` and ``lots`` are the listing's.
    Returns whether each bid wins and the closing price it pays (the highest losing bid,
    or the reserve when every bid at or above it wins).

    >>> won, paid = clear(np.array([0, 0, 0, 1]), np.array([12.0, 15.0, 11.0, 9.0]),
    ...                   np.array([10.0, 10.0, 10.0, 8.0]), np.array([1, 1, 1, 1]))
    >>> won.tolist(), paid.tolist()
    ([False, True, False, True], [12.0, 12.0, 12.0, 8.0])
    """
    n = len(bid)
    won = np.zeros(n, dtype=bool)
    paid = reserve.astype(float).copy()
    if n == 0:
        return won, paid
    order = np.lexsort((-bid, listing))
    key = listing[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    group = np.cumsum(np.r_[True, key[1:] != key[:-1]]) - 1
    rank = np.arange(n) - starts[group]
    ends = np.r_[starts[1:], n]
    sorted_bid, sorted_lots = bid[order], lots[order]
    eligible = sorted_bid >= reserve[order]
    won[order] = eligible & (rank < sorted_lots)
    first_loser = starts[group] + sorted_lots  # position of the highest losing bid
    has_loser = first_loser < ends[group]
    losing_bid = np.where(has_loser, sorted_bid[np.minimum(first_loser, n - 1)], -np.inf)
    paid[order] = np.maximum(reserve[order], losing_bid)
    return won, paid


def daily_insertion_fees(stores: np.ndarray, lots: np.ndarray, fee: np.ndarray) -> np.ndarray:
    """(sellers x platforms) USD of insertion fees for today's lots, sold or not.

    >>> daily_insertion_fees(np.array([[True, True]]), np.array([2, 0]),
    ...                      np.array([0.35, 0.0])).tolist()
    [[0.7, 0.0]]
    """
    return stores * (lots * fee)[None, :]


def auction_outcomes(
    seller: np.ndarray,
    platform: np.ndarray,
    reserve: np.ndarray,
    utility_gap: np.ndarray,
    price_sensitivity: np.ndarray,
    reference_price: np.ndarray,
    budget: np.ndarray,
    is_auction: np.ndarray,
    lots: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Which of the day's chosen listings are bought, and at what price.

    Arrays are aligned with the shoppers who chose a listing; ``is_auction`` and ``lots``
    are per platform. Purchases on posted-price platforms go through at the posted price;
    on auction platforms the listing's bidders compete (:func:`clear`).
    """
    keep = np.ones(len(seller), dtype=bool)
    paid = reserve.astype(float).copy()
    on = np.flatnonzero(is_auction[platform])
    if len(on) == 0:
        return keep, paid
    bid = willingness_to_pay(
        reserve[on], utility_gap[on], price_sensitivity[on], reference_price[on], budget[on]
    )
    listing = seller[on].astype(np.int64) * len(is_auction) + platform[on]
    won, closing = clear(listing, bid, reserve[on], lots[platform[on]])
    keep[on] = won
    paid[on] = closing
    return keep, paid


def charge_insertion_fees(
    sellers: SellerArrays,
    lots: np.ndarray,
    fee: np.ndarray,
    platform_cash: np.ndarray,
    ledger: Ledger,
) -> None:
    """Independent stores pay today's insertion fees (``lots`` and ``fee`` per platform,
    0 lots off auction platforms); booked with subscriptions and listing fees."""
    n = sellers.count
    independent = sellers.alive[:n] & (sellers.owner[:n] == INDEPENDENT)
    daily = daily_insertion_fees(sellers.listed[:n] & independent[:, None], lots, fee)
    sellers.cash[:n] -= daily.sum(axis=1)
    sellers.profit[:n] -= daily
    platform_cash += daily.sum(axis=0)
    ledger.add("monthly_fees", np.arange(len(fee)), daily.sum(axis=0))
