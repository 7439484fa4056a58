"""``flywheel calibrate`` end to end on a cheap model whose optimum is known.

The toy (``experiments.toy:market_targets``) has two targets: the incumbent's mean GMV share
about 0.26 (band [0.22, 0.30]), which the share reaches for a referral fee near 0.3 (the
share falls as the fee rises), and a take rate (fee + 0.1) under 0.5. Its default fee, 0.15,
gives a share near 0.32: outside the band.
"""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from experiments.models.registry import _REGISTERED, register_model
from experiments.models.toy import TARGETS_DEFAULTS, market_targets
from model.accounting.targets import band_error
from tests.experiments.helpers import REPO, run_cli, subprocess_env, write

TOY = "experiments.toy:market_targets"


def spec_text(
    budget: int = 12, reps: int = 2, model: str = TOY, extra: str = "", fixed: str = ""
) -> str:
    return f"""
[calibration]
model = "{model}"
budget = {budget}
replications = {reps}
seed = 5
steps = 30
startup_trials = 5
{extra}
[fixed]
{fixed}
[parameters]
referral_fee = {{ range = [0.0, 0.5] }}
"""


def distances(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "distances.csv")


def total(frame: pd.DataFrame, column: str) -> float:
    return float(frame.loc[frame["target"].str.startswith("("), column].iloc[0])


def test_band_error_is_zero_at_the_reported_value_one_at_the_edge_and_grows_outside():
    assert band_error(0.26, 0.22, 0.30, 0.26) == 0.0
    assert band_error(0.30, 0.22, 0.30, 0.26) == pytest.approx(1.0)
    assert band_error(0.22, 0.22, 0.30, 0.26) == pytest.approx(1.0)
    errors = [band_error(x, 0.22, 0.30, 0.26) for x in (0.27, 0.29, 0.32, 0.40)]
    assert errors == sorted(errors) and errors[2] > 1
    # no reported value: a match costs nothing, a miss more than 1 and more the further out
    assert band_error(0.25, 0.22, 0.30) == 0.0
    assert 1 < band_error(0.31, 0.22, 0.30) < band_error(0.35, 0.22, 0.30)
    assert band_error(float("nan"), 0.22, 0.30) > 1
    # a one-sided band with a value: beyond it on the open side is fine ("at least")
    assert band_error(5.0, 1.0, math.inf, 2.0) == 0.0


def test_calibration_finds_the_known_optimum_and_beats_the_defaults(tmp_path):
    spec = write(tmp_path / "toy.toml", spec_text())
    out = tmp_path / "cal"
    res = run_cli("calibrate", "toy", "--spec", str(spec), "--out", str(out))
    assert res.returncode == 0, res.stderr
    table = distances(out)
    before, after = total(table, "error_before"), total(table, "error_after")
    assert after < before
    share = table[table["target"] == "Incumbent GMV share about 0.26"].iloc[0]
    assert share["matched_before"] == 0 and share["matched_after"] == 1
    best = tomllib.loads((out / "best_params.toml").read_text())
    assert 0.22 <= best["referral_fee"] <= 0.38  # the share is 0.26 near a fee of 0.3
    trials = pd.read_csv(out / "trials.csv")
    assert (trials["state"] == "COMPLETE").sum() == 12 + 1  # the budget plus the defaults
    assert trials["distance"].min() == pytest.approx(after)
    for name in ("calibration.png", "README.md", "study.db", "calibration.toml"):
        assert (out / name).is_file(), name
    readme = (out / "README.md").read_text()
    assert "flywheel calibrate toy --spec" in readme and "--params best_params.toml" in readme


def test_params_file_reproduces_the_best_candidate(tmp_path):
    spec = write(tmp_path / "toy.toml", spec_text(budget=8))
    out = tmp_path / "cal"
    assert run_cli("calibrate", "toy", "--spec", str(spec), "--out", str(out)).returncode == 0
    run = tmp_path / "run"
    res = run_cli(
        "run",
        "toy",
        "--model",
        TOY,
        "--params",
        str(out / "best_params.toml"),
        "--seed",
        "5",
        "--reps",
        "2",
        "--steps",
        "30",
        "--out",
        str(run),
    )
    assert res.returncode == 0, res.stderr
    got = pd.read_csv(run / "report" / "targets.csv").set_index("target")["simulated"]
    want = distances(out).dropna(subset=["platform"]).set_index("target")["simulated_after"]
    pd.testing.assert_series_equal(got.sort_index(), want.sort_index(), check_names=False)
    # --set wins over the file
    res = run_cli(
        "run",
        "toy",
        "--model",
        TOY,
        "--params",
        str(out / "best_params.toml"),
        "--set",
        "referral_fee=0.15",
        "--seed",
        "5",
        "--steps",
        "30",
        "--out",
        str(tmp_path / "run2"),
    )
    share = pd.read_csv(tmp_path / "run2" / "report" / "targets.csv")["simulated"].iloc[0]
    assert share > 0.30  # the default fee's share, not the calibrated one


