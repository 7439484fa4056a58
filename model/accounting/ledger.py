"""Platform ledgers and the money identity that every step must satisfy.

Per platform and day the ledger records each flow of money. The identity

    consumer payments = seller receipts + platform fees + ad spend + logistics charges
                        - subsidies

holds when *seller receipts* are what sellers keep of their sales after everything they
pay the platform and carriers, and *logistics charges* are what sellers pay carriers
for orders they ship themselves. Costs that leave the market (goods bought from
suppliers, store running costs, platform logistics and marketing) are recorded too, so
that cash held by sellers and platforms can be reconciled against the flows.

Membership fees (``model.demand.membership``) are paid by consumers to the platform outside any
sale, so they stand beside the identity: all that consumers pay is
``consumer_payments + membership_fees``, and the platform's income includes them.
"""

from __future__ import annotations

import numpy as np

FLOWS = (
    "consumer_payments",   # consumers -> market: price minus coupon
    "gmv",                 # list price of goods sold (before coupons)
    "third_party_gmv",     # of which sold by independent sellers (what fees are levied on)
    "referral_fees",       # sellers -> platform
    "fulfilment_fees",     # sellers -> platform
    "ad_spend",            # sellers -> platform
    "monthly_fees",        # sellers -> platform (subscriptions, listing fees)
    "subsidies",           # platform -> consumers (coupons)
    "logistics_charges",   # sellers -> carriers (self-shipped orders)
    "platform_logistics",  # platform -> carriers (fulfilled orders)
    "cost_of_goods",       # sellers -> suppliers
    "store_costs",         # sellers -> outside (running and opening stores)
    "marketing",           # platform -> outside (advertising for awareness)
    "fixed_costs",         # platform -> outside
    "seller_capital",      # outside -> sellers: starting cash of entrants, by platform joined
    "first_party_margin",  # platform's own product lines -> platform (1P retail result)
    "stock_purchases",     # retail (1P) platform -> suppliers: stock bought at wholesale
    "stock_written_off",   # memo: wholesale value of a retail platform's stock lost (no cash)
    "new_product_orders",  # orders of products under 12 months old (count)
    "orders",              # count
    "clicks",              # paid clicks (count)
    "storage_fees",        # sellers -> platform: stock kept in its warehouses
    "logistics_investment",  # platform -> outside: warehouses and delivery network
    "membership_fees",     # consumers -> platform (paid membership, outside any sale)
)


# Money that enters the market from outside, and money that leaves it: whatever is not held
# by sellers or platforms at the end went out through one of these (tested every step).
MONEY_IN = ("consumer_payments", "membership_fees", "seller_capital")
MONEY_OUT = ("cost_of_goods", "store_costs", "logistics_charges", "platform_logistics",
             "marketing", "fixed_costs", "logistics_investment")


class Ledger:
    """Today's flows per platform, and their running totals since day 0."""

    def __init__(self, n_platforms: int) -> None:
        self.today = {flow: np.zeros(n_platforms) for flow in FLOWS}
        self.total = {flow: np.zeros(n_platforms) for flow in FLOWS}

    def add(self, flow: str, platform_index: np.ndarray | int, amount: np.ndarray | float
            ) -> None:
        """Book ``amount`` of ``flow`` against platform(s) (vectorised over sales)."""
        np.add.at(self.today[flow], platform_index, amount)

    def close_day(self) -> dict[str, np.ndarray]:
        """Move today's flows into the totals; return a copy of today's flows."""
        closed = {flow: values.copy() for flow, values in self.today.items()}
        for flow, values in self.today.items():
            self.total[flow] += values
            values[:] = 0.0
        return closed

    @staticmethod
    def money_in(flows: dict[str, np.ndarray]) -> float:
        """USD that entered the market: consumers' payments and memberships, entrants'
        capital."""
        return float(sum(flows[flow].sum() for flow in MONEY_IN))

    @staticmethod
    def money_out(flows: dict[str, np.ndarray]) -> float:
        """USD that left the market: suppliers, carriers, store and platform running costs."""
        return float(sum(flows[flow].sum() for flow in MONEY_OUT))

    @staticmethod
    def platform_fees(flows: dict[str, np.ndarray]) -> np.ndarray:
        """Fees sellers pay the platform, not counting ads."""
        return (flows["referral_fees"] + flows["fulfilment_fees"] + flows["monthly_fees"]
                + flows["storage_fees"])

    @staticmethod
    def seller_receipts(flows: dict[str, np.ndarray]) -> np.ndarray:
        """What sellers keep of GMV after fees, ads and carriers (before cost of goods)."""
        return (flows["gmv"] - Ledger.platform_fees(flows) - flows["ad_spend"]
                - flows["logistics_charges"])

    @staticmethod
    def platform_profit(flows: dict[str, np.ndarray]) -> np.ndarray:
        """Platform income minus its own costs."""
        return (Ledger.platform_fees(flows) + flows["ad_spend"] - flows["subsidies"]
                + flows["first_party_margin"] + flows["membership_fees"] - flows["stock_purchases"]
                - flows["platform_logistics"] - flows["marketing"] - flows["fixed_costs"]
                - flows["logistics_investment"])
