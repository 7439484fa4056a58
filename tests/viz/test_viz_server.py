"""Serving the dashboard: Solara's flags and environment, the offline asset cache, `make viz`."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from viz import assets
from viz.assets import FrontEndAsset, ensure_assets, is_present, missing_assets, required_assets
from viz.server import (
    ALLOWED_ENV,
    DashboardServer,
    HostGuard,
    allowed_hosts,
    free_port,
    port_in_use,
    refusal,
    solara_command,
    solara_env,
)


def test_solara_runs_offline_on_loopback_in_production_mode(tmp_path):
    cmd = solara_command("127.0.0.1", 8123)
    assert cmd[:5] == [sys.executable, "-m", "viz.server", "--solara", "run"] and "viz.app" in cmd
    assert cmd[cmd.index("--host") + 1] == "127.0.0.1" and cmd[cmd.index("--port") + 1] == "8123"
    assert {"--production", "--no-open", "--no-check-version"} <= set(cmd)
    env = solara_env(tmp_path, base={"PATH": "/bin"})
    assert env["SOLARA_ASSETS_PROXY_CACHE_DIR"] == str(tmp_path)
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert env["PATH"] == "/bin"
    assert set(env[ALLOWED_ENV].split(",")) == {"127.0.0.1", "localhost", "::1"}


def test_free_port_is_free():
    port = free_port()
    assert not port_in_use("127.0.0.1", port)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))
        sock.listen()
        assert port_in_use("127.0.0.1", port)


def test_required_assets_follow_the_installed_solara():
    import solara

    template = (Path(solara.__file__).parent / "server/templates/solara.html.j2").read_text()
    wanted = {a.name: a.version for a in required_assets()}
    assert f"@widgetti/solara-vuetify-app@{wanted['@widgetti/solara-vuetify-app']}/" in template
    assert f"requirejs@{wanted['requirejs']}/" in template
    assert {"font-awesome", "@widgetti/vue-grid-layout", "vega", "vega-lite",
            "vega-embed"} <= set(wanted)
    assert FrontEndAsset("vega", "5").dirname == "vega@5"  # the URL's range, not a version


def fake_packaged(root: Path) -> Path:
    """A stand-in for solara-assets' share/solara/cdn: one small file per shipped package."""
    shipped = ["@widgetti/solara-vuetify-app@10.1.1", "requirejs@2.3.6", "font-awesome@4.5.0",
               "@widgetti/vue-grid-layout@2.3.13-alpha.2", "vega@5.9.0", "vega@5.21.0",
               "vega@4.4.0", "vega-lite@5.2.0", "vega-embed@6.20.2"]
    for name in shipped:
        (root / name / "dist").mkdir(parents=True)
        (root / name / "dist" / "main.js").write_text(f"/* {name} */")
    return root


def test_every_file_the_installed_solara_asks_for_is_packaged():
    """solara-assets (pinned in pyproject) ships what the installed Solara loads: offline."""
    packaged = assets.packaged_dir()
    for asset in required_assets():
        assert assets.packaged_source(asset, packaged) is not None, asset.spec


def test_a_major_range_is_served_by_the_highest_shipped_version(tmp_path):
    packaged = fake_packaged(tmp_path / "cdn")
    assert assets.packaged_source(FrontEndAsset("vega", "5"), packaged).name == "vega@5.21.0"
    assert assets.packaged_source(FrontEndAsset("requirejs", "2.3.6"), packaged).name == \
        "requirejs@2.3.6"
    assert assets.packaged_source(FrontEndAsset("vega", "6"), packaged) is None
    with pytest.raises(RuntimeError, match="vega@6 is not among the front-end files"):
        assets.copy_asset(FrontEndAsset("vega", "6"), tmp_path / "cache", packaged)


def test_ensure_assets_copies_only_what_is_missing(tmp_path, monkeypatch):
    packaged = fake_packaged(tmp_path / "cdn")
    monkeypatch.setattr(assets, "packaged_dir", lambda: packaged)
    cache = tmp_path / "cache"
    wanted = required_assets()
    assert missing_assets(cache) == wanted
    ensure_assets(cache)
    assert missing_assets(cache) == []
    vega = next(a for a in wanted if a.name == "vega")
    assert (cache / vega.dirname / "dist" / "main.js").read_text() == "/* vega@5.21.0 */"

    stamp = (cache / wanted[1].dirname / assets._MARKER).stat().st_mtime_ns
    ensure_assets(cache)  # a second run copies nothing
    assert (cache / wanted[1].dirname / assets._MARKER).stat().st_mtime_ns == stamp

    broken = wanted[0]
    (cache / broken.dirname / assets._MARKER).unlink()  # an interrupted copy is redone
    assert not is_present(cache, broken)
    ensure_assets(cache)
    assert is_present(cache, broken)


def test_server_refuses_to_start_without_assets(tmp_path):
    with pytest.raises(RuntimeError, match="make browser-deps"):
        DashboardServer(assets_dir=tmp_path).start()


