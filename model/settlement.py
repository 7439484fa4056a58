"""Purchases settle: who pays whom for each sale and each paid click.

Per sale the consumer pays the price minus the platform's coupon; the seller receives
the price minus the referral fee, the fulfilment fee (platform-fulfilled) or its own
carrier cost (self-shipped), and pays its supplier the unit cost. The platform pays the
coupon and, for fulfilled orders, its logistics cost. All bookkeeping is vectorised over
the day's sales with ``np.add.at``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agents.seller import SellerArrays
from model.ledger import Ledger


@dataclass
class Sales:
    """The day's purchases, one entry per order."""

    seller: np.ndarray         # seller index
    platform: np.ndarray       # platform index
    category: np.ndarray       # category index
    price: np.ndarray          # USD list price
    coupon: np.ndarray         # USD paid by the platform
    referral_rate: np.ndarray  # share of price
    fulfilment_fee: np.ndarray  # USD, platform-fulfilled orders
    shipping_cost: np.ndarray  # USD, self-shipped orders (paid to carriers)
    platform_logistics: np.ndarray  # USD, platform's own cost of fulfilling


def settle_sales(sales: Sales, sellers: SellerArrays, platform_cash: np.ndarray,
                 ledger: Ledger) -> None:
    """Move the money for the day's orders and book every flow in the ledger."""
    referral = sales.referral_rate * sales.price
    goods = sellers.unit_cost[sales.seller]
    seller_net = (sales.price - referral - sales.fulfilment_fee - sales.shipping_cost - goods)
    platform_net = referral + sales.fulfilment_fee - sales.coupon - sales.platform_logistics

    np.add.at(sellers.cash, sales.seller, seller_net)
    np.add.at(sellers.profit, (sales.seller, sales.platform), seller_net)
    np.add.at(sellers.units, (sales.seller, sales.platform), 1.0)
    np.add.at(platform_cash, sales.platform, platform_net)

    p = sales.platform
    ledger.add("consumer_payments", p, sales.price - sales.coupon)
    ledger.add("gmv", p, sales.price)
    ledger.add("referral_fees", p, referral)
    ledger.add("fulfilment_fees", p, sales.fulfilment_fee)
    ledger.add("subsidies", p, sales.coupon)
    ledger.add("logistics_charges", p, sales.shipping_cost)
    ledger.add("platform_logistics", p, sales.platform_logistics)
    ledger.add("cost_of_goods", p, goods)
    ledger.add("orders", p, 1.0)


def charge_clicks(seller: np.ndarray, platform: int, clicks: np.ndarray, cpc: np.ndarray,
                  sellers: SellerArrays, platform_cash: np.ndarray, ledger: Ledger) -> None:
    """Sellers pay the platform for paid clicks on their sponsored slots."""
    cost = clicks * cpc
    np.add.at(sellers.cash, seller, -cost)
    np.add.at(sellers.profit[:, platform], seller, -cost)
    np.add.at(sellers.clicks[:, platform], seller, clicks)
    platform_cash[platform] += cost.sum()
    ledger.add("ad_spend", platform, cost.sum())
    ledger.add("clicks", platform, clicks.sum())


def charge_store_costs(sellers: SellerArrays, daily_cost: float, ledger: Ledger) -> None:
    """Each open store costs its seller ``daily_cost`` a day (staff, tools, stock-keeping)."""
    n = sellers.count
    listed = sellers.listed[:n] & sellers.alive[:n, None]
    sellers.cash[:n] -= daily_cost * listed.sum(axis=1)
    sellers.profit[:n] -= daily_cost * listed
    ledger.add("store_costs", np.arange(listed.shape[1]), daily_cost * listed.sum(axis=0))
