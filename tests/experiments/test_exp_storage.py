"""Storage: atomic per-run files, a manifest that survives kills, refusal of mixed sweeps."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from experiments.pipeline.plan import plan_replicates
from experiments.pipeline.runner import execute, make_record
from experiments.storage.store import RunStore, StoreError, connect, load_manifest, read_table


def toy_plan(reps: int = 3):
    """Replications of the toy market."""
    return plan_replicates("experiments.toy:market", "toy", {"noise": 0.1}, reps, 5, 12)


def store_run(store: RunStore, task) -> None:
    """Execute one task in-process and commit it."""
    result = execute(task)
    store.commit(make_record(task, result), result.tables)


def test_runs_are_parquet_zstd_files_and_read_back_with_duckdb(tmp_path: Path) -> None:
    plan = toy_plan()
    with RunStore(tmp_path) as store:
        store.prepare(plan.to_json())
        for task in plan.tasks:
            store_run(store, task)
    files = sorted((tmp_path / "runs").glob("*/platforms.parquet"))
    assert [f.parent.name for f in files] == [t.run_id for t in plan.tasks]
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(files[0]).metadata
    assert meta.row_group(0).column(0).compression == "ZSTD"
    df = read_table(tmp_path, "platforms")
    assert sorted(df["run_id"].unique()) == [t.run_id for t in plan.tasks]
    assert len(df) == 3 * 12 * 3  # runs x steps x platforms
    con = connect(tmp_path)
    n = con.execute("SELECT count(DISTINCT run_id) FROM platforms").fetchone()[0]
    seeds = con.execute("SELECT seed FROM manifest ORDER BY run_id").df()["seed"].tolist()
    assert n == 3 and seeds == [t.seed for t in plan.tasks]
    assert not (tmp_path / "tmp").exists(), "staging area must be empty and removed"


def test_torn_manifest_line_is_repaired_and_not_counted(tmp_path: Path) -> None:
    plan = toy_plan()
    with RunStore(tmp_path) as store:
        store.prepare(plan.to_json())
        store_run(store, plan.tasks[0])
    with open(tmp_path / "manifest.jsonl", "ab") as fh:  # a kill in the middle of a write
        fh.write(b'{"run_id": "p000000-r001", "status": "do')
    with RunStore(tmp_path) as store:
        store.prepare(plan.to_json())
        assert store.done_ids() == {plan.tasks[0].run_id}
        store_run(store, plan.tasks[1])
    lines = (tmp_path / "manifest.jsonl").read_text().splitlines()
    assert [json.loads(x)["run_id"] for x in lines] == [t.run_id for t in plan.tasks[:2]]


def test_directory_without_record_is_redone_not_duplicated(tmp_path: Path) -> None:
    plan = toy_plan()
    task = plan.tasks[0]
    with RunStore(tmp_path) as store:
        store.prepare(plan.to_json())
        stale = tmp_path / "runs" / task.run_id  # renamed into place, then killed before record
        stale.mkdir(parents=True)
        (stale / "platforms.parquet").write_bytes(b"garbage")
        assert store.done_ids() == set()
        assert read_table(tmp_path, "platforms").empty  # not in the manifest: not read
        store_run(store, task)
    df = read_table(tmp_path, "platforms")
    assert df["run_id"].unique().tolist() == [task.run_id] and len(df) == 36
    assert len(load_manifest(tmp_path)) == 1


def test_different_sweep_in_same_directory_is_refused(tmp_path: Path) -> None:
    with RunStore(tmp_path) as store:
        store.prepare(toy_plan(3).to_json())
    other = plan_replicates("experiments.toy:market", "toy", {"noise": 0.2}, 3, 5, 12)
    for fresh in (False, True):  # a fresh start never discards another plan's results
        with RunStore(tmp_path) as store, pytest.raises(StoreError, match="different run or"):
            store.prepare(other.to_json(), fresh=fresh)
    with RunStore(tmp_path) as store:
        moved = store.prepare(other.to_json(), aside=True)  # --set-aside keeps them elsewhere
    assert moved is not None and (moved / "plan.json").exists()
    assert json.loads((tmp_path / "plan.json").read_text())["fingerprint"] == other.fingerprint


def test_second_writer_is_locked_out(tmp_path: Path) -> None:
    with RunStore(tmp_path), pytest.raises(StoreError, match="in use"):
        with RunStore(tmp_path):
            pass


def test_manifest_records_provenance(tmp_path: Path) -> None:
    plan = toy_plan(1)
    with RunStore(tmp_path) as store:
        store.prepare(plan.to_json())
        store_run(store, plan.tasks[0])
    rec = load_manifest(tmp_path).iloc[0]
    assert rec["status"] == "done" and rec["scenario"] == "toy"
    assert rec["seed"] == plan.tasks[0].seed and rec["params.noise"] == 0.1
    assert isinstance(rec["code_version"], str) and rec["code_version"]
    assert rec["duration_s"] > 0 and rec["rows.platforms"] == 36
    assert pd.isna(rec["error"])
