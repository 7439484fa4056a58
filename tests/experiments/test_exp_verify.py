"""Resume and ``analyze`` verify what they read: damaged runs are redone, garbled manifest
lines reported by line number, a fall-back to the manifest said out loud."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from experiments.commands import cmd_analyze, cmd_sweep
from experiments.storage.store import intact
from tests.experiments.helpers import manifest_lines, toy_market_sweep, write

N_RUNS = 6  # 6 points x 1 replication


@pytest.fixture
def swept(tmp_path: Path) -> tuple[Path, Path]:
    spec = write(tmp_path / "s.toml", toy_market_sweep(steps=12, reps=1))
    out = tmp_path / "out"
    assert cmd_sweep(str(spec), out=str(out), progress=False) == 0
    return spec, out


def test_truncated_parquet_is_redone_on_resume(swept: tuple[Path, Path],
                                               capsys: pytest.CaptureFixture) -> None:
    spec, out = swept
    damaged = out / "runs" / "p000002-r000" / "platforms.parquet"
    damaged.write_bytes(damaged.read_bytes()[:100])
    capsys.readouterr()
    assert cmd_sweep(str(spec), out=str(out), progress=False) == 0
    err = capsys.readouterr().err
    assert "run p000002-r000: its Parquet files cannot be read; it is redone" in err
    assert f"1 run(s) done, {N_RUNS - 1} already done" in err
    record = manifest_lines(out)[-1]
    assert record["run_id"] == "p000002-r000" and intact(damaged.parent, record["rows"])


def test_garbled_manifest_line_is_reported_with_its_number(swept: tuple[Path, Path],
                                                           capsys: pytest.CaptureFixture
                                                           ) -> None:
    spec, out = swept
    manifest = out / "manifest.jsonl"
    lines = manifest.read_text().splitlines(keepends=True)
    lines[2] = lines[2][:40] + "\x00garbage\n"
    manifest.write_text("".join(lines))
    capsys.readouterr()
    assert cmd_analyze(str(out)) == 0
    err = capsys.readouterr().err
    assert "manifest.jsonl line 3: not a valid record" in err
    assert cmd_sweep(str(spec), out=str(out), progress=False) == 0  # resume redoes that run
    err = capsys.readouterr().err
    assert "line 3: not a valid record" in err and "1 run(s) done" in err


def test_analyze_says_when_it_falls_back_to_the_manifest(swept: tuple[Path, Path],
                                                         capsys: pytest.CaptureFixture) -> None:
    _, out = swept
    shutil.rmtree(out / "runs")
    capsys.readouterr()
    assert cmd_analyze(str(out)) == 0
    err = capsys.readouterr().err
    assert f"{N_RUNS} run(s)" in err and "their metrics come from the manifest" in err


def test_unreadable_plan_is_named_not_a_traceback(swept: tuple[Path, Path],
                                                  capsys: pytest.CaptureFixture) -> None:
    from experiments.cli import main

    spec, out = swept
    (out / "plan.json").write_text("{garbled")
    assert main(["sweep", str(spec), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err
    last = err.splitlines()[-1]
    assert last.startswith("flywheel sweep: error: --out") and "plan.json cannot be read" in last
    assert "--set-aside" in last
    assert len(manifest_lines(out)) == N_RUNS  # nothing touched


def test_disk_full_is_a_message_and_keeps_what_is_stored(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture) -> None:
    import errno

    from experiments.cli import main
    from experiments.storage.store import RunStore

    spec = write(tmp_path / "s.toml", toy_market_sweep(steps=12, reps=1))
    out = tmp_path / "out"
    real_commit = RunStore.commit
    stored: list[str] = []

    def commit_until_full(self: RunStore, record: dict, tables: dict,
                          files: dict | None = None) -> None:
        if len(stored) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_commit(self, record, tables, files)
        stored.append(record["run_id"])

    monkeypatch.setattr(RunStore, "commit", commit_until_full)
    assert main(["sweep", str(spec), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err
    assert "No space left on device" in err.splitlines()[-1] and "resume" in err.splitlines()[-1]
    assert [r["run_id"] for r in manifest_lines(out)] == stored
