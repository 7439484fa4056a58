"""One simulation run: a named scenario, parameter overrides, a seed, a number of days.

:func:`simulate` is the model as the experiment layer sees it: a pure function from
(scenario, parameters, seed, steps) to output tables. Every sweep and replication calls it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from warnings import catch_warnings, simplefilter

import pandas as pd

from model.accounting.metrics import over_days_with_values
from model.accounting.targets import evaluate
from model.config.event_overrides import ShadowedOverrideWarning
from model.config.scenario import MarketConfig, load_scenario
from model.market.market_model import MarketModel
from model.market.warmup import WarmupReport


def build_model(scenario: str | MarketConfig, params: Mapping[str, Any] | None = None,
                seed: int = 0) -> MarketModel:
    """A fresh model for ``scenario`` with dotted-key ``params`` applied.

    Overrides shadowed by events are not warned about here: a plan reports them once, up
    front, rather than every run of a sweep.
    """
    if isinstance(scenario, MarketConfig):
        return MarketModel(scenario, rng=seed)
    with catch_warnings():
        simplefilter("ignore", ShadowedOverrideWarning)
        config = load_scenario(scenario, params)
    return MarketModel(config, rng=seed)


def simulate(scenario: str, params: Mapping[str, Any] | None = None, seed: int = 0,
             steps: int | None = None) -> dict[str, pd.DataFrame]:
    """Run ``scenario`` for ``steps`` days (default: the scenario's own) and return tables.

    Returns
    -------
    ``platforms`` (one row per day and platform), ``migration`` (seller moves per review,
    from -> to), ``seller_profit`` (daily profit by seller kind), ``events`` (shocks fired),
    ``targets`` (the scenario's reported figures against the run), ``wins`` (per platform at
    the end: shoppers, stores by seller kind, share of each category's GMV), ``warmup`` (the
    warm-up's length and whether the market was stationary at its end).
    """
    model = build_model(scenario, params, seed)
    model.run(steps if steps is not None else model.config.steps)
    return model_tables(model)


def model_tables(model: MarketModel) -> dict[str, pd.DataFrame]:
    """The output tables of a model that has run."""
    events = pd.DataFrame(model.event_log, columns=["step", "event"])
    platforms = model.platform_frame()
    return {
        "platforms": platforms,
        "migration": model.migration_frame(),
        "seller_profit": model.seller_profit_frame(),
        "events": events,
        "targets": evaluate(model.config.targets, platforms),
        "wins": model.wins_frame(),
        "warmup": warmup_frame(model.warmup),
    }


def warmup_frame(report: WarmupReport) -> pd.DataFrame:
    """One row: the warm-up's length and its MSER-5 diagnostic (model.market.warmup)."""
    judged = report.stationary is not None
    return pd.DataFrame([{
        "warmup_days": report.days,
        "leader": report.leader,
        "stores_truncation_days": report.sellers.days if judged else -1,
        "actives_truncation_days": report.active_consumers.days if judged else -1,
        "stationary": ("yes" if report.stationary else "no") if judged else "not judged",
        "diagnostic": report.describe(),
    }])


def summary_table(platforms: pd.DataFrame) -> pd.DataFrame:
    """End-of-run summary per platform: last day's state, last 30 days' flows; the ratios
    (take rate, CPC) are their mean over those of the 30 days that have a value."""
    last = platforms["step"].max()
    recent = platforms[platforms["step"] > last - 30]
    window = recent.groupby("platform", sort=False)
    flows = window[["orders", "gmv"]].sum()
    final = platforms[platforms["step"] == last].set_index("platform")
    table = pd.DataFrame({
        "active_consumers": final["active_consumers"],
        "sellers": final["sellers"],
        "multihoming": final["multihoming_sellers"],
        "gmv_30d": flows["gmv"],
        "gmv_share_30d": flows["gmv"] / flows["gmv"].sum(),
        "take_rate": window["take_rate"].agg(over_days_with_values),
        "avg_cpc": window["avg_cpc"].agg(over_days_with_values),
        "price_index": final["price_index"],
        "cash": final["cash"],
    })
    return table
