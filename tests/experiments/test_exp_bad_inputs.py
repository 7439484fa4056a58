"""A table of bad inputs across the CLI, scenario files, sweep files and the Python API.

Each is refused before any work with a one-line message naming the key, and never with a
traceback. Cases that could slip through are sized to finish in a moment if they did.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from experiments.cli import main
from experiments.commands import CommandError
from experiments.models.registry import ModelSpecError, register_model, resolve_model
from experiments.pipeline.plan import PlanError, plan_replicates, plan_sweep
from experiments.storage.store import RunStore, StoreError
from experiments.sweeps.spec import SweepSpecError, load_sweep
from model.config import ConfigError, config_from_dict, load_scenario
from model.config.params import build
from model.config.participants import ConsumerConfig

SMALL = ["--steps", "2", "--set", "consumers.n_consumers=200", "--set", "sellers.n_sellers=20"]

# ---------------------------------------------------------------- CLI: argv -> key in message
CLI_CASES: list[tuple[str, list[str], str]] = [
    ("workers 0", ["run", "flywheel", "--workers", "0"], "--workers"),
    ("workers negative", ["run", "flywheel", "--workers", "-3"], "--workers"),
    ("workers huge", ["run", "flywheel", "--workers", "5000"], "--workers"),
    ("scheduler word", ["run", "flywheel", "--scheduler", "foo"], "--scheduler"),
    ("scheduler no port", ["run", "flywheel", "--scheduler", "tcp://host"], "--scheduler"),
    ("scheduler space", ["run", "flywheel", "--scheduler", "tcp://a b:1"], "--scheduler"),
    ("scheduler http", ["run", "flywheel", "--scheduler", "http://h:8786"], "--scheduler"),
    ("steps 0", ["run", "flywheel", "--steps", "0"], "--steps"),
    ("steps 10**13", ["run", "flywheel", "--steps", str(10**13)], "--steps"),
    ("reps 0", ["run", "flywheel", "--reps", "0"], "--reps"),
    ("reps 10**9", ["run", "flywheel", "--reps", str(10**9)], "--reps"),
    ("seed negative", ["run", "flywheel", "--seed", "-1"], "--seed"),
    ("out is a file", ["run", "flywheel", "--out", "{file}"], "--out"),
    ("out under a file", ["run", "flywheel", "--out", "{file}/sub"], "--out"),
    ("out a user's folder", ["run", "flywheel", "--out", "{userdir}"], "--out"),
    ("scenario is a folder", ["run", "{userdir}"], "scenario"),
    ("scenario unknown", ["run", "no_such_scenario"], "scenario"),
    ("set without =", ["run", "flywheel", "--set", "consumers.n_consumers"], "--set"),
    ("set zero consumers", ["run", "flywheel", "--set", "consumers.n_consumers=0"],
     "consumers.n_consumers"),
    ("set 10**10 consumers", ["run", "flywheel", "--set", "consumers.n_consumers=10000000000"],
     "consumers.n_consumers"),
    ("price sensitivity 0", ["run", "flywheel", "--set", "consumers.price_sensitivity=0"],
     "consumers.price_sensitivity"),
    ("outside option inf", ["run", "flywheel", "--set", "consumers.outside_option=inf"],
     "consumers.outside_option"),
    ("outside option nan", ["run", "flywheel", "--set", "consumers.outside_option=nan"],
     "consumers.outside_option"),
    ("initial cash -inf", ["run", "flywheel", "--set", "sellers.exit_cash=-inf"],
     "sellers.exit_cash"),
    ("referral fee 1.0", ["run", "flywheel", "--set", "platforms.marketplace.referral_fee=1.0"],
     "platforms.marketplace.referral_fee"),
    ("referral fee negative",
     ["run", "flywheel", "--set", "platforms.marketplace.referral_fee=-0.1"],
     "platforms.marketplace.referral_fee"),
    ("coupon 5x price", ["run", "flywheel", "--set", "platforms.marketplace.coupon_rate=5"],
     "platforms.marketplace.coupon_rate"),
    ("unknown platform", ["run", "flywheel", "--set", "platforms.nosuch.referral_fee=0.1"],
     "platforms.nosuch.referral_fee"),
    ("unknown key", ["run", "flywheel", "--set", "consumers.bogus=1"], "consumers.bogus"),
    ("bool as number", ["run", "flywheel", "--set", "consumers.multi_homing=3"],
     "consumers.multi_homing"),
    ("shopping rate 2", ["run", "flywheel", "--set", "consumers.shopping_rate=2"],
     "consumers.shopping_rate"),
    ("model not registered", ["run", "flywheel", "--model", "os:system"], "model"),
    ("sweep file missing", ["sweep", "{tmp}/nosuch.toml"], "nosuch.toml"),
    ("sweep workers 0", ["sweep", "{sweep}", "--workers", "0"], "--workers"),
    ("sweep not TOML", ["sweep", "{file}"], "file.txt"),
    ("analyze missing folder", ["analyze", "{tmp}/nosuch"], "DIRECTORY"),
    ("analyze out is a file", ["analyze", "{userdir}", "--out", "{file}"], "--out"),
    ("analyze not a sweep", ["analyze", "{userdir}"], "plan.json"),
]


@pytest.fixture
def places(tmp_path: Path) -> dict[str, str]:
    afile = tmp_path / "file.txt"
    afile.write_text("not toml = = =")
    userdir = tmp_path / "mine"
    userdir.mkdir()
    (userdir / "thesis.tex").write_text("x")
    sweep = tmp_path / "ok.toml"
    sweep.write_text(SWEEP_BASE)
    return {"file": str(afile), "userdir": str(userdir), "tmp": str(tmp_path),
            "sweep": str(sweep)}


@pytest.mark.parametrize(("argv", "key"), [c[1:] for c in CLI_CASES],
                         ids=[c[0] for c in CLI_CASES])
def test_cli_refuses_with_one_line(argv: list[str], key: str, places: dict[str, str],
                                   capsys: pytest.CaptureFixture) -> None:
    argv = [a.format(**places) for a in argv]
    if argv[0] == "run":  # small and in a fresh folder, should a case slip through
        argv = [*argv[:2], "--out", f"{places['tmp']}/out", *SMALL, *argv[2:]]
    code = main(argv)
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    assert key in err, err


# ---------------------------------------------------------------- scenario files
SCENARIO_BASE = """
name = "t"
steps = 10
[consumers]
n_consumers = 200
[sellers]
n_sellers = 20
[[categories]]
name = "a"
[[categories]]
name = "b"
[[regions]]
name = "home"
[[platforms]]
name = "P"
kind = "marketplace"
"""

SCENARIO_CASES: list[tuple[str, str, str, str]] = [  # id, replace this, with this, key
    ("duplicate category", 'name = "b"', 'name = "a"', "categories"),
    ("duplicate region", "", '[[regions]]\nname = "home"', "regions"),
    ("no regions", '[[regions]]\nname = "home"', "regions = []", "regions"),
    ("weights all zero", '[[categories]]\nname = "a"\n[[categories]]\nname = "b"',
     '[[categories]]\nname = "a"\nweight = 0.0\n[[categories]]\nname = "b"\nweight = 0.0',
     "categories.weight"),
    ("shares all zero", 'name = "home"', 'name = "home"\nshare = 0.0', "regions.share"),
    ("target window reversed", "",
     '[[targets]]\nplatform = "P"\nstart = 30\nend = 10', "targets[0].end"),
    ("target metric typo", "", '[[targets]]\nplatform = "P"\nmetric = "gmv_shar"',
     "targets[0].metric"),
    ("target low above high", "", '[[targets]]\nplatform = "P"\nlow = 2.0\nhigh = 1.0',
     "targets[0].low"),
    ("target unknown platform", "", '[[targets]]\nplatform = "Q"', "targets[0].platform"),
    ("coupon event 5x price", "",
     '[[events]]\nkind = "coupon_change"\nplatform = "P"\nvalue = 5.0', "events[0].value"),
    ("event day 0", "", '[[events]]\nday = 0\nplatform = "P"',
     "events.fee_change_0.day"),  # events are named KIND_DAY by default
    ("event unknown platform", "", '[[events]]\nplatform = "Q"',
     "events.fee_change_1.platform"),
    ("event unknown kind", "", '[[events]]\nkind = "meteor"\nplatform = "P"',
     "events.meteor_1.kind"),
    ("platform region unknown", 'kind = "marketplace"', 'kind = "marketplace"\nregion = "mars"',
     "platforms.P.region"),
    ("duplicate platform", "", '[[platforms]]\nname = "P"', "platforms"),
    ("unknown archetype", 'kind = "marketplace"', 'kind = "bazaar"', "platforms.P.kind"),
    ("fee tier rate 1", 'kind = "marketplace"',
     'kind = "marketplace"\nfee_tiers = [{ category = "a", rate = 1.0 }]',
     "platforms.P.fee_tiers[0].rate"),
    ("fee tier unknown category", 'kind = "marketplace"',
     'kind = "marketplace"\nfee_tiers = [{ category = "z", rate = 0.1 }]',
     "fee_tiers.category"),
    ("seller kind unknown", "n_sellers = 20", "n_sellers = 20\nkind_shares = { alien = 1.0 }",
     "sellers.kind_shares.alien"),
    ("seller shares zero", "n_sellers = 20",
     "n_sellers = 20\nkind_shares = { factory = 0.0, trader = 0.0 }", "sellers.kind_shares"),
    ("steps 0", "steps = 10", "steps = 0", "steps"),
    ("sellers inf", "n_sellers = 20", "n_sellers = inf", "sellers.n_sellers"),
    ("consumers text", "n_consumers = 200", 'n_consumers = "many"', "consumers.n_consumers"),
    ("not TOML", "steps = 10", "steps = = 10", "scenario"),
    ("unknown top-level key", "steps = 10", "steps = 10\nbogus = 1", "bogus"),
    ("launch day negative", 'kind = "marketplace"', 'kind = "marketplace"\nlaunch_day = -1',
     "platforms.P.launch_day"),
]


@pytest.mark.parametrize(("old", "new", "key"), [c[1:] for c in SCENARIO_CASES],
                         ids=[c[0] for c in SCENARIO_CASES])
def test_scenario_file_refused_with_one_line(old: str, new: str, key: str,
                                             tmp_path: Path) -> None:
    text = SCENARIO_BASE.replace(old, new, 1) if old else SCENARIO_BASE + new + "\n"
    path = tmp_path / "s.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_scenario(str(path))
    message = str(info.value)
    assert len(message.splitlines()) == 1 and key in message, message


def test_scenario_base_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(SCENARIO_BASE)
    assert [p.name for p in load_scenario(str(path)).platforms] == ["P"]


# ---------------------------------------------------------------- sweep files
SWEEP_BASE = """
[sweep]
scenario = "toy"
model = "experiments.toy:market"
design = "grid"
replications = 1
steps = 5
seed = 1
[fixed]
noise = 0.05
[parameters]
price_sensitivity = { range = [1.0, 3.0], num = 2 }
[[metrics]]
name = "share"
table = "platforms"
column = "gmv_share"
agg = "last"
"""

SWEEP_CASES: list[tuple[str, str, str, str]] = [
    ("code-executing model", 'model = "experiments.toy:market"',
     'model = "doctest:run_docstring_examples"', "model"),
    ("unknown design", 'design = "grid"', 'design = "fractal"', "design"),
    ("steps 10**12", "steps = 5", "steps = 1000000000000", "steps"),
    ("replications 10**9", "replications = 1", "replications = 1000000000", "replications"),
    ("samples huge", "seed = 1", "seed = 1\nsamples = 1000000000", "samples"),
    ("int type on a share range", "range = [1.0, 3.0], num = 2",
     'range = [0.0, 0.5], num = 3, type = "int"', "price_sensitivity"),
    ("int type with fractions", "range = [1.0, 3.0], num = 2",
     'values = [1.5, 2.0], type = "int"', "price_sensitivity"),
    ("range with inf", "range = [1.0, 3.0]", "range = [1.0, inf]", "range"),
    ("values with nan", "range = [1.0, 3.0], num = 2", "values = [1.0, nan]", "values"),
    ("values repeated", "range = [1.0, 3.0], num = 2", "values = [1.0, 1.0]", "values"),
    ("values a table", "range = [1.0, 3.0], num = 2", "values = [1.0, { a = 1 }]", "values"),
    ("grid num huge", "num = 2", "num = 1000000000", "num"),
    ("grid num 1", "num = 2", "num = 1", "num"),
    ("metric name with slash", 'name = "share"', 'name = "share/../../x"', "name"),
    ("last_steps zero", 'agg = "last"', 'agg = "last"\nlast_steps = 0', "last_steps"),
    ("unknown agg", 'agg = "last"', 'agg = "median"', "agg"),
    ("sweep name traversal", "[sweep]", '[sweep]\nname = "../../etc"', "name"),
    ("conf_level 1.5", "seed = 1", "seed = 1\nconf_level = 1.5", "conf_level"),
    ("unknown sweep key", "seed = 1", "seed = 1\nwokers = 2", "wokers"),
    ("parameter also fixed", "noise = 0.05", "noise = 0.05\nprice_sensitivity = 2.0",
     "price_sensitivity"),
    ("metric without column", 'column = "gmv_share"\n', "", "column"),
    ("seed negative", "seed = 1", "seed = -1", "seed"),
    ("unknown section", "[fixed]", "[fixd]\n[fixed]", "fixd"),
]


@pytest.mark.parametrize(("old", "new", "key"), [c[1:] for c in SWEEP_CASES],
                         ids=[c[0] for c in SWEEP_CASES])
def test_sweep_file_refused_with_one_line(old: str, new: str, key: str, tmp_path: Path) -> None:
    assert old in SWEEP_BASE
    path = tmp_path / "s.toml"
    path.write_text(SWEEP_BASE.replace(old, new, 1))
    with pytest.raises(SweepSpecError) as info:
        load_sweep(path)
    message = str(info.value)
    assert len(message.splitlines()) == 1 and key in message, message


REAL_SWEEP = """
[sweep]
scenario = "flywheel"
design = "grid"
steps = 2
[fixed]
"consumers.n_consumers" = 200
"sellers.n_sellers" = 20
{fixed}
[parameters]
{param}
[[metrics]]
name = "share"
table = "{table}"
column = "gmv_share"
"""

PLAN_CASES: list[tuple[str, dict[str, str], str]] = [
    ("fixed inf", {"fixed": '"consumers.outside_option" = inf'}, "consumers.outside_option"),
    ("fixed unknown key", {"fixed": '"consumers.bogus" = 1'}, "consumers.bogus"),
    ("range end refused", {"param": '"platforms.marketplace.referral_fee" = '
                                    "{ range = [0.1, 1.0], num = 2 }"},
     "platforms.marketplace.referral_fee"),
    ("metric table unknown", {"table": "platform"}, "platform"),
]


@pytest.mark.parametrize(("parts", "key"), [c[1:] for c in PLAN_CASES],
                         ids=[c[0] for c in PLAN_CASES])
def test_sweep_refused_by_the_model_with_one_line(parts: dict[str, str], key: str,
                                                  tmp_path: Path) -> None:
    fill = {"fixed": "", "param": '"consumers.habit_weight" = { values = [1.0, 2.0] }',
            "table": "platforms", **parts}
    path = tmp_path / "s.toml"
    path.write_text(REAL_SWEEP.format(**fill))
    with pytest.raises(PlanError) as info:
        plan_sweep(load_sweep(path))
    message = str(info.value)
    assert len(message.splitlines()) == 1 and key in message, message


# ---------------------------------------------------------------- Python API
def _api_cases(tmp_path: Path) -> list[tuple[str, Callable[[], Any], str]]:
    afile = tmp_path / "f.txt"
    afile.write_text("x")
    base = {"categories": [{"name": "a"}], "platforms": [{"name": "P"}]}
    return [
        ("register empty name", lambda: register_model("", lambda *a: {}), "model name"),
        ("register not callable", lambda: register_model("lab.x", 3), "lab.x"),
        ("resolve importable string", lambda: resolve_model("os:system"), "os:system"),
        ("store on a file", lambda: RunStore(afile).__enter__(), "--out"),
        ("build wrong type", lambda: build(ConsumerConfig, {"n_consumers": "many"}),
         "n_consumers"),
        ("build nan", lambda: build(ConsumerConfig, {"budget": float("nan")}), "budget"),
        ("config categories duplicate",
         lambda: config_from_dict({**base, "categories": [{"name": "a"}, {"name": "a"}]}),
         "categories"),
        ("config override path", lambda: config_from_dict(base, {"platforms.Q.kind": "x"}),
         "platforms.Q.kind"),
        ("config habit gain 2", lambda: config_from_dict(base, {"consumers.habit_gain": 2.0}),
         "consumers.habit_gain"),
        ("replicates bad toy param",
         lambda: plan_replicates("experiments.toy:market", "toy", {"fee": 1}, 1, 1, 5),
         "fee"),
        ("replicates unknown model",
         lambda: plan_replicates("pkg.mod:fn", "toy", {}, 1, 1, 5), "pkg.mod:fn"),
    ]


API_IDS = ["register empty name", "register not callable", "resolve importable string",
           "store on a file", "build wrong type", "build nan", "config categories duplicate",
           "config override path", "config habit gain 2", "replicates bad toy param",
           "replicates unknown model"]


@pytest.mark.parametrize("case", API_IDS)
def test_api_refuses_with_one_line(case: str, tmp_path: Path) -> None:
    (_, call, key), = [c for c in _api_cases(tmp_path) if c[0] == case]
    with pytest.raises((ConfigError, ModelSpecError, PlanError, StoreError, CommandError,
                        ValueError)) as info:
        call()
    message = str(info.value)
    assert len(message.splitlines()) == 1 and key in message, message


def test_the_table_is_large_enough() -> None:
    tables = {"cli": [c[0] for c in CLI_CASES], "scenario": [c[0] for c in SCENARIO_CASES],
              "sweep": [c[0] for c in SWEEP_CASES] + [c[0] for c in PLAN_CASES],
              "api": API_IDS}
    distinct = {(table, case) for table, ids in tables.items() for case in ids}
    assert len(distinct) == sum(map(len, tables.values())) >= 60
