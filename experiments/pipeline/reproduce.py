"""``flywheel reproduce DIR RUN_ID``: re-run one stored run and check it bit for bit.

A run's manifest record holds everything that determines it (model, scenario, parameters,
seed, steps) and what it was made with (scenario file hash, code version, package versions).
The run is repeated in this process and every stored table compared exactly with the new one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from experiments.errors import CommandError
from experiments.models.registry import package_versions, resolve_model, scenario_digest
from experiments.pipeline.plan import RunTask
from experiments.pipeline.runner import code_version, run_columns
from experiments.storage.store import latest_records


class ReproduceError(CommandError):
    """The run cannot be found or re-run (printed without a traceback)."""


@dataclass
class Reproduction:
    """Outcome of re-running a stored run."""

    run_id: str
    identical: list[str] = field(default_factory=list)
    different: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every stored table came out bit for bit the same."""
        return bool(self.identical) and not self.different


def reproduce(directory: str | Path, run_id: str) -> Reproduction:
    """Re-run ``run_id`` of the results in ``directory`` and compare every table exactly."""
    root = Path(directory)
    record = latest_records(root).get(run_id)
    if record is None:
        known = sorted(latest_records(root))
        shown = ", ".join(known[:5]) + (", ..." if len(known) > 5 else "")
        raise ReproduceError(f"run_id = {run_id!r}: no such run in {root}; runs: "
                             f"{shown or 'none'}")
    if record.get("status") != "done":
        raise ReproduceError(f"run {run_id} has status {record.get('status')!r}: only "
                             "finished runs can be reproduced")
    result = Reproduction(run_id)
    digest = scenario_digest(record["model"], record["scenario"])
    if record.get("scenario_sha256") and digest != record["scenario_sha256"]:
        result.notes.append(f"the scenario file {record['scenario']!r} has changed since the "
                            "run (its SHA-256 differs)")
    if record.get("code_version") and record["code_version"] != code_version():
        result.notes.append(f"code version {code_version()!r} differs from the run's "
                            f"{record['code_version']!r}")
    for name, old in (record.get("packages") or {}).items():
        new = package_versions().get(name)
        if new != old:
            result.notes.append(f"{name} {new} here, {old} in the run")
    frames = resolve_model(record["model"])(record["scenario"], dict(record["params"]),
                                            int(record["seed"]), int(record["steps"]))
    for path in sorted((root / "runs" / run_id).glob("*.parquet")):
        stored = pd.read_parquet(path)
        new_frame = frames.get(path.stem)
        task = RunTask(run_id, int(record["point"]), int(record["rep"]), record["model"],
                       record["scenario"], dict(record["params"]), int(record["seed"]),
                       int(record["steps"]))
        own = list(new_frame.columns) if new_frame is not None else []
        stored = stored.drop(columns=["run_id", "point", "rep", *run_columns(task, own)],
                             errors="ignore")
        if new_frame is not None and _same(stored, new_frame):
            result.identical.append(path.stem)
        else:
            result.different.append(path.stem)
    return result


def _same(stored: pd.DataFrame, new: pd.DataFrame) -> bool:
    """Exactly equal values, column names and order (dtypes as Parquet stores them)."""
    if list(stored.columns) != list(new.columns) or len(stored) != len(new):
        return False
    if stored.empty:
        return True
    new = new.reset_index(drop=True)
    stored = stored.reset_index(drop=True)
    for column in stored.columns:
        a, b = stored[column], new[column]
        if pd.api.types.is_numeric_dtype(a) and pd.api.types.is_numeric_dtype(b):
            if not a.to_numpy().tobytes() == b.to_numpy(dtype=a.dtype).tobytes():
                return False
        elif not a.astype(object).equals(b.astype(object)):
            return False
    return True


def cmd_reproduce(directory: str, run_id: str) -> int:
    """Print whether a stored run is reproduced bit for bit; exit status 0 if so, else 1."""
    outcome = reproduce(directory, run_id)
    for note in outcome.notes:
        print(f"note: {note}")
    if outcome.ok:
        print(f"{run_id}: reproduced bit for bit ({', '.join(outcome.identical)})")
        return 0
    print(f"{run_id}: NOT reproduced; tables that differ: {', '.join(outcome.different)}"
          + (f"; identical: {', '.join(outcome.identical)}" if outcome.identical else ""))
    return 1
