"""Fixtures of the experiment-layer tests: a real Dask cluster on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.experiments.helpers import REPO, subprocess_env


@pytest.fixture(scope="session")
def dask_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real ``dask scheduler`` and ``dask worker`` (2 processes) on 127.0.0.1."""
    tmp = tmp_path_factory.mktemp("dask")
    sched_file = tmp / "scheduler.json"
    dask = str(Path(sys.executable).parent / "dask")
    env = subprocess_env()
    procs = [subprocess.Popen(
        [dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
         "--scheduler-file", str(sched_file)],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=open(tmp / "sched.log", "w"))]
    try:
        deadline = time.time() + 60
        while not sched_file.exists() and time.time() < deadline:
            time.sleep(0.2)
        assert sched_file.exists(), (tmp / "sched.log").read_text()
        procs.append(subprocess.Popen(
            [dask, "worker", "--scheduler-file", str(sched_file), "--nworkers", "2",
             "--nthreads", "1", "--no-dashboard", "--local-directory", str(tmp / "w"),
             "--host", "127.0.0.1"],
            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=open(tmp / "worker.log", "w")))
        yield json.loads(sched_file.read_text())["address"]
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in reversed(procs):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
