"""Logistics: delivery time and a unit cost that falls with volume (scale economies)."""

from __future__ import annotations

import numpy as np


def unit_cost(volume: float | np.ndarray, reference_cost: float, reference_volume: float,
              elasticity: float, floor_share: float = 0.35) -> float | np.ndarray:
    """Cost of delivering one unit at a daily ``volume``.

    ``cost = reference_cost * (volume / reference_volume) ** -elasticity``, never below
    ``floor_share`` of the reference cost nor above three times it.

    >>> round(unit_cost(4000, 4.0, 1000, 0.15), 3)
    3.249
    """
    ratio = np.maximum(np.asarray(volume, dtype=float), 1.0) / reference_volume
    cost = reference_cost * ratio ** (-elasticity)
    cost = np.clip(cost, floor_share * reference_cost, 3.0 * reference_cost)
    return float(cost) if np.ndim(cost) == 0 else cost


def delivery_days(initial: float, floor: float, invested: float, scale: float) -> float:
    """Delivery days after ``invested`` USD in warehouses and delivery network.

    Each dollar closes part of the remaining gap to ``floor`` (diminishing returns): the
    gap shrinks by a factor e for every ``scale`` invested.

    >>> round(delivery_days(8.0, 1.0, 1e6, 1e6), 2)
    3.58
    >>> delivery_days(8.0, 1.0, 0.0, 1e6)
    8.0
    """
    if initial <= floor:
        return initial
    return floor + (initial - floor) * float(np.exp(-invested / scale))
