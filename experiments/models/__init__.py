"""The models a run may call, and the registry that names them.

:mod:`~experiments.models.registry` is the fixed table of model functions a sweep, calibration
or run may name (plus those a researcher registers from Python with ``register_model``);
:mod:`~experiments.models.market` is the real agent-based model seen as a pure function
``(scenario, params, seed, steps) -> tables``; :mod:`~experiments.models.toy` holds the cheap
documented test functions (Ishigami, linear, a toy market with and without targets). The
registry's public names are re-exported here (``from experiments.models import
register_model``); code inside the project imports them from the registry module itself.
"""

from experiments.models.registry import (
    BUILTIN_MODELS,
    DEFAULT_MODEL,
    ModelFn,
    ModelSpecError,
    Validator,
    known_models,
    register_model,
    resolve_model,
)

__all__ = ["BUILTIN_MODELS", "DEFAULT_MODEL", "ModelFn", "ModelSpecError", "Validator",
           "known_models", "register_model", "resolve_model"]
