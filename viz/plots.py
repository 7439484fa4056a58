"""Time-series panels: one line per platform, in the platform's colour, day on the x axis.

Shown: GMV share, active consumers, sellers (solid) with multi-homing sellers (dashed), take
rate, average cost per click and price index. Each panel is a Vega-Lite spec built from
``platform_frame()`` (see ``viz.data``), so the same numbers a batch run writes are the ones drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import solara

from viz.colors import color_scale
from viz.data import frames, records, thin_steps
from viz.refresh import use_refresh
from viz.vega import VegaChart, base_spec


@dataclass(frozen=True)
class Series:
    """One time-series panel: which columns of ``platform_frame()`` and how to label them."""

    name: str
    title: str
    subtitle: str
    columns: tuple[str, ...]
    axis_format: str = ",.3~s"
    labels: tuple[str, ...] = ()
    zero: bool = True  # y axis starts at zero


SERIES: tuple[Series, ...] = (
    Series("gmv_share", "GMV share", "Share of the day's gross merchandise value",
           ("gmv_share",), ".0%"),
    Series("active_consumers", "Active consumers", "Consumers who visited in the last 30 days",
           ("active_consumers",), ",.2~s"),
    Series("sellers", "Sellers", "Stores per platform (solid); of which multi-homing (dashed)",
           ("sellers", "multihoming_sellers"), ",.2~s", ("all sellers", "multi-homing")),
    Series("take_rate", "Take rate", "Fees and ads paid by sellers / their sales",
           ("take_rate",), ".0%"),
    Series("avg_cpc", "Average CPC", "USD per sponsored click (ad auction)",
           ("avg_cpc",), "$.2f", zero=False),
    Series("price_index", "Price index", "Mean slate price / category reference price",
           ("price_index",), ".2f", zero=False),
)


def series_spec(series: Series, platform_frame: pd.DataFrame,
                platform_names: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """Vega-Lite line chart of ``series`` over days, coloured by platform."""
    frame = thin_steps(platform_frame)
    spec = base_spec(series.title, series.subtitle)
    color = {"field": "platform", "type": "nominal", "scale": color_scale(platform_names)}
    x = {"field": "step", "type": "quantitative", "title": "day",
         "axis": {"tickMinStep": 1, "format": "d"}}
    if len(series.columns) == 1:
        column = series.columns[0]
        data = records(frame, ["step", "platform", column])
        y = {"field": column, "type": "quantitative", "title": None,
             "axis": {"format": series.axis_format}, "scale": {"zero": series.zero}}
        tooltip = [{"field": "platform"}, {"field": "step", "title": "day"},
                   {"field": column, "format": series.axis_format, "title": series.title}]
        encoding = {"x": x, "y": y, "color": color, "tooltip": tooltip}
    else:
        labels = dict(zip(series.columns, series.labels or series.columns, strict=True))
        long = frame.melt(id_vars=["step", "platform"], value_vars=list(series.columns),
                          var_name="measure", value_name="value")
        long["measure"] = long["measure"].map(labels)
        data = records(long, ["step", "platform", "measure", "value"])
        y = {"field": "value", "type": "quantitative", "title": None,
             "axis": {"format": series.axis_format}}
        dash = {"field": "measure", "type": "nominal", "title": None,
                "scale": {"domain": list(labels.values()), "range": [[1, 0], [5, 3]]},
                "legend": None}
        tooltip = [{"field": "platform"}, {"field": "measure"},
                   {"field": "step", "title": "day"},
                   {"field": "value", "format": series.axis_format}]
        encoding = {"x": x, "y": y, "color": color, "strokeDash": dash,
                    "detail": {"field": "measure"}, "tooltip": tooltip}
    spec["data"] = {"values": data}
    spec["mark"] = {"type": "line", "strokeWidth": 2, "clip": True}
    spec["encoding"] = encoding
    return spec


@solara.component
def SeriesPanel(model, series: Series):
    """One time-series panel for ``model``; redrawn whenever the dashboard steps."""
    use_refresh()
    f = frames(model)
    VegaChart(lambda: series_spec(series, f.platforms, f.platform_names), name=series.name,
              version=f.serial)


SERIES_BY_NAME: dict[str, Series] = {s.name: s for s in SERIES}


# One module-level component per panel (SolaraViz takes one-argument components; real
# components, rather than plain functions, stay mounted between steps).
@solara.component
def GmvSharePanel(model):
    """GMV share per platform."""
    SeriesPanel(model, SERIES_BY_NAME["gmv_share"])


@solara.component
def ActiveConsumersPanel(model):
    """Active consumers per platform."""
    SeriesPanel(model, SERIES_BY_NAME["active_consumers"])


@solara.component
def SellersPanel(model):
    """Sellers and multi-homing sellers per platform."""
    SeriesPanel(model, SERIES_BY_NAME["sellers"])


@solara.component
def TakeRatePanel(model):
    """Take rate per platform."""
    SeriesPanel(model, SERIES_BY_NAME["take_rate"])


@solara.component
def AvgCpcPanel(model):
    """Average cost per click per platform."""
    SeriesPanel(model, SERIES_BY_NAME["avg_cpc"])


@solara.component
def PriceIndexPanel(model):
    """Price index per platform."""
    SeriesPanel(model, SERIES_BY_NAME["price_index"])


SERIES_PANELS = (GmvSharePanel, ActiveConsumersPanel, SellersPanel, TakeRatePanel, AvgCpcPanel,
                 PriceIndexPanel)
