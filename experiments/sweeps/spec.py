"""Parse and validate a sweep file (TOML) before any run starts.

Layout (see ``experiments/sweeps/*.toml`` for complete examples)::

    [sweep]
    scenario = "flywheel"            # scenario name passed to the model
    model = "experiments.runs:simulate"   # optional: a registered model (experiments.models)
    design = "sobol"                 # grid | lhs | morris | sobol
    samples = 64                     # base sample size (lhs, morris trajectories, sobol N)
    replications = 2                 # runs per design point, common seeds across points
    steps = 60
    seed = 2024                      # base seed; every run's seed is spawned from it

    [fixed]                          # overrides applied to every run
    "consumers.n_consumers" = 1000

    [parameters]                     # dotted config keys to vary
    "platforms.incumbent.referral_fee" = { range = [0.05, 0.25] }          # num = k for grids
    "consumers.price_sensitivity" = { values = [1.0, 2.0, 4.0] }          # grid only

    [[metrics]]                      # scalar outputs per run
    name = "incumbent_share"
    table = "platforms"
    column = "gmv_share"
    where = { platform = "incumbent" }
    agg = "last"                     # last | first | mean | min | max | sum
    last_steps = 30                  # optional: only the final 30 steps

Every problem is reported with the section, the key, the offending value and what is allowed.
Parameter names and values are then checked against the model's configuration, and metric tables
and columns against a short probe run, by :mod:`experiments.pipeline.plan`, still before any run
starts.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from experiments.models.registry import DEFAULT_MODEL, ModelSpecError, resolve_model
from model.accounting.metrics import WINDOW_SUMMARIES

DESIGNS = ("grid", "lhs", "morris", "sobol")
AGGS = WINDOW_SUMMARIES  # over the steps that have a value
SWEEP_KEYS = {
    "name", "scenario", "model", "design", "samples", "replications", "steps", "seed",
    "second_order", "levels", "conf_level", "resamples",
}
TOP_KEYS = {"sweep", "fixed", "parameters", "metrics"}
PARAM_KEYS = {"range", "values", "num", "type"}
METRIC_KEYS = {"name", "table", "column", "where", "agg", "last_steps"}
#: Longest run accepted: 100 years of days (a typo such as 10**12 would never finish).
MAX_STEPS = 36_500
#: Most replications of one point, and most runs (points x replications) of one command.
MAX_REPLICATIONS = 10_000
MAX_RUNS = 1_000_000
#: Metric names become file and column names: letters, digits, '_', '-' and '.'.
METRIC_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")


class SweepSpecError(ValueError):
    """A sweep file is malformed; the message names every problem found."""


@dataclass(frozen=True)
class ParamSpec:
    """One varied parameter: a numeric range or (grid only) an explicit list of values."""

    name: str
    low: float | None = None
    high: float | None = None
    values: tuple[Any, ...] | None = None
    num: int | None = None
    kind: str = "float"


@dataclass(frozen=True)
class MetricSpec:
    """A scalar output computed from one run's tables."""

    name: str
    table: str
    column: str
    where: dict[str, Any] = field(default_factory=dict)
    agg: str = "last"
    last_steps: int | None = None


@dataclass(frozen=True)
class SweepSpec:
    """A validated sweep."""

    name: str
    scenario: str
    model: str
    design: str
    samples: int | None
    replications: int
    steps: int
    seed: int
    fixed: dict[str, Any]
    parameters: tuple[ParamSpec, ...]
    metrics: tuple[MetricSpec, ...]
    second_order: bool = False
    levels: int = 4
    conf_level: float = 0.95
    resamples: int = 200


