"""One code path for every executor: identical results serial, process pool and Dask cluster."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from experiments.commands import cmd_sweep
from experiments.pipeline.executors import make_backend
from experiments.pipeline.plan import plan_sweep
from experiments.pipeline.replicate import replication_seeds
from experiments.pipeline.runner import run_plan
from experiments.storage.store import load_manifest, read_table
from experiments.sweeps.spec import load_sweep
from tests.experiments.helpers import SMALL_REAL, manifest_lines, toy_market_sweep, write

REAL_SWEEP = f"""
[sweep]
scenario = "flywheel"
design = "grid"
replications = 2
steps = 12
seed = 5
[fixed]
"consumers.n_consumers" = {SMALL_REAL["consumers.n_consumers"]}
"sellers.n_sellers" = {SMALL_REAL["sellers.n_sellers"]}
[parameters]
"platforms.marketplace.referral_fee" = {{ values = [0.05, 0.25] }}
[[metrics]]
name = "share"
table = "platforms"
column = "gmv_share"
where = {{ platform = "marketplace" }}
agg = "mean"
"""


def results(out: Path) -> dict[str, pd.DataFrame]:
    """Every table of a finished sweep, in a canonical order, plus the metrics and seeds."""
    tables = {}
    for name in ("platforms", "migration", "seller_profit"):
        df = read_table(out, name)
        tables[name] = df.sort_values(list(df.columns)).reset_index(drop=True)
    man = load_manifest(out)
    keep = ["run_id", "seed"] + [c for c in man.columns if c.startswith(("metrics.", "params."))]
    tables["manifest"] = man[keep]
    return tables


def run_sweep(spec_path: Path, out: Path, workers: int = 1, scheduler: str | None = None) -> None:
    """Plan and run a sweep file."""
    plan = plan_sweep(load_sweep(spec_path))
    with make_backend(workers, scheduler) as backend:
        outcome = run_plan(plan, out, backend, progress=False)
    assert outcome.done == len(plan.tasks) and not outcome.failed


@pytest.mark.parametrize("kind", ["toy", "real"])
def test_identical_serial_parallel_and_dask_cluster(tmp_path: Path, dask_cluster: str,
                                                    kind: str) -> None:
    text = toy_market_sweep() if kind == "toy" else REAL_SWEEP
    spec = write(tmp_path / "s.toml", text)
    run_sweep(spec, tmp_path / "serial", workers=1)
    run_sweep(spec, tmp_path / "pool", workers=2)
    run_sweep(spec, tmp_path / "dask", scheduler=dask_cluster)
    base = results(tmp_path / "serial")
    assert len(base["manifest"]) == (12 if kind == "toy" else 4)
    for other in ("pool", "dask"):
        got = results(tmp_path / other)
        for name, df in base.items():
            pd.testing.assert_frame_equal(got[name], df, check_exact=True, obj=f"{other}:{name}")
    hosts = {r["pid"] for r in manifest_lines(tmp_path / "dask")}
    assert len(hosts) >= 1 and all(p > 0 for p in hosts)


def test_common_random_numbers_across_points(tmp_path: Path) -> None:
    spec = load_sweep(write(tmp_path / "s.toml", toy_market_sweep(reps=3)))
    plan = plan_sweep(spec)
    seeds = replication_seeds(99, 3)
    assert len(set(seeds)) == 3
    for task in plan.tasks:
        assert task.seed == seeds[task.rep]  # same seed for replication r at every point
    assert plan_sweep(spec).fingerprint == plan.fingerprint  # reproducible plan


def test_failed_runs_recorded_with_traceback_and_sweep_goes_on(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture
                                                               ) -> None:
    spec = write(tmp_path / "s.toml", toy_market_sweep(extra_fixed="fail_above = 2.5"))
    out = tmp_path / "out"
    assert cmd_sweep(str(spec), out=str(out), workers=2, progress=False) == 1
    err = capsys.readouterr().err
    recs = {r["run_id"]: r for r in manifest_lines(out)}
    failed = sorted(k for k, r in recs.items() if r["status"] == "failed")
    done = sorted(k for k, r in recs.items() if r["status"] == "done")
    assert len(failed) == 4 and len(done) == 8  # price_sensitivity 3.0 fails: 2 fees x 2 reps
    for rid in failed:
        assert "RuntimeError: toy market refuses" in recs[rid]["traceback"]
        assert recs[rid]["params"]["price_sensitivity"] == 3.0
        assert not (out / "runs" / rid).exists()
        assert rid in err
    assert "4 run(s) FAILED" in err
    assert sorted(read_table(out, "platforms")["run_id"].unique()) == done
    # re-running retries only the failures; finished runs are not redone
    assert cmd_sweep(str(spec), out=str(out), workers=1, progress=False) == 1
    lines = manifest_lines(out)
    assert len(lines) == 12 + 4
    assert sorted(r["run_id"] for r in lines[12:]) == failed
