"""Self-operated (1P) retail, JD-like: the platform buys stock, sets prices, carries the risk.

On a platform whose ``business_model`` is ``"retail"`` every listing is the platform's own
sale (SPEC S5: JD's self-operated model, "the platform is the retailer"; S4: 1P retail as one
of the platform models compared):

* **Suppliers sell at wholesale.** A store on the platform is a supplier: it sells its goods
  to the platform at ``wholesale_markup`` times its unit cost and earns that margin on what
  the platform buys, whatever the retail price; it pays no referral fee. The platform's own
  product lines (its own supply chain) cost it their unit cost.
* **The platform prices by its own rule**, a margin over landed cost:
  ``retail = (wholesale + unit logistics cost) * (1 + retail_margin)``, not the sellers'
  Bertrand–Nash prices; its margin is its revenue.
* **Stock is bought ahead.** At each seller review the platform tops every listing's stock
  up to ``stock_cover_days`` of its recent daily sales (the smoothed sales behind the
  organic rank), paying wholesale upfront. Sales draw the stock down; an order beyond the
  stock is bought from the supplier on the spot.
* **A curated range.** The retailer buys from at most ``assortment`` suppliers per category
  (scaled with the market); a full category takes no new ones, so the long tail stays with
  marketplaces (Hagiu and Wright 2015).
* **Inventory risk.** Stock held costs ``stock_holding_cost`` of its wholesale value a day
  (warehouse and capital) and a share ``stock_depreciation`` of it is lost each day
  (obsolescence, damage, markdowns). When demand falls, stock bought for the old demand
  sits, costs and spoils: the retailer's cash, not its suppliers', takes the loss
  (the classic newsvendor exposure of a reseller versus a marketplace's agency model;
  Hagiu and Wright 2015, "Marketplace or reseller?").
"""

from __future__ import annotations

from dataclasses import fields, replace

import numpy as np

from model.accounting.ledger import Ledger
from model.accounting.settlement import Sales
from model.agents.seller import INDEPENDENT, SellerArrays


def supplier_markup(owner: np.ndarray, markup: float | np.ndarray) -> np.ndarray:
    """Markup over unit cost the retailer pays: ``markup`` to outside suppliers, none on its
    own product lines (their unit cost is already its own sourcing cost).

    >>> supplier_markup(np.array([INDEPENDENT, 0]), 1.4).tolist()
    [1.4, 1.0]
    """
    return np.where(owner == INDEPENDENT, markup, 1.0)


def wholesale_price(unit_cost: np.ndarray, markup: float | np.ndarray) -> np.ndarray:
    """USD per unit the platform pays its supplier.

    >>> wholesale_price(np.array([10.0]), 1.2).tolist()
    [12.0]
    """
    return unit_cost * markup


def retail_price(
    unit_cost: np.ndarray, markup: float | np.ndarray, margin: float, logistics_cost: float
) -> np.ndarray:
    """The platform's retail price: its margin over wholesale plus its logistics cost.

    >>> retail_price(np.array([10.0]), 1.2, 0.25, 4.0).tolist()
    [20.0]
    """
    return (wholesale_price(unit_cost, markup) + logistics_cost) * (1.0 + margin)


def category_full(
    category: np.ndarray, stocked: np.ndarray, n_categories: int, assortment: float
) -> np.ndarray:
    """Per seller: whether its category already has ``assortment`` suppliers stocked.

    >>> category_full(np.array([0, 0, 1]), np.array([True, True, False]), 2, 2.0).tolist()
    [True, True, False]
    """
    count = np.bincount(category[stocked], minlength=n_categories)
    return (count >= assortment)[category]


def subset(sales: Sales, mask: np.ndarray) -> Sales:
    """The sales where ``mask`` is true."""
    return replace(sales, **{f.name: getattr(sales, f.name)[mask] for f in fields(sales)})


