"""Resolve a model given as ``module:function`` and find how to validate its parameters.

The default model is the real agent-based model, :func:`experiments.runs.simulate`. Any other
importable function with the same call shape ``(scenario, params, seed, steps) -> dict[str,
DataFrame]`` can be swept by the same pipeline (the toys in :mod:`experiments.toy`, for instance).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

DEFAULT_MODEL = "experiments.runs:simulate"

ModelFn = Callable[[str, Mapping[str, Any], int, int], dict[str, pd.DataFrame]]
Validator = Callable[[str, Mapping[str, Any]], None]

class ModelSpecError(ValueError):
    """The model reference cannot be resolved to a callable."""


def resolve_model(ref: str) -> ModelFn:
    """Import ``module:function`` and return the function."""
    if ":" not in ref:
        raise ModelSpecError(f"model {ref!r} must look like 'package.module:function'")
    module_name, _, attr = ref.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ModelSpecError(f"model {ref!r}: cannot import module {module_name!r} ({exc})"
                             ) from exc
    fn = getattr(module, attr, None)
    if not callable(fn):
        raise ModelSpecError(f"model {ref!r}: module {module_name!r} has no function {attr!r}")
    return fn


def _validate_real(scenario: str, params: Mapping[str, Any]) -> None:
    """Validate overrides against the real scenario configuration (raises ``ConfigError``)."""
    from model.config import load_scenario

    load_scenario(scenario, overrides=dict(params))


def validator_for(ref: str) -> Validator | None:
    """A model's parameter validator: the real config loader, or the function's ``validate``."""
    if ref == DEFAULT_MODEL:
        return _validate_real
    return getattr(resolve_model(ref), "validate", None)


def scenario_names(ref: str) -> list[str] | None:
    """Known scenario names for the model, or ``None`` when the model has no scenario list."""
    if ref != DEFAULT_MODEL:
        return None
    from model.config import list_scenarios

    return [name for name, _story in list_scenarios()]