CALLS: list[float] = []


def counting_model(scenario, params, seed, steps):
    """The toy, remembering each run's fee; the 5th run is a Ctrl-C. (The 2-step probe
    that reads the model's target labels before the search is not counted.)"""
    if steps <= 2:
        return market_targets(scenario, params, seed, steps)
    CALLS.append(float(params.get("referral_fee", TARGETS_DEFAULTS["referral_fee"])))
    if len(CALLS) == 5 and os.environ.get("CALIBRATE_TEST_INTERRUPT") == "1":
        raise KeyboardInterrupt
    return market_targets(scenario, params, seed, steps)


counting_model.validate = market_targets.validate  # type: ignore[attr-defined]


def test_resume_after_interruption_does_not_rerun_finished_trials(tmp_path, monkeypatch):
    from experiments.cli import main

    register_model("tests.counting", counting_model)
    try:
        spec = write(tmp_path / "toy.toml", spec_text(budget=6, reps=1, model="tests.counting"))
        out = tmp_path / "cal"
        argv = ["calibrate", "toy", "--spec", str(spec), "--out", str(out)]
        CALLS.clear()
        monkeypatch.setenv("CALIBRATE_TEST_INTERRUPT", "1")
        assert main(argv) == 130  # interrupted in the 4th trial (5th run: the defaults first)
        first = list(CALLS)
        assert len(first) == 5
        monkeypatch.setenv("CALIBRATE_TEST_INTERRUPT", "0")
        CALLS.clear()
        assert main(argv) == 0
        # only the interrupted trial (same parameters) and the two never started are run
        assert len(CALLS) == 3 and CALLS[0] == first[-1]
        trials = pd.read_csv(out / "trials.csv")
        counted = trials[(trials["state"] == "COMPLETE") & ~trials["defaults"]]
        assert len(counted) == 6
        assert set(first[1:4]) <= set(counted["referral_fee"])
        CALLS.clear()
        assert main(argv) == 0 and CALLS == []  # the budget is spent: nothing runs again
    finally:
        _REGISTERED.pop("tests.counting", None)


