"""Scheduled events as addressable configuration: names, and overrides that events shadow.

Every event has a name, so that each of its fields is a dotted key like any parameter
(``events.apparel_cut.day = 200``) in ``--set``, in sweep files and in ``MarketModel``'s
keyword arguments. A scenario may name an event (``name = "apparel_cut"``); otherwise it is
called ``KIND_DAY`` after its kind and its day in the scenario file (``fee_change_367``),
with ``_PLATFORM`` added when two events share kind and day. The default name is taken
before overrides apply, so moving an event's day does not rename it.

The rule for overrides and events: an override sets a lever's value from day 0; an event that
changes the same lever later replaces it on its day. Such an override is *shadowed* from then
on, and the run says so up front, naming both; to change the value after the event, override
the event's own field (``events.NAME.FIELD``).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any


class ShadowedOverrideWarning(UserWarning):
    """An override sets a platform lever that a scheduled event later resets."""


# Platform fields each kind of event sets, as (platform field, event field).
EVENT_LEVERS: dict[str, tuple[tuple[str, str], ...]] = {
    "fee_change": (("referral_fee", "referral_fee"), ("fee_tiers", "fee_tiers"),
                   ("fulfilment_markup", "fulfilment_markup"), ("monthly_fee", "monthly_fee"),
                   ("ad_slots", "ad_slots"), ("ad_reserve_cpc", "ad_reserve_cpc"),
                   ("storage_fee", "storage_fee")),
    "marketing_change": (("marketing_spend", "value"),),
    "coupon_change": (("coupon_rate", "value"),),
}


def default_event_name(event: Mapping[str, Any], clash: bool) -> str:
    """``KIND_DAY`` (``_PLATFORM`` added when another event has the same kind and day).

    >>> default_event_name({"kind": "fee_change", "day": 367, "platform": "incumbent"}, False)
    'fee_change_367'
    """
    name = f"{event.get('kind', 'fee_change')}_{event.get('day', 1)}"
    return f"{name}_{event.get('platform', '')}" if clash else name


def name_events(events: Any) -> Any:
    """The scenario's event tables with a ``name`` filled in where the file gives none."""
    if not isinstance(events, list) or not all(isinstance(e, Mapping) for e in events):
        return events  # the type error is reported by validation, naming the key
    stems = [default_event_name(e, False) for e in events]
    named = []
    for event, stem in zip(events, stems, strict=True):
        if not event.get("name"):
            event = {**event, "name": default_event_name(event, stems.count(stem) > 1)}
        named.append(event)
    return named


def shadowed_overrides(data: Mapping[str, Any], overrides: Mapping[str, Any]) -> list[str]:
    """One message per override of a platform lever that a scheduled event (within the run's
    horizon) later resets, naming the first such event.

    ``data`` is the scenario after the overrides were applied (events named).
    """
    messages = []
    events = [e for e in data.get("events") or [] if isinstance(e, Mapping)]
    horizon = data.get("steps", 365)
    for key in overrides:
        parts = key.split(".")
        if len(parts) != 3 or parts[0] != "platforms":
            continue
        platform, field = parts[1], parts[2]
        resets = sorted(
            ((event.get("day", 1), event, source) for event in events
             if event.get("platform") == platform and event.get("day", 1) <= horizon
             for lever, source in EVENT_LEVERS.get(event.get("kind", "fee_change"), ())
             if lever == field and event.get(source) is not None),
            key=lambda item: item[0])
        if not resets:
            continue
        day, first, source = resets[0]
        later = f" (and {len(resets) - 1} later event(s))" if len(resets) > 1 else ""
        messages.append(
            f"{key} is overridden, but event {first['name']!r} ({first.get('kind')}, day {day})"
            f"{later} sets {field} = {first[source]!r}: the override holds only until day "
            f"{day}; to change the value after it, set events.{first['name']}.{source}")
    return messages


def warn_shadowed(data: Mapping[str, Any], overrides: Mapping[str, Any]) -> None:
    """Issue a :class:`ShadowedOverrideWarning` for each shadowed override."""
    for message in shadowed_overrides(data, overrides):
        warnings.warn(message, ShadowedOverrideWarning, stacklevel=3)