@pytest.mark.timeout(180)
def test_viz_command_serves_on_loopback_and_prints_its_address():
    """`python -m viz.server` (what `make viz` runs) prints the address it serves, and stops."""
    ensure_assets()
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "viz.server", "--port", str(port)],
                               cwd=assets.REPO_ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)
    output = []
    try:
        deadline = time.monotonic() + 150
        address = None
        while time.monotonic() < deadline and address is None:
            line = process.stdout.readline()
            if not line:
                break
            output.append(line)
            match = re.search(r"Flywheel dashboard: (http://\S+)", line)
            address = match.group(1) if match else None
        assert address == f"http://127.0.0.1:{port}/", "".join(output)
        with urllib.request.urlopen(address, timeout=30) as response:
            assert response.status == 200
            assert b"solara" in response.read().lower()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(60)
    deadline = time.monotonic() + 30
    while port_in_use("127.0.0.1", port) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not port_in_use("127.0.0.1", port)  # Solara stopped with it


def test_cache_layout_is_what_the_proxy_reads(tmp_path):
    """The cache holds ``<name>@<version>/<file>``, as Solara's /_solara/cdn/ proxy looks up."""
    from solara.server.cdn_helper import get_path

    packaged = fake_packaged(tmp_path / "cdn")
    cache = tmp_path / "cache"
    cache.mkdir()
    assets.copy_asset(FrontEndAsset("vega", "5"), cache, packaged)
    found = get_path(cache, "vega@5/dist/main.js")
    assert found.read_text() == "/* vega@5.21.0 */"


LOCAL = allowed_hosts("127.0.0.1")


@pytest.mark.parametrize(("host", "origin", "ok"), [
    ("127.0.0.1:8765", None, True),
    ("localhost:8765", "http://localhost:8765", True),
    ("[::1]:8765", "http://[::1]:8765", True),
    ("evil.example", None, False),                        # DNS rebinding
    ("127.0.0.1:8765", "http://evil.example", False),     # a foreign page's WebSocket
    ("127.0.0.1:8765", "null", False),
    ("127.0.0.1:8765", "file:///tmp/x.html", False),
    (None, None, False),
])
def test_only_local_hosts_and_origins_pass(host, origin, ok):
    assert (refusal(host, origin, LOCAL) is None) is ok


def test_host_names_what_host_binds():
    assert "192.168.1.5" in allowed_hosts("192.168.1.5")
    assert "evil.example" not in allowed_hosts("192.168.1.5")
    assert {"127.0.0.1", "localhost"} <= allowed_hosts("0.0.0.0")


def asgi(guard, scope_type, headers):
    """Call the guard once; return what it sent and whether the app was reached.

    Nothing here waits on I/O, so the coroutine runs to its end in one step (no event loop:
    the browser tests may have one running in this thread)."""
    reached, sent = [], []

    async def app(scope, receive, send):
        reached.append(scope["type"])

    async def receive():
        return {"type": "websocket.connect"}

    async def send(message):
        sent.append(message)

    scope = {"type": scope_type, "headers": [(k.encode(), v.encode()) for k, v in headers]}
    call = HostGuard(app, LOCAL)(scope, receive, send) if guard else app(scope, receive, send)
    with pytest.raises(StopIteration):
        call.send(None)
    return sent, bool(reached)


def test_guard_refuses_foreign_websocket_origin_and_host():
    sent, reached = asgi(True, "websocket", [("host", "127.0.0.1:8765"),
                                             ("origin", "http://evil.example")])
    assert not reached and sent == [{"type": "websocket.close", "code": 1008}]
    sent, reached = asgi(True, "http", [("host", "evil.example:8765")])
    assert not reached and sent[0]["status"] == 403
    sent, reached = asgi(True, "websocket", [("host", "127.0.0.1:8765"),
                                             ("origin", "http://127.0.0.1:8765")])
    assert reached and not sent


def raw_request(port, headers):
    """Status code of a raw HTTP/1.1 request to the local server."""
    lines = [f"{k}: {v}" for k, v in headers.items()]
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(("\r\n".join(["GET /jupyter/api/kernels/k/channels?session_id=s HTTP/1.1",
                                    *lines, "", ""])).encode())
        return int(sock.recv(200).split()[1])


@pytest.mark.timeout(180)
def test_served_dashboard_refuses_a_foreign_origin():
    if missing_assets(assets.cache_dir_from_env()):
        pytest.skip("front-end assets missing: run `make browser-deps`")
    with DashboardServer() as server:
        host = f"127.0.0.1:{server.port}"
        upgrade = {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
                   "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
        assert raw_request(server.port, {"Host": host, **upgrade,
                                         "Origin": "http://evil.example"}) == 403
        assert raw_request(server.port, {"Host": "evil.example", **upgrade}) == 403
        assert raw_request(server.port, {"Host": host, **upgrade,
                                         "Origin": f"http://{host}"}) != 403
