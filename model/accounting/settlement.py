"""Purchases settle: who pays whom for each sale and each paid click.

Per sale the consumer pays the price minus the platform's coupon; the seller receives
the price minus the referral fee, the fulfilment fee (platform-fulfilled) or its own
carrier cost (self-shipped), and pays its supplier the unit cost. The platform pays the
coupon and, for fulfilled orders, its logistics cost. All bookkeeping is vectorised over
the day's sales with ``np.add.at``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from model.accounting.ledger import Ledger
from model.agents.seller import INDEPENDENT, SellerArrays


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
    new_product: np.ndarray    # bool: the product is under 12 months old


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
    third_party = sellers.owner[sales.seller] == INDEPENDENT
    ledger.add("third_party_gmv", p, np.where(third_party, sales.price, 0.0))
    ledger.add("referral_fees", p, referral)
    ledger.add("fulfilment_fees", p, sales.fulfilment_fee)
    ledger.add("subsidies", p, sales.coupon)
    ledger.add("logistics_charges", p, sales.shipping_cost)
    ledger.add("platform_logistics", p, sales.platform_logistics)
    ledger.add("cost_of_goods", p, goods)
    ledger.add("orders", p, 1.0)
    ledger.add("new_product_orders", p, sales.new_product.astype(float))


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


def store_running_cost(stores: np.ndarray, daily_cost: float, overhead_growth: float
                       ) -> np.ndarray:
    """Daily cost of each seller's stores: ``daily_cost * stores ** (1 + overhead_growth)``.

    Management cost grows faster than size: the "small and beautiful" seller with one store
    pays ``daily_cost``, the "big and comprehensive" one with four pays more than 4x.

    >>> store_running_cost(np.array([1, 4]), 1.0, 0.5).tolist()
    [1.0, 8.0]
    """
    return daily_cost * stores.astype(float) ** (1.0 + overhead_growth)


def charge_store_costs(sellers: SellerArrays, daily_cost: float, overhead_growth: float,
                       ledger: Ledger, listing_groups: Sequence[np.ndarray] = ()) -> None:
    """Independent sellers pay the daily running cost of their stores, split per store.

    A listing shared by a group of platforms (list once, sell everywhere) is one store.
    """
    n = sellers.count
    independent = sellers.owner[:n] == INDEPENDENT
    listed = sellers.listed[:n] & (sellers.alive[:n] & independent)[:, None]
    platforms_listed = listed.sum(axis=1)
    stores = platforms_listed.copy()
    for members in listing_groups:
        in_group = listed[:, members]
        stores -= in_group.sum(axis=1) - in_group.any(axis=1)
    total = store_running_cost(stores, daily_cost, overhead_growth)
    share = np.divide(total, platforms_listed, out=np.zeros(n), where=platforms_listed > 0)
    per_store = share[:, None] * listed
    sellers.cash[:n] -= total
    sellers.profit[:n] -= per_store
    ledger.add("store_costs", np.arange(listed.shape[1]), per_store.sum(axis=0))


def consolidate_first_party(sellers: SellerArrays, platform_cash: np.ndarray, ledger: Ledger
                            ) -> None:
    """A platform's own (1P) product lines hand their day's cash to the platform."""
    n = sellers.count
    owned = np.flatnonzero(sellers.owner[:n] != INDEPENDENT)
    if len(owned) == 0:
        return
    owner = sellers.owner[owned].astype(np.int64)
    np.add.at(platform_cash, owner, sellers.cash[owned])
    ledger.add("first_party_margin", owner, sellers.cash[owned])
    sellers.cash[owned] = 0.0


DAYS_PER_MONTH = 30


def charge_monthly_fees(sellers: SellerArrays, monthly_fee: np.ndarray,
                        platform_cash: np.ndarray, ledger: Ledger) -> None:
    """Subscriptions and listing fees (USD per store-month), accrued daily."""
    n = sellers.count
    stores = sellers.listed[:n] & (sellers.alive[:n] & (sellers.owner[:n] == INDEPENDENT))[:, None]
    daily = stores * (monthly_fee / DAYS_PER_MONTH)[None, :]
    sellers.cash[:n] -= daily.sum(axis=1)
    sellers.profit[:n] -= daily
    platform_cash += daily.sum(axis=0)
    ledger.add("monthly_fees", np.arange(len(monthly_fee)), daily.sum(axis=0))


def charge_holding_costs(sellers: SellerArrays, daily_cost: float, ledger: Ledger) -> None:
    """Sellers whose funds are frozen keep paying for their stranded stock."""
    n = sellers.count
    held = np.flatnonzero(sellers.alive[:n] & (sellers.frozen[:n] > 0))
    if len(held) == 0 or daily_cost <= 0:
        return
    sellers.cash[held] -= daily_cost
    ledger.add("store_costs", sellers.frozen_on[held].astype(np.int64),
               np.full(len(held), daily_cost))


def charge_storage_fees(sellers: SellerArrays, storage_fee: np.ndarray, fulfilled: np.ndarray,
                        cover_days: float, min_stock: float, platform_cash: np.ndarray,
                        ledger: Ledger) -> None:
    """Sellers using a platform's fulfilment pay for the stock it stores (daily accrual).

    ``fulfilled`` (sellers x platforms) marks the stores shipped by the platform.

    A store keeps ``cover_days`` of its sales (smoothed daily units) in the warehouse, and
    at least ``min_stock`` units: storage weighs most on slow sellers.
    """
    n = sellers.count
    if n == 0 or not (storage_fee > 0).any():
        return
    stores = sellers.listed[:n] & (sellers.alive[:n]
                                   & (sellers.owner[:n] == INDEPENDENT))[:, None]
    units = stored_units(sellers.sales_score[:n], cover_days, min_stock)
    daily = np.where(stores & fulfilled[:n], units * storage_fee[None, :], 0.0)
    daily /= DAYS_PER_MONTH
    sellers.cash[:n] -= daily.sum(axis=1)
    sellers.profit[:n] -= daily
    platform_cash += daily.sum(axis=0)
    ledger.add("storage_fees", np.arange(len(storage_fee)), daily.sum(axis=0))


def stored_units(daily_units: np.ndarray, cover_days: float, min_stock: float) -> np.ndarray:
    """Units a store keeps in stock: ``cover_days`` of sales, at least ``min_stock``.

    >>> stored_units(np.array([[0.0, 2.0]]), 30.0, 10.0).tolist()
    [[10.0, 60.0]]
    """
    return np.maximum(daily_units * cover_days, min_stock)