def flatten(table: dict[str, Any], is_leaf: Any = None, prefix: str = "") -> dict[str, Any]:
    """Flatten nested TOML tables into dotted keys (``a.b = 1`` and ``"a.b" = 1`` are the same)."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        full = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and not (is_leaf and is_leaf(value)):
            out.update(flatten(value, is_leaf, full))
        else:
            out[full] = value
    return out


def is_number(x: Any) -> bool:
    """A finite int or float (not a bool): what a spec accepts as a number."""
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def int_option(table: dict, key: str, errors: list[str], default: int | None,
               low: int, high: int = 2**63 - 1, section: str = "sweep") -> int | None:
    """``table[key]`` (or ``default``) checked to be an integer in [low, high]; a bad value
    is reported in ``errors`` under ``[section]``."""
    value = table.get(key, default)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        errors.append(f"[{section}] {key} = {value!r}: must be an integer in [{low}, {high}]")
        return low  # a stand-in, so the one error is not reported again as a missing value
    return value


def _parse_param(name: str, raw: Any, design: str, errors: list[str]) -> ParamSpec | None:
    where = f"[parameters] {name!r}"
    if not isinstance(raw, dict):
        errors.append(f"{where} = {raw!r}: must be a table like {{ range = [low, high] }} "
                      "or {{ values = [...] }}")
        return None
    unknown = sorted(set(raw) - PARAM_KEYS)
    if unknown:
        errors.append(f"{where}: unknown key(s) {unknown}; allowed: {sorted(PARAM_KEYS)}")
    kind = raw.get("type", "float")
    if kind not in ("float", "int"):
        errors.append(f"{where}: type = {kind!r}; allowed: 'float', 'int'")
    if ("range" in raw) == ("values" in raw):
        errors.append(f"{where}: give exactly one of 'range = [low, high]' or 'values = [...]'")
        return None
    if "values" in raw:
        values = raw["values"]
        if design != "grid":
            errors.append(f"{where}: 'values' lists work only with design = 'grid'; design "
                          f"{design!r} samples a numeric 'range = [low, high]'")
            return None
        if not isinstance(values, list) or not values:
            errors.append(f"{where}: values = {values!r} must be a non-empty list")
            return None
        bad = [v for v in values if not (is_number(v) or isinstance(v, str | bool))]
        if bad:
            errors.append(f"{where}: values = {values!r}: {bad[0]!r} is not allowed; give "
                          "finite numbers, strings or booleans")
            return None
        if kind == "int" and not all(is_number(v) and float(v).is_integer() for v in values):
            errors.append(f"{where}: values = {values!r}: type = 'int' needs whole numbers")
            return None
        if len(set(map(repr, values))) != len(values):
            errors.append(f"{where}: values = {values!r}: each value once")
            return None
        return ParamSpec(name, values=tuple(values), kind=kind)
    rng = raw["range"]
    if not (isinstance(rng, list) and len(rng) == 2 and all(is_number(v) for v in rng)):
        errors.append(f"{where}: range = {rng!r} must be two finite numbers [low, high]")
        return None
    low, high = float(rng[0]), float(rng[1])
    if not low < high:
        errors.append(f"{where}: range = {rng!r} is empty; low must be < high")
        return None
    if kind == "int" and math.floor(high) - math.ceil(low) < 1:
        errors.append(f"{where}: range = {rng!r} with type = 'int' holds fewer than two whole "
                      "numbers, so every point would round to the same value; widen the range "
                      "or drop type = 'int'")
        return None
    num = raw.get("num")
    if design == "grid":
        if not isinstance(num, int) or isinstance(num, bool) or not 2 <= num <= MAX_RUNS:
            errors.append(f"{where}: num = {num!r}; a grid over a range needs an integer num "
                          f"in [2, {MAX_RUNS}]")
            return None
    elif num is not None:
        errors.append(f"{where}: num = {num!r} only applies to design = 'grid'")
    return ParamSpec(name, low=low, high=high, num=num, kind=kind)


def _parse_metric(i: int, raw: Any, errors: list[str]) -> MetricSpec | None:
    where = f"[[metrics]] #{i + 1}"
    if not isinstance(raw, dict):
        errors.append(f"{where}: must be a table with name, table, column")
        return None
    unknown = sorted(set(raw) - METRIC_KEYS)
    if unknown:
        errors.append(f"{where}: unknown key(s) {unknown}; allowed: {sorted(METRIC_KEYS)}")
    missing = [k for k in ("name", "table", "column") if not isinstance(raw.get(k), str)]
    if missing:
        errors.append(f"{where}: missing or non-string {missing}")
        return None
    if not METRIC_NAME.match(raw["name"]):
        errors.append(f"{where}: name = {raw['name']!r}: use a letter then letters, digits, "
                      "'_', '-' or '.' (it names files and columns)")
    agg = raw.get("agg", "last")
    if agg not in AGGS:
        errors.append(f"{where} {raw['name']!r}: agg = {agg!r}; allowed: {list(AGGS)}")
    last = raw.get("last_steps")
    if last is not None and (not isinstance(last, int) or isinstance(last, bool) or last < 1):
        errors.append(f"{where} {raw['name']!r}: last_steps = {last!r} must be an integer >= 1")
    where_filter = raw.get("where", {})
    if not isinstance(where_filter, dict) or not all(
            is_number(v) or isinstance(v, str | bool) for v in where_filter.values()):
        errors.append(f"{where} {raw['name']!r}: where = {where_filter!r} must be a table of "
                      "column = value (finite numbers, strings or booleans)")
        where_filter = {}
    return MetricSpec(raw["name"], raw["table"], raw["column"], dict(where_filter), agg, last)


def design_size(design: str, samples: int | None, params: list[ParamSpec],
                second_order: bool = False) -> int:
    """Number of design points the design will have (computed before sampling it)."""
    d, n = len(params), samples or 1
    if design == "grid":
        return math.prod(len(p.values) if p.values is not None else int(p.num or 1)
                         for p in params)
    if design == "morris":
        return n * (d + 1)
    if design == "sobol":
        return n * (2 * d + 2 if second_order else d + 2)
    return n


def parse_sweep(data: dict[str, Any], name: str = "sweep") -> SweepSpec:
    """Validate a parsed TOML document and build a :class:`SweepSpec` (raises SweepSpecError)."""
    errors: list[str] = []
    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        errors.append(f"unknown section(s) {unknown}; allowed: {sorted(TOP_KEYS)}")
    sweep = data.get("sweep")
    if not isinstance(sweep, dict):
        raise SweepSpecError("missing [sweep] section (scenario, design, replications, steps, ...)")
    bad = sorted(set(sweep) - SWEEP_KEYS)
    if bad:
        errors.append(f"[sweep]: unknown key(s) {bad}; allowed: {sorted(SWEEP_KEYS)}")
    model = sweep.get("model", DEFAULT_MODEL)
    try:
        resolve_model(model)
    except ModelSpecError as exc:
        errors.append(f"[sweep] {exc}")
    scenario = sweep.get("scenario")
    if not isinstance(scenario, str) or not scenario:
        errors.append(f"[sweep] scenario = {scenario!r}: must name a scenario")
    design = sweep.get("design")
    if design not in DESIGNS:
        errors.append(f"[sweep] design = {design!r}: unknown design; allowed: {list(DESIGNS)}")
    samples = int_option(sweep, "samples", errors, None, 1, MAX_RUNS)
    if design in ("lhs", "morris", "sobol") and samples is None:
        errors.append(f"[sweep] samples: design {design!r} needs samples = N")
    if design == "sobol" and samples and samples & (samples - 1):
        errors.append(f"[sweep] samples = {samples}: Sobol' sampling needs a power of 2 "
                      f"(e.g. {1 << (samples.bit_length() - 1)} or {1 << samples.bit_length()})")
    reps = int_option(sweep, "replications", errors, 1, 1, MAX_REPLICATIONS)
    steps = int_option(sweep, "steps", errors, None, 1, MAX_STEPS)
    if steps is None:
        errors.append("[sweep] steps: missing; give the number of steps per run")
    seed = int_option(sweep, "seed", errors, 12345, 0)
    levels = int_option(sweep, "levels", errors, 4, 2, 100)
    resamples = int_option(sweep, "resamples", errors, 200, 10, 100_000)
    conf = sweep.get("conf_level", 0.95)
    if not is_number(conf) or not 0 < conf < 1:
        errors.append(f"[sweep] conf_level = {conf!r}: must be a number in (0, 1)")
    second = sweep.get("second_order", False)
    if not isinstance(second, bool):
        errors.append(f"[sweep] second_order = {second!r}: must be true or false")

    fixed = flatten(data.get("fixed", {}) or {})
    raw_params = flatten(data.get("parameters", {}) or {},
                         is_leaf=lambda d: bool(set(d) & PARAM_KEYS))
    if not raw_params:
        errors.append("[parameters]: no parameter to vary")
    known_design = str(design) if design in DESIGNS else "grid"  # its error is reported
    params = [p for n, r in raw_params.items()
              if (p := _parse_param(n, r, known_design, errors)) is not None]
    for p in params:
        if p.name in fixed:
            errors.append(f"[parameters] {p.name!r} is also set in [fixed]; keep one")
    raw_metrics = data.get("metrics", [])
    if not isinstance(raw_metrics, list) or not raw_metrics:
        errors.append("[[metrics]]: give at least one output metric (name, table, column, agg)")
        raw_metrics = []
    metrics = [m for i, r in enumerate(raw_metrics)
               if (m := _parse_metric(i, r, errors)) is not None]
    names = [m.name for m in metrics]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        errors.append(f"[[metrics]]: duplicate metric name(s) {dupes}")
    title = sweep.get("name", name)
    if not isinstance(title, str) or not METRIC_NAME.match(title):
        errors.append(f"[sweep] name = {title!r}: use a letter then letters, digits, '_', '-' "
                      "or '.' (it names the output folder)")
    if len(errors) == 1:
        raise SweepSpecError(f"invalid sweep: {errors[0]}")
    if errors:
        raise SweepSpecError("invalid sweep:\n  - " + "\n  - ".join(errors))
    size = design_size(str(design), samples, params, bool(second))
    if size * (reps or 1) > MAX_RUNS:
        raise SweepSpecError(f"invalid sweep: [sweep] replications = {reps}, design {design!r} "
                             f"with {size} point(s): {size * (reps or 1)} runs, more than "
                             f"the {MAX_RUNS} allowed")
    return SweepSpec(
        name=str(sweep.get("name", name)), scenario=str(scenario), model=str(model),
        design=str(design), samples=samples, replications=int(reps or 1), steps=int(steps or 1),
        seed=int(seed or 0), fixed=fixed, parameters=tuple(params), metrics=tuple(metrics),
        second_order=bool(second), levels=int(levels or 4), conf_level=float(conf),
        resamples=int(resamples or 200),
    )


def load_sweep(path: str | Path) -> SweepSpec:
    """Read and validate a sweep TOML file."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text())
    except FileNotFoundError as exc:
        raise SweepSpecError(f"sweep file {str(path)!r} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SweepSpecError(f"sweep file {str(path)!r} is not valid TOML: {exc}") from exc
    try:
        return parse_sweep(data, name=path.stem)
    except SweepSpecError as exc:
        raise SweepSpecError(f"{path}: {exc}") from None
