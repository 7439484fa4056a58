"""Seller map: every open store as a point, unit cost (x) against its price (y), log scales.

Colour is the platform the store is on, shape the seller kind (factory, trader, brand,
big seller); a store's height above the grey "break-even" diagonal (price = unit cost) is its
gross margin per unit. Watching it shows prices squeezed towards cost where competition is
fierce, and which kinds of seller each platform attracts.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import solara

from viz.colors import color_scale
from viz.data import frames, records
from viz.refresh import use_refresh
from viz.vega import VegaChart, base_spec

MAX_POINTS = 1500
KIND_SHAPES = {"factory": "square", "trader": "circle", "brand": "diamond",
               "big_seller": "triangle-up"}


def sample_stores(sellers: pd.DataFrame, max_points: int = MAX_POINTS) -> pd.DataFrame:
    """At most ``max_points`` stores, an even (deterministic) sample when there are more."""
    if len(sellers) <= max_points:
        return sellers
    keep = np.linspace(0, len(sellers) - 1, max_points).round().astype(int)
    return sellers.iloc[np.unique(keep)]


def seller_map_spec(sellers: pd.DataFrame, platform_names: list[str] | tuple[str, ...]
                    ) -> dict[str, Any]:
    """Vega-Lite scatter of unit cost vs price, coloured by platform, shaped by kind."""
    shown = sample_stores(sellers[(sellers["unit_cost"] > 0) & (sellers["price"] > 0)])
    note = f"{len(sellers):,} stores" + (f", {len(shown):,} shown" if len(shown) < len(sellers)
                                         else "")
    spec = base_spec("Seller map", f"Unit cost vs price per store ({note}); "
                                   "colour = platform, shape = kind")
    data = records(shown, ["seller", "kind", "category", "platform", "unit_cost", "price"], 3)
    low = float(min(shown["unit_cost"].min(), shown["price"].min())) if len(shown) else 1.0
    high = float(max(shown["unit_cost"].max(), shown["price"].max())) if len(shown) else 10.0
    kinds = list(KIND_SHAPES)
    log_x = {"type": "log", "nice": False}
    diagonal = {"x": {"field": "v", "type": "quantitative", "scale": log_x},
                "y": {"field": "v", "type": "quantitative", "scale": log_x}}
    spec["layer"] = [
        {"data": {"values": [{"v": low * 0.95}, {"v": high * 1.05}]},
         "mark": {"type": "line", "color": "#999", "strokeDash": [4, 3], "strokeWidth": 1},
         "encoding": diagonal},
        {"data": {"values": [{"v": low * 1.1, "label": "break-even (price = unit cost)"}]},
         "mark": {"type": "text", "align": "left", "baseline": "top", "dx": 8, "dy": 2,
                  "fontSize": 11, "color": "#555", "fontStyle": "italic"},
         "encoding": {**diagonal, "text": {"field": "label"}}},
        {"data": {"values": data},
         "mark": {"type": "point", "filled": True, "opacity": 0.6, "size": 28},
         "encoding": {
             "x": {"field": "unit_cost", "type": "quantitative", "scale": log_x,
                   "title": "unit cost (USD)"},
             "y": {"field": "price", "type": "quantitative", "scale": log_x,
                   "title": "price (USD)"},
             "color": {"field": "platform", "type": "nominal",
                       "scale": color_scale(platform_names),
                       "legend": {"orient": "right", "title": "platform"}},
             "shape": {"field": "kind", "type": "nominal",
                       "scale": {"domain": kinds, "range": [KIND_SHAPES[k] for k in kinds]},
                       "legend": {"orient": "right", "title": "seller kind"}},
             "tooltip": [{"field": "platform"}, {"field": "kind"}, {"field": "category"},
                         {"field": "unit_cost", "format": "$.2f", "title": "unit cost"},
                         {"field": "price", "format": "$.2f"}, {"field": "seller"}]}},
    ]
    spec["resolve"] = {"scale": {"x": "shared", "y": "shared"}}
    return spec


@solara.component
def SellerMap(model):
    """The seller map of ``model`` today."""
    use_refresh()
    f = frames(model)
    shown = [n for n in f.platform_names if n in f.launched] if f.launched else f.platform_names
    VegaChart(lambda: seller_map_spec(f.sellers, shown), name="seller_map",
              version=f.serial)
