"""Theory experiments: file validation, statistics, metrics, and ``flywheel theory`` end to end."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from experiments.theory.metrics import compute
from experiments.theory.predictions import Result, plan_theory
from experiments.theory.spec import TheorySpecError, load_theory, parse_theory, theory_names
from experiments.theory.stats import VERDICTS, Estimate, newcombe, paired_mean, wilson
from tests.experiments.helpers import run_cli

VALID: dict[str, Any] = {
    "title": "T0 example", "reference": "Someone 2000", "prediction": "A beats B.",
    "scenario": "duopoly", "steps": 60, "replications": 4,
    "arms": {"a": {"set": {"consumers.selection_weight": 2.0}}, "b": {}},
    "checks": [{"label": "a above b", "metric": {"kind": "leader_share", "window": 30},
                "statistic": "paired_mean", "treatment": "a", "control": "b",
                "holds": "above"}],
}


def _with(path: str, value: Any) -> dict[str, Any]:
    """VALID with one entry (``checks.0.metric.kind`` style path) replaced or removed."""
    data = copy.deepcopy(VALID)
    *parents, last = path.split(".")
    node: Any = data
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if value is None:
        del node[last]
    else:
        node[last] = value
    return data


@pytest.mark.parametrize(("path", "value", "message"), [
    ("reference", None, "reference: missing"),
    ("colour", "red", "colour = 'red': unknown key"),
    ("scenario", "nowhere", "scenario = 'nowhere': no such theory base scenario"),
    ("replications", 1, "replications = 1: must be >= 2"),
    ("steps", "long", "steps = 'long': must be a int"),
    ("arms.a.sett", {}, "arms.a.sett = {}: unknown key"),
    ("checks.0.statistic", "median", "checks[0].statistic = 'median': allowed are"),
    ("checks.0.holds", "up", "checks[0].holds = 'up': allowed are above, below"),
    ("checks.0.treatment", "c", "arm 'c': no such arm; allowed arms are a, b"),
    ("checks.0.metric", {"kind": "gini"}, "checks[0].metric.kind = 'gini': allowed kinds"),
    ("checks.0.metric", {"kind": "gmv_share"}, "checks[0].metric.platform: missing"),
    ("checks.0.metric", {"kind": "hhi", "window": 0}, "checks[0].metric.window = 0: must be"),
    ("checks.0.metric", {"kind": "hhi", "days": 3}, "days = 3: not an argument of metric"),
    ("checks.0.statistic", "frequency_difference",
     "statistic 'frequency_difference' needs a 0/1 metric"),
])
def test_loader_refuses_bad_files_naming_the_key(path: str, value: Any, message: str) -> None:
    with pytest.raises(TheorySpecError, match=None) as info:
        parse_theory(_with(path, value), "t0")
    assert message in str(info.value)


def test_loader_refuses_invalid_toml_and_unknown_names(tmp_path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("title = \n")
    with pytest.raises(TheorySpecError, match="bad.toml: not valid TOML"):
        load_theory(str(bad))
    with pytest.raises(TheorySpecError, match="no such file; allowed: t1_price_structure"):
        load_theory("t99_nothing")


def test_shipped_files_load_and_every_arm_is_accepted_by_the_model() -> None:
    names = theory_names()
    assert {"t1_price_structure", "t2_tipping", "t3_bottleneck", "t4_entry", "t6_fee_hike",
            "t7_critical_mass", "t9_flywheel_ablation"} <= set(names)
    for name in names:
        spec = load_theory(name)
        if spec.skip:
            assert "issue 9" in spec.skip
            continue
        plan = plan_theory(spec)
        assert len(plan.tasks) == len(spec.arms) * spec.replications
        seeds = {arm.name: [t.seed for t in plan.tasks if t.point == i]
                 for i, arm in enumerate(spec.arms)}
        assert len({tuple(s) for s in seeds.values()}) == 1  # common seeds in every arm


def test_plan_refuses_sets_that_change_a_treatment_and_too_short_runs() -> None:
    spec = load_theory("t2_tipping")
    with pytest.raises(TheorySpecError, match="--set consumers.multi_homing: t2_tipping arm"):
        plan_theory(spec, sets={"consumers.multi_homing": True})
    with pytest.raises(TheorySpecError, match="reads day 30 of arm 'single_strong'; run at least"):
        plan_theory(spec, steps=20)
    with pytest.raises(TheorySpecError, match="arm 'single_strong'.*refused"):
        plan_theory(spec, sets={"consumers.no_such_knob": 1})


def test_paired_t_interval_matches_students_sleep_data() -> None:
    # Cushny-Peebles via Student (1908): paired differences, mean 1.58, 95% CI 0.700-2.460
    diff = np.array([1.2, 2.4, 1.3, 1.3, 0.0, 1.0, 1.8, 0.8, 4.6, 1.4])
    est = paired_mean(diff)
    assert est.value == pytest.approx(1.58)
    assert (est.low, est.high) == pytest.approx((0.7001142, 2.4598858), abs=1e-6)
    assert est.holds("above") and not est.holds("below")


def test_wilson_and_newcombe_match_newcombe_1998() -> None:
    # Newcombe (1998a), Table I: 81/263 -> 0.2553-0.3662; 0/10 -> 0-0.2775
    assert (wilson(81, 263).low, wilson(81, 263).high) == pytest.approx((0.2553, 0.3662),
                                                                          abs=1e-4)
    assert wilson(0, 10).high == pytest.approx(0.2775, abs=1e-4)
    # Newcombe (1998b), method 10: 56/70 - 48/80 -> 0.0524-0.3339; 9/10 - 3/10 -> 0.1705-0.8090
    est = newcombe(56, 70, 48, 80)
    assert est.value == pytest.approx(0.2)
    assert (est.low, est.high) == pytest.approx((0.0524, 0.3339), abs=1e-4)
    assert (newcombe(9, 10, 3, 10).low, newcombe(9, 10, 3, 10).high) == pytest.approx(
        (0.1705, 0.8090), abs=1e-4)
    with pytest.raises(ValueError, match="successes = 5, n = 4"):
        wilson(5, 4)


@pytest.mark.parametrize(("low", "high", "above", "below"), [
    (0.20, 0.40, "holds", "contradicted"),         # wholly above 0.15
    (0.05, 0.12, "contradicted", "holds"),         # wholly below 0.15
    (0.10, 0.20, "not detected", "not detected"),  # spans 0.15
    (0.15, 0.30, "not detected", "not detected"),  # touches 0.15: not excluded
])
def test_verdict_of_an_interval_against_a_nonzero_threshold(low: float, high: float,
                                                            above: str, below: str) -> None:
    est = Estimate((low + high) / 2, low, high, 16)
    assert est.verdict("above", 0.15) == above
    assert est.verdict("below", 0.15) == below
    assert est.holds("above", 0.15) == (above == "holds")
    check = load_theory("t3b_bottleneck_adaptive").checks[1]  # holds if CI below 0.15
    row = Result(load_theory("t3b_bottleneck_adaptive"), check, est,
                 est.verdict(check.holds, check.than)).row()
    assert (row["verdict"], row["holds"]) == (below, "yes" if below == "holds" else "no")
    with pytest.raises(ValueError, match="direction = 'up': allowed are above, below"):
        est.verdict("up", 0.15)


def test_minimal_detectable_effect_follows_the_power_formula_and_shrinks_with_n() -> None:
    x = np.random.default_rng(3).normal(0.3, 1.0, 12)
    t = stats.t(df=11)
    assert paired_mean(x).mde(0.0) == pytest.approx((t.ppf(0.975) + t.ppf(0.8)) * stats.sem(x))
    z = stats.norm()
    est = wilson(3, 10)  # 0.3 below 0.5: the upper half of the interval faces the threshold
    assert est.mde(0.5) == pytest.approx((est.high - 0.3) * (1 + z.ppf(0.8) / z.ppf(0.975)))
    for make in (lambda k: paired_mean(np.tile(x, k)), lambda k: wilson(3 * k, 10 * k),
                 lambda k: newcombe(6 * k, 10 * k, 3 * k, 10 * k)):
        mdes = [make(k).mde(0.0) for k in (1, 2, 4, 8, 16)]
        assert all(a > b > 0 for a, b in zip(mdes, mdes[1:], strict=False)), mdes


def _estimates():
    """Paired means, frequencies and differences of frequencies over many small samples."""
    rng = np.random.default_rng(7)
    for n in (2, 3, 5, 8, 16, 40):
        for shift in (-1.0, -0.3, 0.0, 0.2, 0.5, 2.0):
            yield paired_mean(rng.normal(shift, 1.0, n))
    for n in (4, 16):
        for k in range(n + 1):
            yield wilson(k, n)
            yield newcombe(k, n, n // 4, n)


@pytest.mark.parametrize("than", [0.0, 0.15, -0.4])
def test_replications_needed_agree_with_the_verdict_and_the_mde(than: float) -> None:
    z = stats.norm.ppf(0.975)
    for est in _estimates():
        effect, mde, need = abs(est.value - than), est.mde(than), est.reps_needed(than)
        if est.verdict("above", than) == "not detected":
            assert need > est.n, est  # inside the CI: fewer than MDE from the threshold
        if effect >= mde:
            assert need <= est.n, est
        if effect == 0:
            assert need == np.inf
            continue
        assert need >= 2
        assert mde * np.sqrt(est.n / need) <= effect * (1 + 1e-12), est  # detectable at need
        if est.verdict("above", than) != "not detected" and np.isinf(est.df):
            assert need <= np.ceil(est.n * ((z + stats.norm.ppf(0.8)) / z) ** 2), est


def test_theory_list_prints_every_prediction_and_runs_nothing(tmp_path) -> None:
    out = tmp_path / "never"
    listed = run_cli("theory", "--list", "--out", str(out))
    assert listed.returncode == 0, listed.stderr
    assert not out.exists()
    text = " ".join(listed.stdout.split())
    for name in theory_names():
        spec = load_theory(name)
        assert f"{name}: {spec.title} [{spec.reference}]" in text
        if spec.skip:
            assert spec.skip in text
        for c in spec.checks:
            assert f"{c.label}: {' '.join(c.prediction.split())} (holds if CI {c.holds} " \
                   f"{c.than:g}; {c.statistic})" in text
    one = run_cli("theory", "t6_fee_hike", "--list")
    assert one.returncode == 0 and "t6_fee_hike: T6 fee hike" in one.stdout
    assert "t2_tipping" not in one.stdout
    bad = run_cli("theory", "t99", "--list")
    assert bad.returncode == 2 and "theory experiment 't99': no such file; allowed:" in bad.stderr


def _run_tables() -> dict[str, pd.DataFrame]:
    """Two platforms over 40 days: a's GMV 3 then 8 a day, b's 1 a day; a few seller moves."""
    steps = np.arange(1, 41)
    platforms = pd.DataFrame({
        "step": np.repeat(steps, 2), "platform": ["a", "b"] * 40,
        "gmv": np.ravel([(3.0 if s <= 10 else 8.0, 1.0) for s in steps]),
        "sellers": np.ravel([(20.0, 10.0 + s) for s in steps]),
        "price_index": np.ravel([(1.5, 1.2) for _ in steps]),
        "active_consumers": np.ravel([(100.0, 10.0 * s) for s in steps]),
    })
    migration = pd.DataFrame({
        "step": [5, 12, 12, 20], "from_platform": ["a", "a", "a", "b"],
        "to_platform": ["b", "b", "(none)", "a"], "move": ["add", "add", "close", "add"],
        "sellers": [4, 3, 2, 7],
    })
    return {"platforms": platforms, "migration": migration}


@pytest.mark.parametrize(("metric", "expected"), [
    ({"kind": "leader_share", "window": 30}, 8 / 9),
    ({"kind": "platform_mean", "platform": "b", "column": "sellers", "window": 10}, 45.5),
    ({"kind": "leader_share", "window": 40}, 270 / 310),
    ({"kind": "tipped", "window": 30, "threshold": 0.75}, 1.0),
    ({"kind": "tipped", "window": 30, "threshold": 0.9}, 0.0),
    ({"kind": "gmv_share", "platform": "b", "window": 30}, 1 / 9),
    ({"kind": "coexist", "window": 30, "floor": 0.1}, 1.0),
    ({"kind": "coexist", "window": 30, "floor": 0.2}, 0.0),
    ({"kind": "hhi", "window": 30}, (800 / 9) ** 2 + (100 / 9) ** 2),
    ({"kind": "sellers", "platform": "b", "window": 10}, 10 + 35.5),
    ({"kind": "price_gap", "platform": "a", "rival": "b", "window": 5}, 0.3),
    ({"kind": "moves", "move": "add", "start": 1, "end": 40, "from_platform": "a"}, 7.0),
    ({"kind": "add_minus_close", "platform": "a", "rival": "b", "start": 10, "end": 30}, 1.0),
    ({"kind": "growth", "platform": "b", "start": 10, "days": 30}, np.log(4.0)),
    ({"kind": "growth", "platform": "a", "start": 10, "days": 30}, 0.0),
])
def test_metrics_from_a_runs_tables(metric: dict[str, Any], expected: float) -> None:
    assert compute(metric, _run_tables()) == pytest.approx(expected)


def test_flywheel_theory_end_to_end_writes_table_and_plot(tmp_path) -> None:
    out = tmp_path / "theory"
    skipped = tmp_path / "t0_later.toml"
    skipped.write_text('title = "T0 later"\nreference = "-"\nprediction = "-"\n'
                       'skip = "needs a mechanism the model does not have yet"\n')
    args = ["theory", "t2_tipping", str(skipped), "--reps", "2", "--steps", "31",
            "--set", "consumers.n_consumers=300", "--set", "sellers.n_sellers=30",
            "--out", str(out)]
    first = run_cli(*args)
    assert first.returncode == 0, first.stderr
    assert "T2/T5 tipping: leader share: single- vs multi-homing" in first.stdout
    assert "skipped: needs a mechanism the model does not have yet" in first.stdout
    table = pd.read_csv(out / "report" / "theory.csv")
    assert list(table["experiment"]) == ["t2_tipping"] * 3 + ["t0_later"]
    tipping = table[table["experiment"] == "t2_tipping"]
    assert (tipping["n"] == 2).all()
    assert (tipping["ci_low"] <= tipping["estimate"]).all()
    assert (tipping["estimate"] <= tipping["ci_high"]).all()
    assert set(tipping["holds"]) <= {"yes", "no"}
    assert set(tipping["verdict"]) <= set(VERDICTS)
    assert list(tipping["holds"] == "yes") == list(tipping["verdict"] == "holds")
    assert (tipping["mde"] >= 0).all() and (tipping["reps_needed"] >= 2).all()
    assert table["verdict"].isna().iloc[-1] and table["holds"].isna().iloc[-1]  # the skipped
    assert "of 3 checks; 1 skipped or not estimated" in first.stdout
    png = out / "report" / "t2_tipping.png"
    assert png.stat().st_size > 10_000 and png.read_bytes()[:4] == b"\x89PNG"
    values = pd.read_csv(out / "report" / "theory_values.csv")
    assert len(values) == 3 * 2 * 2  # checks x arms per check x seeds
    again = run_cli(*args)  # resumes: every run is found on disk
    assert again.returncode == 0
    assert "0 done, 6 already done" in again.stderr
    bad = run_cli("theory", "t2_tipping", "--steps", "10", "--out", str(out / "x"))
    assert bad.returncode == 2
    assert "steps = 10" in bad.stderr and "run at least 30 steps" in bad.stderr


# The robust predictions at reduced size (1,500 consumers, 100 sellers, shorter horizons, 10-12
# common seeds). They assert what theory predicts: the direction, with the 95% CI excluding 0.
# Only tipping is asserted here: at the default size the bottleneck (T3), the aggregate
# add-before-close (T6) and the flywheel ablation (T9) checks do not hold (docs/odd.md, "Theory
# experiments"); add-before-leave is asserted per seller in tests/model/test_economics.py.
REDUCED = {"consumers.n_consumers": 1500, "sellers.n_sellers": 100}


def _judge(tmp_path, name: str, checks: list[int], reps: int, steps: int):
    """Run only the arms that ``checks`` of experiment ``name`` read; their results."""
    from dataclasses import replace

    from experiments.theory.report import run_theory

    spec = load_theory(name)
    chosen = tuple(spec.checks[i] for i in checks)
    arms = tuple(a for a in spec.arms if any(a.name in c.contrast for c in chosen))
    spec = replace(spec, arms=arms, checks=chosen)
    return run_theory([spec], tmp_path, workers=2, reps=reps, steps=steps, sets=REDUCED,
                      progress=False)


def _assert_holds(result) -> None:
    e, c = result.estimate, result.check
    assert e is not None, result.note
    assert result.holds, (f"{c.label}: {e.value:.3g} [{e.low:.3g}, {e.high:.3g}] over {e.n} "
                          f"seeds; theory: CI {c.holds} {c.than:g}")


@pytest.mark.slow
def test_single_homing_with_strong_effects_tips_multi_homing_stays_interior(tmp_path) -> None:
    tips, leader = _judge(tmp_path, "t2_tipping", [0, 2], reps=12, steps=240)
    _assert_holds(leader)
    _assert_holds(tips)
