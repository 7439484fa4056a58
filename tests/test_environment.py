"""The environment is locked: installs come from requirements/*.txt, runtime apart from tools."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
TOOLS = {"pytest", "pytest-timeout", "playwright", "ruff"}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(spec: str) -> str:
    return canonical(re.split(r"[<>=!~;\[ ]", spec, maxsplit=1)[0])


def pins(lock: str) -> dict[str, str]:
    """Package -> pinned version of a lock file (one version per package)."""
    result = {}
    for line in (REPO / "requirements" / lock).read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        if match:
            result[canonical(match[1])] = match[2]
    return result


def test_every_dependency_is_pinned_and_runtime_has_no_tools():
    runtime, test = pins("runtime.txt"), pins("test.txt")
    assert {requirement_name(d) for d in PROJECT["dependencies"]} <= set(runtime)
    extras = PROJECT["optional-dependencies"]
    assert {requirement_name(d) for d in extras["test"] + extras["dev"]} <= set(test)
    assert not TOOLS & set(runtime)
    # the test lock is the runtime lock plus tools: shared packages have the same versions
    assert {k: test[k] for k in runtime if k in test} == runtime


def test_installed_versions_are_the_locked_ones():
    locked = pins("test.txt")
    for name in ("numpy", "mesa", "pandas", "pyarrow", "scipy", "salib", "dask", "filelock"):
        assert version(name) == locked[name], name


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_installs_from_the_lock_files():
    def recipe(target: str) -> str:
        return subprocess.run(["make", "-n", "-B", target], cwd=REPO, capture_output=True,
                              text=True, check=True).stdout

    run = recipe("run")
    assert "-r requirements/runtime.txt" in run and "--no-deps -e ." in run
    assert "requirements/test.txt" not in run and "[test]" not in run
    assert "-r requirements/test.txt" in recipe("test")
