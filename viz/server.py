"""Start the dashboard: Solara on 127.0.0.1, offline assets, no telemetry; print its address.

``python -m viz.server [--port N]`` (what ``make viz`` and ``flywheel viz`` run) checks the
front-end asset cache (fetching from npm what is missing), starts ``solara run viz.app`` in
production mode, waits until the page answers and prints ``Flywheel dashboard: http://...``.
``DashboardServer`` does the same for tests, on a free port, as a context manager.

Solara's app is served behind :class:`HostGuard`: a request whose ``Host`` header, or whose
``Origin`` (a WebSocket from a web page), names another site is refused, so a page the user
visits cannot drive the dashboard through their browser (DNS rebinding, cross-site WebSocket).
Allowed are 127.0.0.1, localhost, ::1 and what ``--host`` names.
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
from typing import IO, Any
from urllib.parse import urlsplit

from viz.assets import REPO_ROOT, cache_dir_from_env, ensure_assets, missing_assets

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
APP = "viz.app"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
WILDCARD_HOSTS = ("0.0.0.0", "::", "")
ALLOWED_ENV = "FLYWHEEL_VIZ_ALLOWED_HOSTS"
SOLARA_ASGI_APP = "solara.server.starlette:app"


def allowed_hosts(host: str) -> set[str]:
    """Host names the dashboard answers to: loopback, what ``--host`` names, and for a
    wildcard bind (0.0.0.0) this machine's own names and addresses."""
    names = set(LOOPBACK_NAMES)
    if host in WILDCARD_HOSTS:
        own = socket.gethostname()
        names |= {own, socket.getfqdn()}
        try:
            names |= set(socket.gethostbyname_ex(own)[2])
        except OSError:
            pass
    else:
        names.add(host)
    return {n.lower() for n in names if n}


def _host_name(value: str) -> str:
    """``name`` of a ``name[:port]`` or ``[v6]:port`` header value, lower-cased."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def refusal(host: str | None, origin: str | None, allowed: set[str]) -> str | None:
    """Why a request must be refused (None when it may pass)."""
    if host is None or _host_name(host) not in allowed:
        return f"Host {host!r} is not allowed"
    if origin is not None and origin != "null":
        parsed = urlsplit(origin)
        if parsed.scheme not in ("http", "https") or (parsed.hostname or "") not in allowed:
            return f"Origin {origin!r} is not allowed"
    elif origin == "null":
        return "Origin 'null' is not allowed"
    return None


class HostGuard:
    """ASGI wrapper refusing foreign ``Host`` headers and ``Origin``s (HTTP 403)."""

    def __init__(self, app: Any, allowed: set[str]) -> None:
        self.app = app
        self.allowed = allowed

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket"):
            headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                       for k, v in scope.get("headers", [])}
            problem = refusal(headers.get("host"), headers.get("origin"), self.allowed)
            if problem is not None:
                if scope["type"] == "websocket":
                    await receive()  # websocket.connect; closing before accept answers 403
                    await send({"type": "websocket.close", "code": 1008})
                    return
                await send({"type": "http.response.start", "status": 403,
                            "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
                await send({"type": "http.response.body", "body": problem.encode()})
                return
        await self.app(scope, receive, send)


def run_guarded_solara(solara_args: list[str]) -> None:
    """``solara <args>`` with its ASGI app wrapped in :class:`HostGuard` (allowed names from
    the environment, as :func:`solara_env` sets them)."""
    import uvicorn.config
    from solara.__main__ import main as solara_main

    allowed = set(filter(None, os.environ.get(ALLOWED_ENV, "").split(","))) or \
        set(LOOPBACK_NAMES)
    load = uvicorn.config.import_from_string

    def guarded(ref: Any) -> Any:  # uvicorn loads Solara's app by this name
        app = load(ref)
        return HostGuard(app, allowed) if ref == SOLARA_ASGI_APP else app

    uvicorn.config.import_from_string = guarded
    sys.argv = ["solara", *solara_args]
    solara_main()


def solara_env(assets_dir: Path, base: dict[str, str] | None = None,
               host: str = DEFAULT_HOST) -> dict[str, str]:
    """Environment for the Solara process: offline asset cache, telemetry and banner off,
    the host names it answers to."""
    env = dict(os.environ if base is None else base)
    env.update({
        ALLOWED_ENV: ",".join(sorted(allowed_hosts(host))),
        "SOLARA_ASSETS_PROXY_CACHE_DIR": str(assets_dir),
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
        "SOLARA_THEME_SHOW_BANNER": "False",
        "MPLBACKEND": "Agg",
        "PYTHONUNBUFFERED": "1",
    })
    return env


def solara_command(host: str, port: int, app: str = APP) -> list[str]:
    """The ``solara run`` command line (production mode, no browser, no version check),
    started through :func:`run_guarded_solara`."""
    return [sys.executable, "-m", "viz.server", "--solara", "run", app, "--host", host,
            "--port", str(port), "--production", "--no-open", "--no-check-version"]


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
            env=solara_env(self.assets_dir, host=self.host), stdin=subprocess.DEVNULL,
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
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--solara"]:  # the server process itself (see solara_command)
        run_guarded_solara(argv[1:])
        return 0
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
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: --host {args.host} serves the dashboard beyond this machine: anyone "
              "who can reach it can run and change models; use it only on a trusted network",
              file=sys.stderr, flush=True)

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
