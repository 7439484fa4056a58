"""Time-series panels: one line per platform, in the platform's colour, dates on the x axis.

Shown: GMV share, active consumers, sellers (solid) with multi-homing sellers (dashed), take
rate, average cost per click, price index, and the platforms' levers (referral fee and coupon
rate; ad slots) as scheduled events or an adaptive strategy move them. Each panel is a
Vega-Lite spec built from ``platform_frame()`` (see ``viz.data``), so the same numbers a batch
run writes are the ones drawn. The x axis shows the scenario's calendar; a dashed rule with a
marker on top (hover it for the label) marks each day a scheduled shock fired: launches, fee
changes, sweeps, promotions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import solara

from viz.colors import color_scale
from viz.data import day_date, frames, records, thin_steps
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
    Series("fee_levers", "Fees and coupons", "Referral fee (solid) and coupon rate (dashed), "
           "share of price: the platform's levers as events or its strategy move them",
           ("referral_fee", "coupon_rate"), ".0%", ("referral fee", "coupon rate")),
    Series("ad_slots", "Ad slots", "Sponsored places sold on each results page",
           ("ad_slots",), ",.0f"),
)


def time_axis(calendar: bool) -> dict[str, Any]:
    """The x encoding: the scenario's calendar dates, or day numbers without a calendar."""
    if calendar:
        return {"field": "date", "type": "temporal", "title": None, "scale": {"type": "utc"},
                "axis": {"labelExpr": "utcFormat(datum.value, '%b %Y')",
                         "labelOverlap": True, "tickCount": 6}}
    return {"field": "step", "type": "quantitative", "title": "day",
            "axis": {"tickMinStep": 1, "format": "d"}}


def _utc(date) -> dict[str, Any]:
    """A Vega-Lite DateTime (UTC) for a calendar date."""
    return {"year": date.year, "month": date.month, "date": date.day, "utc": True}


def shock_rows(events: tuple[tuple[int, str], ...] | list[tuple[int, str]],
               start_date: str) -> list[dict[str, Any]]:
    """One marker per day on which shocks fired (launches, fee changes, sweeps, promotions),
    with every shock of that day in its label."""
    by_day: dict[int, list[str]] = {}
    for day, text in events:
        by_day.setdefault(int(day), []).append(str(text))
    rows = []
    for day, texts in sorted(by_day.items()):
        date = day_date(start_date, day)
        rows.append({"step": day, "date": date.isoformat() if date else None,
                     "when": (f"{date:%d %b %Y} (day {day})" if date else f"day {day}"),
                     "shock": "; ".join(texts)})
    return rows


def shock_layers(shocks: list[dict[str, Any]], x: dict[str, Any]) -> list[dict[str, Any]]:
    """Dashed vertical rules at the shocks, and a hoverable marker on top naming them."""
    if not shocks:
        return []
    tooltip = [{"field": "when", "title": "shock on"}, {"field": "shock", "title": "what"}]
    return [
        {"data": {"values": shocks},
         "mark": {"type": "rule", "color": "#666", "strokeDash": [3, 3], "strokeWidth": 1},
         "encoding": {"x": x, "tooltip": tooltip}},
        {"data": {"values": shocks}, "name": "shocks",
         "mark": {"type": "point", "shape": "triangle-down", "filled": True, "size": 90,
                  "color": "#444", "opacity": 0.9, "cursor": "help"},
         "encoding": {"x": x, "y": {"value": 5}, "tooltip": tooltip}},
    ]


def series_spec(series: Series, platform_frame: pd.DataFrame,
                platform_names: list[str] | tuple[str, ...], start_date: str = "",
                events: tuple[tuple[int, str], ...] | list[tuple[int, str]] = ()
                ) -> dict[str, Any]:
    """Vega-Lite line chart of ``series`` over time, coloured by platform, shocks marked."""
    frame = thin_steps(platform_frame[platform_frame["platform"].isin(platform_names)])
    calendar = bool(start_date) and ("date" in frame.columns or frame.empty)
    spec = base_spec(series.title, series.subtitle)
    color = {"field": "platform", "type": "nominal", "scale": color_scale(platform_names)}
    x = time_axis(calendar)
    if not frame.empty:  # the whole run so far, even where a series has no values yet
        first, last = int(frame["step"].min()), int(frame["step"].max())
        x["scale"] = {**x.get("scale", {}), "domain": (
            [_utc(day_date(start_date, first)), _utc(day_date(start_date, last))] if calendar
            else [first, last])}
    keys = ["step", "date", "platform"] if calendar and not frame.empty else ["step", "platform"]
    when = ([{"field": "date", "type": "temporal", "title": "date", "format": "%d %b %Y",
              "formatType": "utc"}] if calendar else []) + [{"field": "step", "title": "day"}]
    if len(series.columns) == 1:
        column = series.columns[0]
        data = records(frame, [*keys, column])
        y = {"field": column, "type": "quantitative", "title": None,
             "axis": {"format": series.axis_format}, "scale": {"zero": series.zero}}
        tooltip = [{"field": "platform"}, *when,
                   {"field": column, "format": series.axis_format, "title": series.title}]
        encoding = {"x": x, "y": y, "color": color, "tooltip": tooltip}
    else:
        labels = dict(zip(series.columns, series.labels or series.columns, strict=True))
        long = frame.melt(id_vars=keys, value_vars=list(series.columns),
                          var_name="measure", value_name="value")
        long["measure"] = long["measure"].map(labels)
        data = records(long, [*keys, "measure", "value"])
        y = {"field": "value", "type": "quantitative", "title": None,
             "axis": {"format": series.axis_format}}
        dash = {"field": "measure", "type": "nominal", "title": None,
                "scale": {"domain": list(labels.values()), "range": [[1, 0], [5, 3]]},
                "legend": None}
        tooltip = [{"field": "platform"}, {"field": "measure"}, *when,
                   {"field": "value", "format": series.axis_format}]
        encoding = {"x": x, "y": y, "color": color, "strokeDash": dash,
                    "detail": {"field": "measure"}, "tooltip": tooltip}
    lines = {"data": {"values": data}, "mark": {"type": "line", "strokeWidth": 2, "clip": True},
             "encoding": encoding}
    spec["layer"] = [lines, *shock_layers(shock_rows(events, start_date), x)]
    return spec


@solara.component
def SeriesPanel(model, series: Series):
    """One time-series panel for ``model``; redrawn whenever the dashboard steps."""
    use_refresh()
    f = frames(model)
    shown = [n for n in f.platform_names if n in f.launched] if f.launched else f.platform_names
    VegaChart(lambda: series_spec(series, f.platforms, shown, f.start_date, f.events),
              name=series.name, version=f.serial)


SERIES_BY_NAME: dict[str, Series] = {s.name: s for s in SERIES}


# One module-level component per panel (the page calls each with the model alone; real
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


@solara.component
def FeeLeversPanel(model):
    """Referral fee and coupon rate per platform."""
    SeriesPanel(model, SERIES_BY_NAME["fee_levers"])


@solara.component
def AdSlotsPanel(model):
    """Sponsored slots per platform."""
    SeriesPanel(model, SERIES_BY_NAME["ad_slots"])


SERIES_PANELS = (GmvSharePanel, ActiveConsumersPanel, SellersPanel, TakeRatePanel, AvgCpcPanel,
                 PriceIndexPanel, FeeLeversPanel, AdSlotsPanel)
