"""A malformed sweep is refused before any run starts, with a message naming the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from experiments.commands import CommandError, cmd_sweep
from experiments.pipeline.plan import PlanError, plan_sweep
from experiments.sweeps.spec import SweepSpecError, load_sweep
from tests.experiments.helpers import run_cli, toy_market_sweep, write

REAL_BASE = """
[sweep]
scenario = "flywheel"
design = "{design}"
{samples}
replications = 1
steps = 5
[fixed]
"consumers.n_consumers" = 300
"sellers.n_sellers" = 40
[parameters]
{params}
[[metrics]]
name = "share"
table = "platforms"
column = "{column}"
where = {{ platform = "marketplace" }}
"""


def real(design: str = "grid", params: str = "", samples: str = "",
         column: str = "gmv_share") -> str:
    """A sweep file of the real model."""
    params = params or '"platforms.marketplace.referral_fee" = { range = [0.05, 0.2], num = 2 }'
    return REAL_BASE.format(design=design, samples=samples, params=params, column=column)


def refused(tmp_path: Path, text: str) -> str:
    """Run cmd_sweep on ``text``; assert it is refused and nothing was run; return the message."""
    out = tmp_path / "out"
    with pytest.raises(CommandError) as info:
        cmd_sweep(str(write(tmp_path / "s.toml", text)), out=str(out), progress=False)
    assert not out.exists(), "a refused sweep must not create its output or start any run"
    return str(info.value)


def test_unknown_design_is_named(tmp_path: Path) -> None:
    msg = refused(tmp_path, real(design="factorial"))
    assert "design = 'factorial'" in msg and "'sobol'" in msg and "'lhs'" in msg


@pytest.mark.parametrize(("rng", "needle"), [
    ("[0.3, 0.1]", "low must be < high"),
    ("[0.1]", "two finite numbers"),
    ('["a", "b"]', "two finite numbers"),
])
def test_bad_range_is_named(tmp_path: Path, rng: str, needle: str) -> None:
    params = f'"platforms.marketplace.referral_fee" = {{ range = {rng}, num = 2 }}'
    msg = refused(tmp_path, real(params=params))
    assert "platforms.marketplace.referral_fee" in msg and needle in msg


def test_unknown_parameter_refused_by_real_config(tmp_path: Path) -> None:
    msg = refused(tmp_path, real(params='"consumers.no_such_key" = { range = [0, 1], num = 2 }'))
    assert "consumers.no_such_key" in msg and "price_sensitivity" in msg  # names allowed keys


def test_unknown_platform_refused(tmp_path: Path) -> None:
    msg = refused(tmp_path, real(params='"platforms.nosuch.referral_fee" = { values = [0.1] }'))
    assert "nosuch" in msg and "marketplace" in msg


def test_value_out_of_bounds_refused_at_range_end(tmp_path: Path) -> None:
    params = '"platforms.marketplace.referral_fee" = { range = [0.5, 1.5] }'
    msg = refused(tmp_path, real(design="lhs", params=params, samples="samples = 8"))
    assert "referral_fee" in msg and "1.5" in msg


def test_unknown_metric_column_refused_by_probe(tmp_path: Path) -> None:
    msg = refused(tmp_path, real(column="no_such_column"))
    assert "no_such_column" in msg and "gmv_share" in msg


def test_several_problems_reported_together(tmp_path: Path) -> None:
    text = """
[sweep]
scenario = "toy"
model = "experiments.toy:market"
design = "sobol"
samples = 100
replicatons = 3
steps = 10
[parameters]
price_sensitivity = { values = [1, 2] }
referral_fee = { range = [0.2, 0.1] }
[[metrics]]
name = "m"
table = "platforms"
column = "gmv"
agg = "median"
"""
    with pytest.raises(SweepSpecError) as info:
        load_sweep(write(tmp_path / "s.toml", text))
    msg = str(info.value)
    for needle in ("replicatons", "power of 2", "'values' lists work only with design = 'grid'",
                   "range = [0.2, 0.1] is empty", "agg = 'median'"):
        assert needle in msg, needle


def test_toy_model_validator_names_unknown_parameter(tmp_path: Path) -> None:
    text = toy_market_sweep().replace("referral_fee = {", "referal_fee = {")
    msg = refused(tmp_path, text)
    assert "referal_fee" in msg and "referral_fee" in msg


def test_cli_refuses_with_exit_code_2_and_message(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.toml", real(design="halton"))
    result = run_cli("sweep", str(path), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "design = 'halton'" in result.stderr
    assert not (tmp_path / "out").exists()


def test_valid_spec_parses_nested_and_quoted_keys(tmp_path: Path) -> None:
    text = real(params='platforms.marketplace.referral_fee = { range = [0.05, 0.2], num = 3 }\n'
                       '"consumers.price_sensitivity" = { values = [2.0, 4.0] }')
    spec = load_sweep(write(tmp_path / "ok.toml", text))
    assert [p.name for p in spec.parameters] == ["platforms.marketplace.referral_fee",
                                                 "consumers.price_sensitivity"]
    assert spec.fixed == {"consumers.n_consumers": 300, "sellers.n_sellers": 40}
    plan = plan_sweep(spec)
    assert len(plan.points) == 6
    assert {p["platforms.marketplace.referral_fee"] for p in plan.points} == {0.05, 0.125, 0.2}


def test_every_design_point_is_type_checked_not_a_sample(tmp_path: Path) -> None:
    """A wrong value first met at point 300 of 600 is refused before any run."""
    weights = ", ".join(f"{0.01 * i:.2f}" for i in range(300))
    text = real(params='"consumers.habit_weight" = { values = [1.0, "high"] }\n'
                       f'"consumers.selection_weight" = {{ values = [{weights}] }}')
    spec = load_sweep(write(tmp_path / "s.toml", text))
    with pytest.raises(PlanError, match=r"design point 300 .*consumers.habit_weight = 'high'"):
        plan_sweep(spec)
