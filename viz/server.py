"""Start the dashboard: Solara on 127.0.0.1, offline assets, no telemetry; print its address.

``python -m viz.server [--port N]`` (what ``make viz`` and ``flywheel viz`` run) checks the
front-end asset cache (fetching from npm what is missing), starts ``solara run viz.app`` in
production mode, waits until the page answers and prints ``Flywheel dashboard: http://...``.
``DashboardServer`` does the same for tests, on a free port, as a context manager.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

from viz.assets import REPO_ROOT, cache_dir_from_env, ensure_assets, missing_assets

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
APP = "viz.app"


def solara_env(assets_dir: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for the Solara process: offline asset cache, telemetry and banner off."""
    env = dict(os.environ if base is None else base)
    env.update({
        "SOLARA_ASSETS_PROXY_CACHE_DIR": str(assets_dir),
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
        "SOLARA_THEME_SHOW_BANNER": "False",
        "MPLBACKEND": "Agg",
        "PYTHONUNBUFFERED": "1",
    })
    return env


def solara_command(host: str, port: int, app: str = APP) -> list[str]:
    """The ``solara run`` command line (production mode, no browser, no version check)."""
    return [sys.executable, "-m", "solara", "run", app, "--host", host, "--port", str(port),
            "--production", "--no-open", "--no-check-version"]


def free_port(host: str = DEFAULT_HOST) -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_in_use(host: str, port: int) -> bool:
    """True when something already accepts connections on ``host:port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


class DashboardServer:
    """A running dashboard process; ``with DashboardServer() as s: ... s.url``."""

    def __init__(self, host: str = DEFAULT_HOST, port: int | None = None,
                 assets_dir: Path | None = None, log: IO[str] | None = None,
                 app: str = APP) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.assets_dir = (assets_dir or cache_dir_from_env()).resolve()
        self.log = log
        self.app = app
        self.process: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        """The page's address."""
        return f"http://{self.host}:{self.port}/"

    def start(self, timeout: float = 120.0) -> DashboardServer:
        """Start Solara and wait until the page answers (raises if it does not)."""
        missing = missing_assets(self.assets_dir)
        if missing:
            raise RuntimeError("front-end assets missing from "
                               f"{self.assets_dir}: {', '.join(a.spec for a in missing)}; "
                               "run `make browser-deps` (or python -m viz.assets)")
        self.process = subprocess.Popen(
            solara_command(self.host, self.port, self.app), cwd=REPO_ROOT,
            env=solara_env(self.assets_dir), stdin=subprocess.DEVNULL,
            stdout=self.log, stderr=subprocess.STDOUT if self.log else None,
            text=True, start_new_session=True)
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout: float) -> None:
        """Poll the page until it answers 200."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"solara exited with code {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url, timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        self.stop()
        raise TimeoutError(f"dashboard did not answer at {self.url} within {timeout:.0f} s")

    def stop(self, timeout: float = 15.0) -> None:
        """Stop Solara (its whole process group), politely first."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout)
        except ProcessLookupError:
            pass

    def __enter__(self) -> DashboardServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    """Serve the dashboard until Ctrl-C."""
    parser = argparse.ArgumentParser(prog="flywheel viz", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=DEFAULT_HOST,
                        help=f"address to listen on (default {DEFAULT_HOST})")
    parser.add_argument("--port", type=int, default=None,
                        help=f"port (default {DEFAULT_PORT}, or a free one if that is taken)")
    args = parser.parse_args(argv)
    port = args.port
    if port is None:
        port = DEFAULT_PORT if not port_in_use(args.host, DEFAULT_PORT) else free_port(args.host)
    elif port_in_use(args.host, port):
        print(f"error: port {port} on {args.host} is already in use", file=sys.stderr)
        return 1
    try:
        assets_dir = ensure_assets(verbose=True)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    server = DashboardServer(args.host, port, assets_dir)

    def _terminate(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # so `finally` stops Solara's process group too

    signal.signal(signal.SIGTERM, _terminate)
    print(f"Starting the Flywheel dashboard on {server.url} ...", flush=True)
    try:
        server.start()
        print(f"\nFlywheel dashboard: {server.url}  (Ctrl-C stops it)\n", flush=True)
        assert server.process is not None
        return server.process.wait()
    except KeyboardInterrupt:
        return 0
    except (RuntimeError, TimeoutError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