def test_killed_calibration_continues_where_it_stopped(tmp_path):
    spec = write(tmp_path / "toy.toml", spec_text(budget=10, reps=1, fixed="sleep = 0.3"))
    out = tmp_path / "cal"
    cmd = [
        sys.executable,
        "-m",
        "experiments.cli",
        "calibrate",
        "toy",
        "--spec",
        str(spec),
        "--out",
        str(out),
    ]
    proc = subprocess.Popen(
        cmd,
        cwd=REPO,
        env=subprocess_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    import optuna

    deadline = time.time() + 60
    done: list = []
    while time.time() < deadline and len(done) < 4:
        time.sleep(0.3)
        if (out / "study.db").exists():
            try:
                study = optuna.load_study(
                    study_name="calibration", storage=f"sqlite:///{out / 'study.db'}"
                )
                done = [t for t in study.trials if t.state.name == "COMPLETE"]
            except Exception:  # the study is being created
                continue
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert len(done) >= 4
    kept = {t.number: (t.params, t.value) for t in done}
    res = run_cli("calibrate", "toy", "--spec", str(spec), "--out", str(out))
    assert res.returncode == 0, res.stderr
    trials = pd.read_csv(out / "trials.csv").set_index("trial")
    for number, (params, value) in kept.items():  # finished trials kept as they were
        assert trials.loc[number, "referral_fee"] == pytest.approx(params["referral_fee"])
        assert trials.loc[number, "distance"] == pytest.approx(value)
    assert ((trials["state"] == "COMPLETE") & ~trials["defaults"]).sum() == 10


@pytest.mark.parametrize(
    "text, flags, words",
    [
        (spec_text(extra="budgett = 3"), [], ["[calibration]", "budgett", "allowed"]),
        (
            spec_text().replace("referral_fee = {", "referal_fee = {"),
            [],
            ["referal_fee", "unknown parameter", "allowed"],
        ),
        (
            spec_text().replace("[0.0, 0.5]", "[0.5, 0.1]"),
            [],
            ["referral_fee", "low must be < high"],
        ),
        (
            spec_text().replace("range = [0.0, 0.5]", "range = [0.0, 0.5], log = true"),
            [],
            ["referral_fee", "log = true", "low must be > 0"],
        ),
        (
            spec_text(extra='targets = ["No such target"]'),
            [],
            ["No such target", "allowed", "Incumbent GMV share about 0.26"],
        ),
        (
            spec_text(extra='model = "os:system"').replace(f'model = "{TOY}"\n', ""),
            [],
            ["os:system", "not a registered model"],
        ),
        (spec_text(), ["--budget", "0"], ["--budget 0", "[1, "]),
        (spec_text(extra='scenario = "new_rivals"'), [], ["new_rivals", "not 'toy'"]),
    ],
)
def test_bad_spec_is_refused_before_any_run(tmp_path, text, flags, words):
    spec = write(tmp_path / "bad.toml", text)
    out = tmp_path / "cal"
    res = run_cli("calibrate", "toy", "--spec", str(spec), "--out", str(out), *flags)
    assert res.returncode == 2, res.stderr
    for word in words:
        assert word in res.stderr, (word, res.stderr)
    assert not (out / "study.db").exists()


def test_another_calibration_in_the_same_folder_is_refused(tmp_path):
    spec = write(tmp_path / "toy.toml", spec_text(budget=3, reps=1))
    out = tmp_path / "cal"
    assert run_cli("calibrate", "toy", "--spec", str(spec), "--out", str(out)).returncode == 0
    res = run_cli("calibrate", "toy", "--spec", str(spec), "--out", str(out), "--reps", "2")
    assert res.returncode == 2 and "holds a different calibration" in res.stderr
    res = run_cli(
        "calibrate",
        "toy",
        "--spec",
        str(spec),
        "--out",
        str(out),
        "--reps",
        "2",
        "--budget",
        "2",
        "--set-aside",
    )
    assert res.returncode == 0, res.stderr
    moved = [p for p in tmp_path.iterdir() if p.name.startswith("cal.old-")]
    assert len(moved) == 1 and (moved[0] / "study.db").is_file()
    res = run_cli("run", "toy", "--params", str(tmp_path / "missing.toml"))
    assert res.returncode == 2 and "--params" in res.stderr and "no such file" in res.stderr


def test_the_shipped_new_rivals_spec_is_valid():
    from experiments.calibration.spec import load_calibration
    from experiments.calibration.study import check_spec

    spec = load_calibration(REPO / "experiments" / "calibration" / "new_rivals.toml")
    checked = check_spec(spec, "new_rivals")
    from model.config import load_scenario

    every_target = [t.label for t in load_scenario("new_rivals").targets]
    assert list(checked.targets) == every_target and len(spec.parameters) >= 2
    for p in spec.parameters:  # the scenario's own values lie inside the searched ranges
        assert p.low <= checked.defaults[p.name] <= p.high, p.name
    # the shipped result sets exactly the free parameters, inside their ranges, and loads
    from experiments.commands import load_params
    from model.config import load_scenario

    shipped = load_params(str(REPO / "experiments" / "calibration" / "new_rivals_params.toml"))
    assert set(shipped) == {p.name for p in spec.parameters}
    assert all(p.low <= shipped[p.name] <= p.high for p in spec.parameters)
    assert load_scenario("new_rivals", shipped).consumers.delivery_sensitivity == pytest.approx(
        shipped["consumers.delivery_sensitivity"]
    )


def test_a_target_value_outside_its_own_band_is_refused():
    from model.config import ConfigError, load_scenario

    with pytest.raises(ConfigError, match=r"value = 30.0: expected a number inside"):
        load_scenario("new_rivals", {"targets.0.value": 30.0, "targets.0.high": 20.0})
    config = load_scenario("new_rivals")
    assert [t.value for t in config.targets[:3]] == [17.9, -0.047, 1.92]


def test_startup_trials_are_the_same_on_one_worker_and_on_a_process_pool(tmp_path):
    spec = write(tmp_path / "toy.toml", spec_text(budget=4, reps=1))  # 5 random start-ups
    fees = []
    for workers in ("1", "2"):
        out = tmp_path / f"w{workers}"
        res = run_cli(
            "calibrate", "toy", "--spec", str(spec), "--out", str(out), "--workers", workers
        )
        assert res.returncode == 0, res.stderr
        trials = pd.read_csv(out / "trials.csv")
        fees.append(sorted(trials.loc[~trials["defaults"], "referral_fee"]))
    assert fees[0] == fees[1]


@pytest.mark.parametrize("scenario", ["closure_wave", "fee_creep", "flywheel", "global_listing",
                                      "new_rivals"])
def test_every_shipped_spec_checks_against_its_scenario(scenario):
    """Each shipped spec names real parameters whose ranges hold the scenario's own values,
    and a shipped result file sets exactly the spec's free parameters."""
    from experiments.calibration.spec import load_calibration
    from experiments.calibration.study import check_spec
    from experiments.commands import load_params

    folder = REPO / "experiments" / "calibration"
    spec = load_calibration(folder / f"{scenario}.toml")
    checked = check_spec(spec, scenario)
    for p in spec.parameters:
        assert p.low <= checked.defaults[p.name] <= p.high, p.name
    result = folder / f"{scenario}_params.toml"
    if result.exists():
        params = load_params(str(result))
        assert set(params) == {p.name for p in spec.parameters}
        for p in spec.parameters:
            assert p.low <= params[p.name] <= p.high, p.name
