"""A resolved configuration written back as TOML: every value a run used, in one file.

Results record this alongside the scenario file's hash, so a run can be read, compared and
re-run from its own record (``load_scenario`` reads the file back to the same configuration).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from pathlib import Path
from typing import Any

from model.config.scenario import MarketConfig


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_scalar(v)}" for k, v in value.items()
                                if v is not None) + " }"
    raise TypeError(f"cannot write {value!r} as TOML")


def _key(key: str) -> str:
    bare = key.replace("_", "").replace("-", "").isalnum() and key.isascii()
    return key if bare else json.dumps(key)


def _is_table_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _write_table(data: dict[str, Any], path: list[str], lines: list[str]) -> None:
    plain = {k: v for k, v in data.items() if v is not None and not isinstance(v, dict)
             and not _is_table_list(v)}
    for key, value in plain.items():
        lines.append(f"{_key(key)} = {_scalar(value)}")
    for key, value in data.items():
        if isinstance(value, dict):
            if all(isinstance(v, dict) for v in value.values()) and value:
                for name, entry in value.items():
                    lines.extend(["", "[" + ".".join(map(_key, [*path, key, name])) + "]"])
                    _write_table(entry, [*path, key, name], lines)
            else:
                lines.extend(["", "[" + ".".join(map(_key, [*path, key])) + "]"])
                _write_table(value, [*path, key], lines)
        elif _is_table_list(value):
            for item in value:
                lines.extend(["", "[[" + ".".join(map(_key, [*path, key])) + "]]"])
                _write_table(item, [*path, key], lines)


def config_to_toml(config: MarketConfig) -> str:
    """Every field of ``config`` as a TOML document that loads back to the same configuration.

    >>> import tomllib
    >>> from model.config import config_from_dict, load_scenario
    >>> cfg = load_scenario("apparel_fee_cut")
    >>> config_from_dict(tomllib.loads(config_to_toml(cfg))) == cfg
    True
    """
    lines: list[str] = []
    _write_table(dataclasses.asdict(config), [], lines)
    return "\n".join(lines).strip() + "\n"


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes (a scenario file's identity in results)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
