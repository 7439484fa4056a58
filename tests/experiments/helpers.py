"""Helpers for the experiment-layer tests: sweep files, the CLI in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SMALL_REAL = {"consumers.n_consumers": 300, "sellers.n_sellers": 40}


def subprocess_env() -> dict[str, str]:
    """Environment for child processes: the repo importable, no terminal."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def run_cli(*args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    """``flywheel ARGS`` as a subprocess (``python -m experiments.cli``)."""
    return subprocess.run([sys.executable, "-m", "experiments.cli", *args], cwd=REPO,
                          env=subprocess_env(), capture_output=True, text=True, timeout=timeout)


def write(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` and return the path."""
    path.write_text(text)
    return path


def toy_market_sweep(steps: int = 30, reps: int = 2, extra_fixed: str = "",
                     model: str = "experiments.toy:market") -> str:
    """A small grid sweep of the toy market (6 points)."""
    return f"""
[sweep]
scenario = "toy"
model = "{model}"
design = "grid"
replications = {reps}
steps = {steps}
seed = 99
[fixed]
noise = 0.05
{extra_fixed}
[parameters]
price_sensitivity = {{ range = [1.0, 3.0], num = 3 }}
referral_fee = {{ values = [0.1, 0.2] }}
[[metrics]]
name = "inc_share"
table = "platforms"
column = "gmv_share"
where = {{ platform = "incumbent" }}
agg = "mean"
last_steps = 10
"""


def manifest_lines(out: Path) -> list[dict]:
    """Every manifest record, in order."""
    path = out / "manifest.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
