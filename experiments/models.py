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


def scenario_digest(ref: str, scenario: str) -> str:
    """SHA-256 of the real model's scenario file (``""`` for other models): part of each run's
    identity, so an edited scenario file never passes for the one old results were made with."""
    if ref != DEFAULT_MODEL:
        return ""
    from model.config import ConfigError, scenario_path
    from model.config_toml import file_sha256

    try:
        return file_sha256(scenario_path(scenario))
    except ConfigError:
        return ""  # an unknown scenario is reported by validation, naming it


def resolved_config(ref: str, scenario: str, params: Mapping[str, Any]) -> str | None:
    """The configuration a run of the real model uses, as TOML (``None`` for other models)."""
    if ref != DEFAULT_MODEL:
        return None
    from warnings import catch_warnings, simplefilter

    from model.config import load_scenario
    from model.config_toml import config_to_toml

    with catch_warnings():
        simplefilter("ignore")  # warnings about the overrides are reported by the plan
        return config_to_toml(load_scenario(scenario, overrides=dict(params)))


PROVENANCE_PACKAGES = ("numpy", "mesa", "pandas", "pyarrow", "scipy", "SALib", "dask")


def package_versions() -> dict[str, str]:
    """Versions of the packages results depend on (``"-"`` when one is not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for name in PROVENANCE_PACKAGES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "-"
    return versions


def scenario_names(ref: str) -> list[str] | None:
    """Known scenario names for the model, or ``None`` when the model has no scenario list."""
    if ref != DEFAULT_MODEL:
        return None
    from model.config import list_scenarios

    return [name for name, _story in list_scenarios()]
