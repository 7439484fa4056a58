"""What makes :class:`~model.market.market_model.MarketState` usable with Mesa's own tools.

* ``model.datacollector`` is a :class:`mesa.DataCollector` whose model reporters read the
  day's row of the numpy recorder (``model.recorder``): one scalar per platform and metric,
  named ``"<metric>[<platform>]"``, plus the market-wide ``hhi``. It costs next to nothing.
* The market's keyword arguments follow :func:`mesa.batch_run`'s call shape: a scenario name,
  a mapping of dotted overrides, or dotted keys given directly as keyword arguments, so that
  every configuration key can be a batch_run parameter.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from mesa import DataCollector

from model.accounting.metrics import PLATFORM_METRICS
from model.config.scenario import MarketConfig, config_from_dict, load_scenario

if TYPE_CHECKING:
    from model.market.state import MarketState

DEFAULT_SCENARIO = "flywheel"


def resolve_config(config: MarketConfig | str | None, scenario: str | None,
                   overrides: Mapping[str, Any] | None, settings: Mapping[str, Any]
                   ) -> MarketConfig:
    """The configuration a market is built from.

    ``config`` is a :class:`MarketConfig` (or a scenario name); ``scenario`` a scenario name or
    TOML path (a Mesa ``Scenario`` object there is ignored); ``overrides`` and ``settings``
    (the market's other keyword arguments) dotted keys such as ``"consumers.n_consumers"`` or
    ``"events.apparel_cut.day"``, applied in that order.

    >>> resolve_config(None, "flywheel", None, {"consumers.n_consumers": 300}).consumers.n_consumers
    300
    """
    if "seed" in settings:
        raise TypeError(f"MarketState(seed={settings['seed']!r}): this market is seeded with "
                        f"rng= (an int or a numpy Generator), e.g. "
                        f"MarketState(config, rng={settings['seed']!r})")
    if scenario is not None and not isinstance(scenario, str):
        scenario = None  # Mesa's own Scenario object (SolaraViz passes one on Reset): unused
    if isinstance(config, str):
        config, scenario = None, config if scenario is None else scenario
    if config is not None and scenario is not None:
        raise TypeError(f"MarketState(config, scenario={scenario!r}): give either a "
                        "configuration or a scenario name, not both")
    changes = {**(overrides or {}), **settings}
    if config is None:
        return load_scenario(scenario or DEFAULT_SCENARIO, changes)
    if not changes:
        return config
    return config_from_dict(dataclasses.asdict(config), changes)


def _recorded(market: MarketState, metric: str, platform: int) -> float:
    recorder = market.recorder
    if recorder.days == 0:
        return float("nan")
    return float(recorder.values[metric][recorder.days - 1, platform])


def market_datacollector(market: MarketState) -> DataCollector:
    """A Mesa DataCollector over the recorder: ``"gmv_share[incumbent]"``, ..., ``"hhi"``."""
    reporters: dict[str, Any] = {"hhi": [_recorded, [market, "hhi", 0]]}
    for metric in PLATFORM_METRICS:
        if metric == "hhi":
            continue
        for j, name in enumerate(market.platform_names):
            reporters[f"{metric}[{name}]"] = [_recorded, [market, metric, j]]
    return DataCollector(model_reporters=reporters)
