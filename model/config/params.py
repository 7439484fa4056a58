"""Typed, documented parameters and their validation.

Every configuration field is declared with :func:`param`, which records its unit, a
docstring and the values allowed. :func:`build` turns a plain mapping (parsed TOML) into
the dataclass, refusing unknown keys, wrong types and out-of-range values with a
:class:`ConfigError` that names the key, the value and what is allowed.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import types
import typing
from collections.abc import Mapping
from typing import Any


class ConfigError(ValueError):
    """A configuration value that the model refuses before any run starts."""


def param(
    default: Any,
    *,
    unit: str,
    doc: str,
    low: float | None = None,
    high: float | None = None,
    choices: tuple[str, ...] | None = None,
    source: str = "",
) -> Any:
    """Declare a configuration field with its unit, docstring and allowed range.

    Parameters
    ----------
    default : the default value (lists and dicts are copied per instance).
    unit : the unit in words, e.g. ``"USD per unit"`` or ``"share of price"``.
    doc : one sentence on what the parameter means in the market.
    low, high : inclusive bounds for numbers (elementwise for lists).
    choices : allowed values for strings.
    source : where the default comes from (SPEC figure or modelling choice).

    Numbers must be finite, except that a field whose default is infinite ("no limit", e.g. a
    price tier's ceiling) also accepts that same infinity.
    """
    no_limit = isinstance(default, float) and math.isinf(default)
    meta = {"unit": unit, "doc": doc, "low": low, "high": high, "choices": choices,
            "source": source, "no_limit": default if no_limit else None}
    if isinstance(default, list | dict):
        return dataclasses.field(default_factory=lambda: _copy(default), metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


def _copy(value: Any) -> Any:
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value


def _allowed(meta: Mapping[str, Any], type_name: str) -> str:
    if meta.get("choices"):
        return "one of " + ", ".join(repr(c) for c in meta["choices"])
    low, high = meta.get("low"), meta.get("high")
    if meta.get("no_limit") is not None:
        type_name = f"{type_name} (or {meta['no_limit']} for no limit)"
    article = "an" if type_name[:1] in "aeiou" else "a"
    if low is not None and high is not None:
        return f"{article} {type_name} in [{low}, {high}]"
    if low is not None:
        return f"{article} {type_name} >= {low}"
    if high is not None:
        return f"{article} {type_name} <= {high}"
    return f"{article} {type_name}"


def _check_number(key: str, value: Any, meta: Mapping[str, Any], kind: type) -> Any:
    name = kind.__name__
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{key} = {value!r}: expected {_allowed(meta, name)}")
    if kind is int and not float(value).is_integer():
        raise ConfigError(f"{key} = {value!r}: expected {_allowed(meta, name)}")
    if not math.isfinite(value) and value != meta.get("no_limit"):
        raise ConfigError(f"{key} = {value!r}: expected a finite number, "
                          f"{_allowed(meta, name)}")
    low, high = meta.get("low"), meta.get("high")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ConfigError(f"{key} = {value!r}: expected {_allowed(meta, name)}")
    return kind(value)


def check_value(key: str, value: Any, annotation: Any, meta: Mapping[str, Any]) -> Any:
    """Validate one value against its declared type and bounds; return it normalised."""
    origin = typing.get_origin(annotation)
    if annotation is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{key} = {value!r}: expected true or false")
        return value
    if annotation in (int, float):
        return _check_number(key, value, meta, annotation)
    if annotation is str:
        if not isinstance(value, str):
            raise ConfigError(f"{key} = {value!r}: expected {_allowed(meta, 'string')}")
        if meta.get("choices") and value not in meta["choices"]:
            raise ConfigError(f"{key} = {value!r}: expected {_allowed(meta, 'string')}")
        return value
    if origin is list:
        (item_type,) = typing.get_args(annotation)
        if not isinstance(value, list):
            raise ConfigError(f"{key} = {value!r}: expected a list")
        return [check_value(_item_key(key, i, v), v, item_type, meta)
                for i, v in enumerate(value)]
    if origin is dict:
        _, item_type = typing.get_args(annotation)
        if not isinstance(value, Mapping):
            raise ConfigError(f"{key} = {value!r}: expected a table of name = value")
        return {str(k): check_value(f"{key}.{k}", v, item_type, meta) for k, v in value.items()}
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if value is None:
            return None
        return check_value(key, value, args[0], meta)
    if dataclasses.is_dataclass(annotation):
        return build(annotation, value, prefix=key)
    return value


@functools.cache
def _type_hints(cls: type) -> dict[str, Any]:
    """Resolved field annotations of a configuration class (resolving them is slow)."""
    return typing.get_type_hints(cls)


def _item_key(key: str, index: int, item: Any) -> str:
    """``platforms.rival`` for named items, ``events[2]`` otherwise."""
    if isinstance(item, Mapping) and isinstance(item.get("name"), str):
        return f"{key}.{item['name']}"
    return f"{key}[{index}]"


def build[T](cls: type[T], data: Mapping[str, Any] | T, prefix: str = "") -> T:
    """Build and validate the dataclass ``cls`` from a mapping of field values.

    Examples
    --------
    >>> from model.config import ConsumerConfig
    >>> build(ConsumerConfig, {"n_consumers": 500}).n_consumers
    500
    """
    if isinstance(data, cls):
        data = dataclasses.asdict(data)
    if not isinstance(data, Mapping):
        raise ConfigError(f"{prefix or cls.__name__} = {data!r}: expected a table")
    hints = _type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        where = f"{prefix}." if prefix else ""
        raise ConfigError(
            f"unknown key {where}{unknown[0]} = {data[unknown[0]]!r}: allowed keys are "
            + ", ".join(sorted(fields))
        )
    values = {}
    for name, f in fields.items():
        if name in data:
            value = _merged_with_default(data[name], f, hints[name])
        elif f.default is not dataclasses.MISSING:
            value = f.default
        else:
            value = f.default_factory()
        key = f"{prefix}.{name}" if prefix else name
        values[name] = check_value(key, value, hints[name], f.metadata)
    obj = cls(**values)
    check = getattr(obj, "validate", None)
    if check is not None:
        check(prefix)
    return obj


def _table_of_tables(annotation: Any) -> type | None:
    """The dataclass ``D`` of a ``dict[str, D]`` annotation, else None."""
    if typing.get_origin(annotation) is dict:
        item = typing.get_args(annotation)[1]
        if dataclasses.is_dataclass(item):
            return item
    return None


def _merged_with_default(value: Any, f: dataclasses.Field, annotation: Any) -> Any:
    """A table of named tables (``sellers.kinds``) given in part keeps the default entries
    and fields it does not mention, so ``sellers.kinds.factory.unit_cost`` changes one number."""
    if _table_of_tables(annotation) is None or not isinstance(value, Mapping):
        return value
    if f.default_factory is dataclasses.MISSING:
        return value
    merged = f.default_factory()
    for key, entry in value.items():
        base = merged.get(key)
        if isinstance(base, Mapping) and isinstance(entry, Mapping):
            merged[key] = {**base, **entry}
        else:
            merged[key] = entry
    return merged


def describe(cls: type, prefix: str = "") -> list[dict[str, str]]:
    """Rows (key, type, unit, default, allowed, meaning, source) documenting ``cls``."""
    rows = []
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        key = f"{prefix}{f.name}"
        annotation = hints[f.name]
        if dataclasses.is_dataclass(annotation):
            rows.extend(describe(annotation, prefix=key + "."))
            continue
        item = typing.get_args(annotation)[0] if typing.get_origin(annotation) is list else None
        if item is not None and dataclasses.is_dataclass(item):
            rows.extend(describe(item, prefix=key + "[]."))
            continue
        table = _table_of_tables(annotation)
        if table is not None:
            for name, entry in f.default_factory().items():
                for row in describe(table, prefix=f"{key}.{name}."):
                    field_name = row["key"].rsplit(".", 1)[1]
                    if field_name in entry:
                        row["default"] = repr(entry[field_name])
                    rows.append(row)
            continue
        if not f.metadata:
            continue
        default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
        rows.append({
            "key": key,
            "type": getattr(annotation, "__name__", str(annotation)),
            "unit": f.metadata["unit"],
            "default": repr(default),
            "allowed": _allowed(f.metadata, getattr(annotation, "__name__", "value")),
            "meaning": f.metadata["doc"],
            "source": f.metadata.get("source") or "model choice",
        })
    return rows
