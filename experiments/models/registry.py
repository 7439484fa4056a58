"""The registry of model functions a sweep, calibration or run may name.

Sweep and calibration files are data shared between researchers, so a model is chosen by name
from this registry, never imported from a string in a file. The registry holds the real
agent-based model (:func:`experiments.models.market.simulate`) and the documented toys of
:mod:`experiments.models.toy`. A researcher adds their own function from Python with
:func:`register_model`; it must have the call shape ``(scenario, params, seed, steps) ->
dict[str, DataFrame]`` and may carry a ``validate(scenario, params)`` attribute.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

DEFAULT_MODEL = "experiments.runs:simulate"

ModelFn = Callable[[str, Mapping[str, Any], int, int], dict[str, pd.DataFrame]]
Validator = Callable[[str, Mapping[str, Any]], None]

#: Built-in models: name -> (module, function), imported only from this fixed table. The names
#: are recorded with every run and are part of its identity, so they stay as they are when
#: the modules behind them move.
BUILTIN_MODELS: dict[str, tuple[str, str]] = {
    DEFAULT_MODEL: ("experiments.models.market", "simulate"),
    "experiments.toy:market": ("experiments.models.toy", "market"),
    "experiments.toy:market_targets": ("experiments.models.toy", "market_targets"),
    "experiments.toy:ishigami": ("experiments.models.toy", "ishigami"),
    "experiments.toy:linear": ("experiments.models.toy", "linear"),
    # theory base scenarios
    "experiments.theory:simulate": ("experiments.theory.predictions", "simulate"),
}
_REGISTERED: dict[str, ModelFn] = {}


class ModelSpecError(ValueError):
    """The model name is not in the registry."""


def register_model(name: str, fn: ModelFn) -> None:
    """Make ``fn`` available to sweeps and runs as ``model = "<name>"``.

    Call it in the Python process that drives the sweep (before ``run_plan`` or
    ``cmd_sweep``); the function travels to the workers by reference, so it must live in an
    importable module (or in the driving script, for process pools and Dask).
    """
    if not isinstance(name, str) or not name or name in BUILTIN_MODELS:
        raise ModelSpecError(f"model name {name!r}: must be a new non-empty string "
                             f"(built-in: {', '.join(BUILTIN_MODELS)})")
    if not callable(fn):
        raise ModelSpecError(f"model {name!r}: {fn!r} is not callable")
    _REGISTERED[name] = fn


def known_models() -> list[str]:
    """Names a sweep file may give as ``model``."""
    return [*BUILTIN_MODELS, *_REGISTERED]


def resolve_model(ref: str) -> ModelFn:
    """The registered function called ``ref`` (raises :class:`ModelSpecError` otherwise)."""
    if isinstance(ref, str) and ref in _REGISTERED:
        return _REGISTERED[ref]
    if not isinstance(ref, str) or ref not in BUILTIN_MODELS:
        raise ModelSpecError(f"model = {ref!r}: not a registered model; allowed: "
                             f"{', '.join(known_models())} (register others from Python with "
                             "experiments.models.register_model)")
    module_name, attr = BUILTIN_MODELS[ref]
    return getattr(importlib.import_module(module_name), attr)


def _scenario_data(scenario: str) -> dict[str, Any]:
    """A scenario file parsed once per version (validating many design points re-uses it)."""
    from model.config.scenario import scenario_path

    path = scenario_path(scenario)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = 0
    return _parse_scenario(str(path), stamp)


@functools.lru_cache(maxsize=8)
def _parse_scenario(path: str, stamp: int) -> dict[str, Any]:
    import tomllib

    from model.config.scenario import ConfigError

    try:
        data = tomllib.loads(Path(path).read_text())
    except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"scenario = {path!r}: cannot be read ({exc})") from exc
    data.setdefault("name", Path(path).stem)
    return data


def _validate_real(scenario: str, params: Mapping[str, Any]) -> Any:
    """Validate overrides against the real scenario configuration (raises ``ConfigError``);
    return the configuration."""
    from model.config.scenario import config_from_dict

    return config_from_dict(_scenario_data(scenario), overrides=dict(params))


def validator_for(ref: str) -> Validator | None:
    """A model's parameter validator: the real config loader, or the function's ``validate``."""
    if ref == DEFAULT_MODEL:
        return _validate_real
    return getattr(resolve_model(ref), "validate", None)


def default_steps(model: str, scenario: str, overrides: dict[str, Any]) -> int:
    """The scenario's own run length for the real model; 100 for other models."""
    if model != DEFAULT_MODEL:
        return 100
    from model.config import load_scenario

    return int(load_scenario(scenario, overrides=overrides).steps)


def scenario_digest(ref: str, scenario: str) -> str:
    """SHA-256 of the real model's scenario file (``""`` for other models): part of each run's
    identity, so an edited scenario file never passes for the one old results were made with."""
    if ref != DEFAULT_MODEL:
        return ""
    from model.config.resolved_toml import file_sha256
    from model.config.scenario import ConfigError, scenario_path

    try:
        return file_sha256(scenario_path(scenario))
    except ConfigError:
        return ""  # an unknown scenario is reported by validation, naming it


def resolved_config(ref: str, scenario: str, params: Mapping[str, Any]) -> str | None:
    """The configuration a run of the real model uses, as TOML (``None`` for other models)."""
    if ref != DEFAULT_MODEL:
        return None
    from warnings import catch_warnings, simplefilter

    from model.config.resolved_toml import config_to_toml
    from model.config.scenario import load_scenario

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
    from model.config.scenario import list_scenarios

    return [name for name, _story in list_scenarios()]
