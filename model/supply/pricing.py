"""Seller pricing and ad bidding at each review.

Demand within a slate is a logit in price / reference price with coefficient alpha, so
a seller with slate share s faces elasticity alpha' (1 - s) p, alpha' = alpha / reference.
Maximising (p (1 - r) - m) D(p) with referral rate r and marginal cost m (unit cost plus
fulfilment fee or own shipping) gives the Bertrand–Nash price

    p* = m / (1 - r) + 1 / (alpha' (1 - s)).

More rivals mean smaller shares and lower markups; higher fees and costs pass through
into prices. Sellers move a share of the way towards p* at each review.
"""

from __future__ import annotations

import numpy as np

from model.config.participants import SellerConfig

# Defaults of the keyword arguments below are the documented ``sellers.*`` parameters.
SELLERS = SellerConfig()


def target_price(marginal_cost: np.ndarray, referral_rate: np.ndarray, share: np.ndarray,
                 price_sensitivity: float, reference_price: np.ndarray,
                 max_share: float = SELLERS.max_slate_share) -> np.ndarray:
    """Bertrand–Nash price for a logit slate (shares capped at ``max_share``).

    >>> target_price(np.array([10.0]), np.array([0.0]), np.array([0.0]), 4.0,
    ...              np.array([20.0])).tolist()
    [15.0]
    """
    alpha = price_sensitivity / reference_price
    share = np.clip(share, 0.0, max_share)
    return marginal_cost / (1.0 - referral_rate) + 1.0 / (alpha * (1.0 - share))


def adjust_prices(current: np.ndarray, target: np.ndarray, speed: float) -> np.ndarray:
    """Move prices ``speed`` of the way towards their targets (new listings jump there)."""
    fresh = current <= 0
    return np.where(fresh, target, current + speed * (target - current))


def ad_bids(margin: np.ndarray, units: np.ndarray, clicks: np.ndarray, bid_share: float,
            visibility: np.ndarray, cannibalisation: float,
            prior: float = SELLERS.default_conversion,
            prior_clicks: float = SELLERS.conversion_prior_clicks,
            cap: float = SELLERS.max_conversion) -> np.ndarray:
    """Bid per click: a share of the extra margin a click brings.

    Conversion is estimated as units sold through sponsored slots per paid click, shrunk
    towards ``prior`` (worth ``prior_clicks`` clicks) and capped at ``cap``. A store already
    on top of the organic results would have made a share ``cannibalisation * visibility``
    of those sales anyway, so it bids less; sellers who lose organic visibility bid more,
    and the ad market deepens as a platform fills.

    >>> ad_bids(np.array([10.0, 10.0]), np.zeros(2), np.zeros(2), 0.5,
    ...         np.array([1.0, 0.0]), 0.5).round(2).tolist()
    [0.5, 1.0]
    """
    conversion = np.minimum((units + prior * prior_clicks) / (clicks + prior_clicks), cap)
    incremental = 1.0 - cannibalisation * visibility
    return np.maximum(bid_share * conversion * margin * incremental, 0.0)


def managed_supply_prices(offers: np.ndarray, cost_floor: np.ndarray, category: np.ndarray,
                          listed: np.ndarray, squeeze: float,
                          floor_margin: float = SELLERS.supply_floor_margin) -> np.ndarray:
    """Managed model's reverse auction on supply prices: each review the platform asks
    every supplier in a category to beat the lowest current offer by ``squeeze``;
    suppliers go as low as their cost floor (times ``floor_margin``) allows.

    ``offers`` are the suppliers' own desired supply prices; ``cost_floor`` the lowest
    each can accept (its marginal cost).

    >>> managed_supply_prices(np.array([10.0, 12.0]), np.array([6.0, 11.5]),
    ...                       np.array([0, 0]), np.array([True, True]), 0.05).round(2).tolist()
    [9.5, 11.73]
    """
    result = offers.copy()
    for c in np.unique(category[listed]):
        members = listed & (category == c)
        asked = offers[members].min() * (1.0 - squeeze)
        result[members] = np.maximum(np.minimum(offers[members], asked),
                                     cost_floor[members] * floor_margin)
    return result


def managed_markup(reference_price: np.ndarray, price_sensitivity: float,
                   platform_share: np.ndarray, max_share: float = SELLERS.max_slate_share
                   ) -> np.ndarray:
    """Managed model: the absolute markup a platform that sets every retail price in a
    category adds to its suppliers' prices.

    A firm pricing all products of a logit demand system maximises profit with the same
    absolute markup on each, ``1 / (alpha' (1 - S))``, where ``S`` is its share of the
    demand it faces (Anderson, de Palma and Thisse 1992, multiproduct logit). So the
    platform's margin follows its supply prices, shoppers' price sensitivity and how much
    of its visitors' demand it wins, not a fixed commission.

    >>> managed_markup(np.array([20.0, 20.0]), 4.0, np.array([0.0, 0.5])).tolist()
    [5.0, 10.0]
    """
    alpha = price_sensitivity / reference_price
    return 1.0 / (alpha * (1.0 - np.clip(platform_share, 0.0, max_share)))


def cheapest_rival_price(price_index: np.ndarray, listings: np.ndarray,
                         reference_price: np.ndarray, platform: int, excluded: np.ndarray
                         ) -> np.ndarray:
    """Per category, the lowest price level (price index x reference price) among the
    other platforms with listings there, not counting ``excluded`` ones; inf where none.

    >>> cheapest_rival_price(np.array([[1.0, 1.0], [1.5, 0.8], [1.2, 2.0]]),
    ...                      np.array([[1, 1], [1, 0], [1, 1]]), np.array([10.0, 20.0]), 0,
    ...                      np.array([False, False, False])).tolist()
    [12.0, 40.0]
    """
    rivals = (listings > 0) & ~excluded[:, None]
    rivals[platform] = False
    level = np.where(rivals, price_index * reference_price[None, :], np.inf)
    return level.min(axis=0)


def price_coherence(prices: np.ndarray, stores: np.ndarray, parity: np.ndarray,
                    seller_priced: np.ndarray, compared: np.ndarray | None = None
                    ) -> np.ndarray:
    """Prices under price-parity clauses (sellers x platforms).

    A seller listed on a platform with a parity clause prices no lower anywhere else
    than there: its other prices are raised to its parity price, so rivals lose the
    price edge the clause is aimed at (price coherence; Edelman and Wright 2015).
    Only columns the sellers price themselves (``seller_priced``) change, and only on
    platforms the parity platform compares against (``compared[p, q]``, platforms x
    platforms; default every one): a rival dropped from its price comparison may be
    priced lower.

    >>> price_coherence(np.array([[10.0, 8.0]]), np.ones((1, 2), bool),
    ...                 np.array([True, False]), np.array([True, True])).tolist()
    [[10.0, 10.0]]
    """
    n_platforms = prices.shape[1]
    if compared is None:
        compared = np.ones((n_platforms, n_platforms), dtype=bool)
    floor = np.zeros(prices.shape)
    for p in np.flatnonzero(parity):
        parity_price = np.where(stores[:, p], prices[:, p], 0.0)
        floor = np.maximum(floor, parity_price[:, None] * compared[p][None, :])
    raise_to = stores & seller_priced[None, :]
    return np.where(raise_to, np.maximum(prices, floor), prices)
