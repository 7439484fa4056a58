"""Toy models with the same call shape as :func:`experiments.models.market.simulate`.

A model is any importable ``module:function`` taking ``(scenario, params, seed, steps)`` and
returning a ``dict[str, pandas.DataFrame]``. The toys here exercise the experiment pipeline
without the full agent-based model: :func:`ishigami` has analytically known Sobol' indices;
:func:`market` produces tables shaped like the real model's outputs (platforms, migration,
seller_profit) and can be made slow, noisy or failing on purpose.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

ISHIGAMI_A = 7.0
ISHIGAMI_B = 0.1
#: Analytic first-order and total Sobol indices of the Ishigami function for a=7, b=0.1.
ISHIGAMI_S1 = (0.3139, 0.4424, 0.0)
ISHIGAMI_ST = (0.5576, 0.4424, 0.2437)

MARKET_PARAMS: dict[str, float] = {
    "price_sensitivity": 2.0,
    "referral_fee": 0.15,
    "noise": 0.05,
    "n_platforms": 3,
    "sleep": 0.0,
    "work": 0.0,
    "fail_above": math.inf,
}
PLATFORM_NAMES = ("incumbent", "managed", "content", "fashion", "auction")


class ToyConfigError(ValueError):
    """Raised by the toy validators for an unknown or out-of-range parameter."""


def ishigami(scenario: str, params: Mapping[str, Any], seed: int,
             steps: int) -> dict[str, pd.DataFrame]:
    """Ishigami function of ``x1, x2, x3`` (each in [-pi, pi]); deterministic, one output row."""
    x1, x2, x3 = (float(params[k]) for k in ("x1", "x2", "x3"))
    y = math.sin(x1) + ISHIGAMI_A * math.sin(x2) ** 2 + ISHIGAMI_B * x3**4 * math.sin(x1)
    return {"output": pd.DataFrame({"step": [0], "y": [y]})}


def validate_ishigami(scenario: str, params: Mapping[str, Any]) -> None:
    """Refuse parameters other than x1, x2, x3."""
    for key in params:
        if key not in ("x1", "x2", "x3"):
            raise ToyConfigError(f"unknown parameter {key!r}; allowed: x1, x2, x3")


ishigami.validate = validate_ishigami  # type: ignore[attr-defined]


def _busy(seconds: float) -> None:
    """Burn about ``seconds`` of this process's CPU time (a stand-in for model work)."""
    end = time.process_time() + seconds
    x = 0.0
    while time.process_time() < end:
        for i in range(2000):
            x += math.sqrt(i)


def market(scenario: str, params: Mapping[str, Any], seed: int,
           steps: int) -> dict[str, pd.DataFrame]:
    """A stochastic toy market: shares drift with fees and price sensitivity plus seeded noise.

    Extra knobs for testing the runner: ``sleep`` (seconds of idle time), ``work`` (seconds of CPU
    time), ``fail_above`` (raise when ``price_sensitivity`` exceeds it).
    """
    p = {**MARKET_PARAMS, **params}
    if float(p["price_sensitivity"]) > float(p["fail_above"]):
        raise RuntimeError(f"toy market refuses price_sensitivity={p['price_sensitivity']}")
    if p["sleep"]:
        time.sleep(float(p["sleep"]))
    if p["work"]:
        _busy(float(p["work"]))
    rng = np.random.default_rng(seed)
    n = int(p["n_platforms"])
    names = PLATFORM_NAMES[:n]
    fees = np.array([float(p["referral_fee"])] + [0.05 + 0.02 * i for i in range(1, n)])
    attract = np.zeros(n)
    sellers = np.full(n, 100.0)
    rows: list[dict[str, Any]] = []
    moves: list[dict[str, Any]] = []
    for step in range(steps):
        pull = 0.01 * (attract - 1.0 / (1 + np.arange(n)))
        attract += rng.normal(0.0, float(p["noise"]), n) - pull
        utility = attract - float(p["price_sensitivity"]) * fees
        share = np.exp(utility) / np.exp(utility).sum()
        target = 300.0 * share
        flow = 0.05 * (target - sellers)
        sellers = np.maximum(sellers + flow, 1.0)
        consumers = rng.poisson(1000 * share)
        gmv = consumers * 25.0 * (1 + rng.normal(0, 0.02, n))
        for i, name in enumerate(names):
            rows.append(
                {
                    "step": step,
                    "platform": name,
                    "active_consumers": int(consumers[i]),
                    "orders": int(consumers[i]),
                    "gmv": float(gmv[i]),
                    "gmv_share": float(gmv[i] / max(gmv.sum(), 1e-9)),
                    "sellers": float(sellers[i]),
                    "take_rate": float(fees[i] + 0.1),
                    "avg_cpc": float(0.5 + 0.01 * step * share[i]),
                    "profit": float(gmv[i] * fees[i] - 100),
                }
            )
        src, dst = int(np.argmin(flow)), int(np.argmax(flow))
        if src != dst:
            moves.append(
                {"step": step, "from_platform": names[src], "to_platform": names[dst],
                 "sellers": int(rng.poisson(abs(flow[src]) + 0.5))}
            )
    platforms = pd.DataFrame(rows)
    platforms["hhi"] = platforms.groupby("step")["gmv_share"].transform(lambda s: (s**2).sum())
    migration = pd.DataFrame(moves, columns=["step", "from_platform", "to_platform", "sellers"])
    seller_profit = pd.DataFrame(
        {"step": np.repeat(np.arange(steps), 2), "kind": ["factory", "trader"] * steps,
         "profit": rng.normal(10, 1, 2 * steps)}
    )
    return {"platforms": platforms, "migration": migration, "seller_profit": seller_profit}


