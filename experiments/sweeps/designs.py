"""Design points for a sweep: full grid, Latin hypercube, Morris trajectories, Sobol' (Saltelli).

LHS, Morris and Sobol' samples come from SALib so that :mod:`experiments.sweeps.sensitivity` can
analyse them with the matching SALib method. Sampling is seeded from the sweep's base seed, so the
same sweep file always yields the same points.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from experiments.sweeps.spec import ParamSpec, SweepSpec

#: Offset that keeps the design's random stream apart from the runs' seed stream.
DESIGN_STREAM = 0xD5


def salib_problem(params: tuple[ParamSpec, ...] | list[ParamSpec]) -> dict[str, Any]:
    """The SALib ``problem`` dict for numeric-range parameters."""
    return {
        "num_vars": len(params),
        "names": [p.name for p in params],
        "bounds": [[p.low, p.high] for p in params],
    }


def design_seed(base_seed: int) -> int:
    """Seed for the design sampler, derived from (but independent of) the run seeds."""
    return int(np.random.SeedSequence([base_seed, DESIGN_STREAM]).generate_state(1)[0])


def _grid_axis(p: ParamSpec) -> list[Any]:
    if p.values is not None:
        return list(p.values)
    assert p.low is not None and p.high is not None and p.num is not None
    axis = np.linspace(p.low, p.high, p.num)
    if p.kind == "int":
        return list(dict.fromkeys(int(round(v)) for v in axis))
    return [float(v) for v in axis]


def _to_points(params: tuple[ParamSpec, ...], x: np.ndarray) -> list[dict[str, Any]]:
    points = []
    for row in x:
        point: dict[str, Any] = {}
        for p, v in zip(params, row, strict=True):
            point[p.name] = int(round(float(v))) if p.kind == "int" else float(v)
        points.append(point)
    return points


def sample_design(spec: SweepSpec) -> tuple[np.ndarray | None, list[dict[str, Any]]]:
    """Return the raw sample matrix (``None`` for grids) and one parameter dict per design point."""
    params = spec.parameters
    if spec.design == "grid":
        axes = [_grid_axis(p) for p in params]
        points = [dict(zip([p.name for p in params], combo, strict=True))
                  for combo in itertools.product(*axes)]
        return None, points
    from SALib.sample import latin, morris, sobol  # heavy (scipy): only for sampled designs

    problem = salib_problem(params)
    seed = design_seed(spec.seed)
    n = int(spec.samples or 1)
    if spec.design == "lhs":
        x = latin.sample(problem, n, seed=seed)
    elif spec.design == "morris":
        x = morris.sample(problem, n, num_levels=spec.levels, seed=seed)
    elif spec.design == "sobol":
        x = sobol.sample(problem, n, calc_second_order=spec.second_order, scramble=True, seed=seed)
    else:  # pragma: no cover - the spec parser refuses other designs
        raise ValueError(f"unknown design {spec.design!r}")
    return np.asarray(x, dtype=float), _to_points(params, x)
