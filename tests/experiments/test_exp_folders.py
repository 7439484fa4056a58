"""Result folders: claimed with a marker, never cleared of a user's files, locked to the end;
models come from the registry, never from a string in a sweep file."""

from __future__ import annotations

from pathlib import Path

import pytest

from experiments import commands
from experiments.commands import CommandError, cmd_run, cmd_sweep
from experiments.models.registry import ModelSpecError, register_model, resolve_model
from experiments.models.toy import market
from experiments.storage.folders import MARKER, recorded
from experiments.storage.store import RunStore, StoreError
from experiments.sweeps.spec import SweepSpecError, load_sweep
from tests.experiments.helpers import manifest_lines, toy_market_sweep, write

TOY = "experiments.toy:market"


def toy_run(out: Path, steps: int = 6, reps: int = 1, **kwargs: object) -> int:
    return cmd_run("toy", reps=reps, steps=steps, seed=2, out=str(out), model=TOY,
                   progress=False, **kwargs)


def test_fresh_run_keeps_a_users_files_and_refuses_other_results(tmp_path: Path) -> None:
    out = tmp_path / "res"
    assert toy_run(out, reps=3) == 0
    assert (out / MARKER).is_file() and "report/summary.csv" in recorded(out)
    (out / "report" / "thesis.tex").write_text("my thesis")
    (out / "analysis").mkdir()
    (out / "analysis" / "notes.md").write_text("my notes")
    (out / "tmp").mkdir(exist_ok=True)
    (out / "tmp" / "scratch.txt").write_text("mine")
    assert toy_run(out, reps=3) == 0  # the same command again redoes its own runs
    assert len(manifest_lines(out)) == 3
    with pytest.raises(CommandError, match="different run or sweep.*--set-aside"):
        toy_run(out, steps=3)  # a different plan: refused, nothing touched
    assert len(manifest_lines(out)) == 3
    for rel, text in (("report/thesis.tex", "my thesis"), ("analysis/notes.md", "my notes"),
                      ("tmp/scratch.txt", "mine")):
        assert (out / rel).read_text() == text


def test_set_aside_moves_old_results_and_user_files_intact(tmp_path: Path) -> None:
    out = tmp_path / "res"
    assert toy_run(out, reps=2) == 0
    (out / "report" / "thesis.tex").write_text("my thesis")
    assert toy_run(out, steps=3, aside=True) == 0
    [old] = list(tmp_path.glob("res.old-*"))
    assert (old / "report" / "thesis.tex").read_text() == "my thesis"
    assert len(manifest_lines(old)) == 2 and len(manifest_lines(out)) == 1


def test_a_folder_flywheel_did_not_create_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "tmp").mkdir(parents=True)
    (home / "tmp" / "download.iso").write_text("x")
    with pytest.raises(CommandError, match="not empty.*not created by flywheel"):
        toy_run(home, aside=True)
    assert (home / "tmp" / "download.iso").exists() and not (home / MARKER).exists()
    afile = tmp_path / "file.txt"
    afile.write_text("x")
    with pytest.raises(CommandError, match="is a file"):
        toy_run(afile)
    assert afile.read_text() == "x"


def test_lock_is_held_until_the_report_is_written(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "res"
    seen: list[str] = []
    real = commands._report_run

    def report_while_checking_lock(out_dir: Path, *args: object) -> int:
        with pytest.raises(StoreError, match="in use"), RunStore(out_dir):
            pass
        seen.append("locked")
        return real(out_dir, *args)

    monkeypatch.setattr(commands, "_report_run", report_while_checking_lock)
    assert toy_run(out) == 0 and seen == ["locked"]
    with RunStore(out):  # released afterwards
        pass


def test_sweep_resume_keeps_users_tmp_files_and_fresh_removes_only_own(tmp_path: Path) -> None:
    spec = write(tmp_path / "s.toml", toy_market_sweep(steps=5, reps=1))
    out = tmp_path / "sw"
    assert cmd_sweep(str(spec), out=str(out), progress=False) == 0
    (out / "tmp").mkdir(exist_ok=True)
    (out / "tmp" / "mine.txt").write_text("keep")
    (out / "notes.md").write_text("keep")
    assert cmd_sweep(str(spec), out=str(out), progress=False) == 0
    assert cmd_sweep(str(spec), out=str(out), fresh=True, progress=False) == 0
    assert (out / "tmp" / "mine.txt").read_text() == "keep"
    assert (out / "notes.md").read_text() == "keep"
    assert len(manifest_lines(out)) == 6 and (out / "metrics.csv").exists()


def test_code_executing_sweep_file_is_refused_before_anything_runs(tmp_path: Path) -> None:
    victim = tmp_path / "pwned"
    text = toy_market_sweep(model="doctest:run_docstring_examples")
    text = text.replace('scenario = "toy"',
                        f'scenario = ">>> open({str(victim)!r}, \\"w\\").write(\\"x\\")"')
    spec = write(tmp_path / "evil.toml", text)
    with pytest.raises(SweepSpecError, match="doctest:run_docstring_examples.*not a registered"):
        load_sweep(spec)
    with pytest.raises(CommandError, match="not a registered model"):
        cmd_sweep(str(spec), out=str(tmp_path / "out"), progress=False)
    assert not victim.exists() and not (tmp_path / "out").exists()


def test_registered_model_is_swept_by_name(tmp_path: Path) -> None:
    calls: list[int] = []

    def counted_market(scenario: str, params: dict, seed: int, steps: int) -> dict:
        calls.append(seed)
        return market(scenario, params, seed, steps)

    register_model("lab.counted_market", counted_market)
    assert resolve_model("lab.counted_market") is counted_market
    with pytest.raises(ModelSpecError, match="built-in"):
        register_model(TOY, counted_market)
    spec = write(tmp_path / "s.toml", toy_market_sweep(steps=4, reps=1,
                                                       model="lab.counted_market"))
    assert cmd_sweep(str(spec), out=str(tmp_path / "out"), progress=False) == 0
    assert len(calls) >= 6  # six design points (plus the probe run)


def test_result_folder_from_before_the_marker_is_adopted(tmp_path: Path) -> None:
    spec = write(tmp_path / "s.toml", toy_market_sweep(steps=5, reps=1))
    out = tmp_path / "sw"
    assert cmd_sweep(str(spec), out=str(out), progress=False) == 0
    (out / MARKER).unlink()  # as written by an earlier version
    assert cmd_sweep(str(spec), out=str(out), progress=False) == 0
    assert (out / MARKER).is_file() and len(manifest_lines(out)) == 6