def validate_market(scenario: str, params: Mapping[str, Any]) -> None:
    """Refuse unknown toy-market parameters and negative values."""
    for key, value in params.items():
        if key not in MARKET_PARAMS:
            raise ToyConfigError(f"unknown parameter {key!r}; allowed: {', '.join(MARKET_PARAMS)}")
        if not isinstance(value, int | float) or value < 0:
            raise ToyConfigError(f"parameter {key!r}={value!r}: must be a number >= 0")


market.validate = validate_market  # type: ignore[attr-defined]


LINEAR_COEFFICIENTS = {"x1": 3.0, "x2": 1.0, "x3": 0.0}


def linear(scenario: str, params: Mapping[str, Any], seed: int,
           steps: int) -> dict[str, pd.DataFrame]:
    """``y = 3 x1 + x2 + 0 x3`` plus optional seeded noise ``params['noise']`` (default 0)."""
    y = sum(c * float(params.get(k, 0.0)) for k, c in LINEAR_COEFFICIENTS.items())
    y += float(params.get("noise", 0.0)) * np.random.default_rng(seed).normal()
    return {"output": pd.DataFrame({"step": [0], "y": [y]})}


#: The reported figures of the calibration toy (:func:`market_targets`): the incumbent's
#: mean GMV share is near 0.26 for a referral fee near 0.3 (it falls with the fee), and
#: its take rate (fee + 0.1) stays under 0.5 for fees up to 0.4.
TOY_TARGETS = (
    {"label": "Incumbent GMV share about 0.26", "metric": "gmv_share",
     "platform": "incumbent", "measure": "mean", "low": 0.22, "high": 0.30, "value": 0.26,
     "reported": "0.26 (toy)"},
    {"label": "Incumbent take rate under 0.5", "metric": "take_rate",
     "platform": "incumbent", "measure": "final", "high": 0.5, "reported": "< 0.5 (toy)"},
)
#: The calibration toy's defaults: the toy market's, with little noise (so that the GMV
#: share falls with the referral fee on every seed).
TARGETS_DEFAULTS: dict[str, float] = {**MARKET_PARAMS, "noise": 0.005}


def market_targets(scenario: str, params: Mapping[str, Any], seed: int,
                   steps: int) -> dict[str, pd.DataFrame]:
    """The toy :func:`market` with a ``targets`` table scored as the real model's are
    (:func:`model.accounting.targets.evaluate` over :data:`TOY_TARGETS`): a cheap model to
    calibrate."""
    from model.accounting.targets import evaluate
    from model.config.scenario import TargetConfig

    tables = market(scenario, {**TARGETS_DEFAULTS, **params}, seed, steps)
    targets = [TargetConfig(**t) for t in TOY_TARGETS]
    tables["targets"] = evaluate(targets, tables["platforms"])
    return tables


market_targets.validate = validate_market  # type: ignore[attr-defined]
market_targets.defaults = TARGETS_DEFAULTS  # type: ignore[attr-defined]
