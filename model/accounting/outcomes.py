"""What each platform wins: shoppers, sellers by kind, and each category's sales.

Business models differ in whom they attract (SPEC S4: eBay's low entry threshold and fair
exposure draw small and new sellers; a 1P retailer's suppliers are factories and brands; a
low-commission paid-traffic site wins price-sensitive shoppers). This table puts the three
sides next to each other, one row per platform, for a scenario's report.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from model.agents.seller import INDEPENDENT, SellerArrays

#: Days within which a consumer's last visit counts as shopping there (as ``active_consumers``).
ACTIVE_DAYS = 30


def wins_frame(
    platform_names: Sequence[str],
    category_names: Sequence[str],
    kind_names: Sequence[str],
    sellers: SellerArrays,
    last_visit: np.ndarray,
    category_gmv: np.ndarray,
    day: int,
) -> pd.DataFrame:
    """One row per platform: active shoppers (visited in the last 30 days) and their share,
    open third-party stores by seller kind (``sellers_<kind>``), GMV since day 0 and the
    platform's share of each category's GMV (``gmv_share_<category>``).

    ``last_visit`` is (consumers x platforms) the day of each consumer's last visit;
    ``category_gmv`` is (platforms x categories) USD sold since day 0.
    """
    s, n = sellers, sellers.count
    stores = s.listed[:n] & (s.alive[:n] & (s.owner[:n] == INDEPENDENT))[:, None]
    active = (last_visit > day - ACTIVE_DAYS).sum(axis=0)
    table = pd.DataFrame({"platform": list(platform_names), "shoppers": active})
    table["shopper_share"] = active / max(active.sum(), 1)
    for k, kind in enumerate(kind_names):
        of_kind = stores & (s.kind[:n] == k)[:, None]
        if kind != "first_party":
            table[f"sellers_{kind}"] = of_kind.sum(axis=0)
    table["gmv"] = category_gmv.sum(axis=1)
    totals = category_gmv.sum(axis=0)
    for c, category in enumerate(category_names):
        share = category_gmv[:, c] / totals[c] if totals[c] > 0 else np.zeros(len(platform_names))
        table[f"gmv_share_{category}"] = share
    return table
