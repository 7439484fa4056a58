"""Cross-field checks of a whole scenario that per-field bounds cannot express.

Names must be distinct (a duplicate category or region would silently merge or shadow another),
shares and weights must leave something to draw, a target's window must not end before it
starts, a coupon scheduled by an event obeys the same ceiling as a configured one (a coupon worth
the whole price pays consumers to shop), and the model must fit in the machine's memory.
"""

from __future__ import annotations

import os
from typing import Any

from model.config.params import ConfigError

#: Measured peak resident memory per consumer (numpy state, Mesa agent, network share) and per
#: initial seller (arrays grow with entry), with headroom; ``flywheel`` at 2 platforms measured
#: ~450 and ~1,550 bytes (2026-12, Python 3.12, Mesa 3.5).
BYTES_PER_CONSUMER = 600
BYTES_PER_SELLER = 2_000
#: Interpreter, Mesa, numpy and pandas, plus the day's temporary arrays.
BASE_BYTES = 200 * 2**20


def _distinct(key: str, names: list[str]) -> None:
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(f"{key} = {names!r}: names must be distinct ({dupes[0]!r} repeats)")


def _positive_total(key: str, values: dict[str, float]) -> None:
    if values and sum(values.values()) <= 0:
        raise ConfigError(f"{key} = {values!r}: at least one must be above 0")


def estimate_bytes(config: Any) -> int:
    """Peak memory of one model run of ``config`` (consumers, sellers, daily records)."""
    n_platforms = max(1, len(config.platforms))
    records = config.steps * n_platforms * 20 * 8 * 2  # metric arrays, doubled when they grow
    return int(BASE_BYTES + config.consumers.n_consumers * BYTES_PER_CONSUMER
               + config.sellers.n_sellers * BYTES_PER_SELLER + records)


def machine_memory() -> int:
    """Physical memory of this machine in bytes (0 when the system does not say)."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 0


def check_fits(config: Any, copies: int = 1, what: str = "") -> None:
    """Refuse a model (``copies`` at once) whose estimated memory exceeds the machine's."""
    need, have = estimate_bytes(config) * copies, machine_memory()
    if have and need > have:
        times = f" x {copies} workers" if copies > 1 else ""
        raise ConfigError(
            f"consumers.n_consumers = {config.consumers.n_consumers}, sellers.n_sellers = "
            f"{config.sellers.n_sellers}{what}: needs about {need / 2**30:.1f} GB{times} "
            f"(~{BYTES_PER_CONSUMER} bytes per consumer, ~{BYTES_PER_SELLER} per seller), "
            f"more than this machine's {have / 2**30:.1f} GB")


def check_scenario(config: Any, coupon_ceiling: float) -> None:
    """Cross-field checks of a :class:`~model.config.scenario.MarketConfig` (raises ConfigError)."""
    _distinct("categories", [c.name for c in config.categories])
    if not config.regions:
        raise ConfigError("regions = []: at least one region is required")
    _distinct("regions", [r.name for r in config.regions])
    _positive_total("categories.weight", {c.name: c.weight for c in config.categories})
    _positive_total("regions.share", {r.name: r.share for r in config.regions})
    for i, target in enumerate(config.targets):
        if target.end and target.end < target.start:
            raise ConfigError(f"targets[{i}].end = {target.end}: must be >= start "
                              f"({target.start}), or 0 for the end of the run")
        if target.low > target.high:
            raise ConfigError(f"targets[{i}].low = {target.low}: must be <= high "
                              f"({target.high})")
    for i, event in enumerate(config.events):
        if event.kind == "coupon_change" and event.value > coupon_ceiling:
            raise ConfigError(f"events[{i}].value = {event.value!r}: a coupon_change rate "
                              f"must be a share of price in [0, {coupon_ceiling}]")
    check_fits(config)
