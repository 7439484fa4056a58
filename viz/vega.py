"""Vega-Lite specs as plain dicts, and the Solara component that draws one in the browser.

The charts are drawn by the browser (Vega, SVG), so a render costs the server only building a
small JSON spec: a few milliseconds per chart against ~60 ms for a Matplotlib PNG here. Specs are
written by hand rather than through Altair, whose validation and data conversion cost ~20 ms per
chart per step.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import solara
import solara.widgets

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
CHART_HEIGHT = 300


def base_spec(title: str, subtitle: str, *, height: int = CHART_HEIGHT,
              width: int | str = "container") -> dict[str, Any]:
    """The frame every chart shares: title and subtitle, size, no export menu."""
    return {
        "$schema": SCHEMA,
        "title": {"text": title, "subtitle": subtitle, "anchor": "start", "fontSize": 14,
                  "subtitleColor": "#555"},
        "width": width,
        "height": height,
        "autosize": {"type": "fit", "contains": "padding"},
        "usermeta": {"embedOptions": {"actions": False, "renderer": "svg"}},
        "config": {"legend": {"orient": "bottom", "title": None, "labelLimit": 120},
                   "axis": {"labelFontSize": 10, "titleFontSize": 11}},
    }


@solara.component
def VegaChart(make_spec: Callable[[], dict[str, Any]], name: str, version: Hashable):
    """Draw the spec ``make_spec()`` with Vega in the browser; the wrapper carries CSS classes.

    The spec is built and handed to the chart widget in an effect that runs only when
    ``version`` changes (once per model day), instead of being passed as an element argument:
    Solara walks every element argument on each render pass, and a spec carries thousands of
    data rows, which made a Step several times slower.
    """
    chart = solara.use_memo(solara.widgets.VegaLite, [])

    def push() -> None:
        chart.spec = make_spec()

    def close_on_unmount():
        return chart.close

    solara.use_effect(push, [version])
    solara.use_effect(close_on_unmount, [])
    solara.Div(children=[chart], classes=["flywheel-chart", f"flywheel-chart-{name}"],
               style={"width": "100%"})