def _pay_suppliers(
    sellers: SellerArrays,
    seller: np.ndarray,
    platform: np.ndarray,
    units: np.ndarray,
    markup: np.ndarray,
    platform_cash: np.ndarray,
    ledger: Ledger,
) -> None:
    """The platform buys ``units`` from each supplier at wholesale; suppliers pay their
    own unit cost to their factories."""
    cost = sellers.unit_cost[seller] * units
    wholesale = cost * supplier_markup(sellers.owner[seller], markup[platform])
    np.add.at(sellers.cash, seller, wholesale - cost)
    np.add.at(sellers.profit, (seller, platform), wholesale - cost)
    np.add.at(platform_cash, platform, -wholesale)
    ledger.add("stock_purchases", platform, wholesale)
    ledger.add("cost_of_goods", platform, cost)


def settle_retail_sales(
    sales: Sales,
    sellers: SellerArrays,
    markup: np.ndarray,
    platform_cash: np.ndarray,
    ledger: Ledger,
) -> None:
    """The day's orders on retail platforms: the platform sells from its stock (buying
    any shortfall on the spot), keeps the retail price and pays coupons and logistics.

    ``markup`` is each platform's wholesale markup.
    """
    seller, p = sales.seller, sales.platform
    units = np.zeros_like(sellers.stock)
    np.add.at(units, (seller, p), 1.0)
    rows, cols = np.nonzero(units)
    short = np.maximum(units[rows, cols] - sellers.stock[rows, cols], 0.0)
    sellers.stock[rows, cols] = np.maximum(sellers.stock[rows, cols] - units[rows, cols], 0.0)
    bought = short > 0
    _pay_suppliers(
        sellers, rows[bought], cols[bought], short[bought], markup, platform_cash, ledger
    )
    np.add.at(platform_cash, p, sales.price - sales.coupon - sales.platform_logistics)
    np.add.at(sellers.units, (seller, p), 1.0)
    ledger.add("consumer_payments", p, sales.price - sales.coupon)
    ledger.add("gmv", p, sales.price)
    ledger.add("first_party_margin", p, sales.price)
    ledger.add("subsidies", p, sales.coupon)
    ledger.add("platform_logistics", p, sales.platform_logistics)
    ledger.add("orders", p, 1.0)
    ledger.add("new_product_orders", p, sales.new_product.astype(float))


def restock(
    sellers: SellerArrays,
    platform: int,
    cover_days: float,
    markup: float,
    platform_cash: np.ndarray,
    ledger: Ledger,
) -> float:
    """Top every open listing on ``platform`` up to ``cover_days`` of its recent daily
    sales, paying wholesale now; returns the units bought."""
    n = sellers.count
    stores = np.flatnonzero(sellers.listed[:n, platform] & sellers.alive[:n])
    target = cover_days * sellers.sales_score[stores, platform]
    order = np.maximum(target - sellers.stock[stores, platform], 0.0)
    buy = order > 0
    sellers.stock[stores[buy], platform] += order[buy]
    columns = np.full(int(buy.sum()), platform, dtype=np.int64)
    markups = np.zeros(platform + 1)
    markups[platform] = markup
    _pay_suppliers(sellers, stores[buy], columns, order[buy], markups, platform_cash, ledger)
    return float(order.sum())


def carry_stock(
    sellers: SellerArrays,
    platform: int,
    depreciation: float,
    holding_cost: float,
    markup: float,
    platform_cash: np.ndarray,
    ledger: Ledger,
) -> None:
    """A day of holding stock: pay its holding cost, lose its depreciation. Stock of closed
    listings is written off whole (the platform cannot sell it)."""
    n = sellers.count
    stock = sellers.stock[:n, platform]
    value = wholesale_price(sellers.unit_cost[:n], supplier_markup(sellers.owner[:n], markup))
    value = value * stock
    open_listing = sellers.listed[:n, platform] & sellers.alive[:n]
    lost = np.where(open_listing, depreciation, 1.0)
    cost = holding_cost * value[open_listing].sum()
    platform_cash[platform] -= cost
    ledger.add("platform_logistics", platform, cost)
    ledger.add("stock_written_off", platform, (value * lost).sum())
    sellers.stock[:n, platform] = stock * (1.0 - lost)
