"""Fill Solara's front-end asset cache from the ``solara-assets`` package: no Node, no network.

Solara's page loads its JavaScript/CSS bundles (Vuetify app, RequireJS, Font Awesome, the grid
layout, Vega for the charts) through its own ``/_solara/cdn/`` proxy, which downloads them from
a public CDN on first use; offline the page stays blank. The PyPI package ``solara-assets``
(a pinned dependency) ships those bundles under ``<prefix>/share/solara/cdn/``; this module
copies the exact packages the installed Solara asks for into ``<cache>/<name>@<version>/``, the
layout the proxy reads before it tries the CDN. A request for a major range (``vega@5``) is
served by the highest shipped version of that major (``vega@5.21.0``).

The versions are read from the installed Solara (its templates and widget sources), so a
Solara upgrade that asks for a file ``solara-assets`` lacks is reported, not fetched. Running it
again is a no-op once every package is present.

Usage: ``python -m viz.assets [--dir DIR] [--check]`` (``make viz`` and ``make test`` run it).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import sysconfig
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CACHE_DIR = REPO_ROOT / ".solara-assets"
_MARKER = ".flywheel-complete"


@dataclass(frozen=True)
class FrontEndAsset:
    """One front-end package as the Solara CDN proxy addresses it: ``name@version``.

    ``version`` may be an exact version (``10.1.1``) or a major range (``5``) exactly as it
    appears in Solara's URLs; the directory name must match the URL, not the resolved version.
    """

    name: str
    version: str

    @property
    def spec(self) -> str:
        """``name@version``, as in the proxy's URLs."""
        return f"{self.name}@{self.version}"

    @property
    def dirname(self) -> str:
        """The directory below the cache root that the proxy looks in."""
        return f"{self.name}@{self.version}"


# Used only when a pattern is not found in the installed Solara (its layout changed).
_FALLBACK = {
    "@widgetti/solara-vuetify-app": "10.1.1",
    "requirejs": "2.3.6",
    "font-awesome": "4.5.0",
    "@widgetti/vue-grid-layout": "2.3.13-alpha.2",
    "vega": "5",
    "vega-lite": "5",
    "vega-embed": "6",
}

# (package, file inside the solara package to read, regex whose group 1 is the version)
_SOURCES: list[tuple[str, str, str]] = [
    (
        "@widgetti/solara-vuetify-app",
        "server/templates/solara.html.j2",
        r"@widgetti/solara-vuetify-app@([\w.\-]+)/",
    ),
    ("requirejs", "server/templates/solara.html.j2", r"requirejs@([\w.\-]+)/"),
    (
        "@widgetti/vue-grid-layout",
        "widgets/vue/gridlayout.vue",
        r"@widgetti/vue-grid-layout@([\w.\-]+)/",
    ),
    ("vega", "widgets/vue/vegalite.vue", r"/vega@([\w.\-]+)/"),
    ("vega-lite", "widgets/vue/vegalite.vue", r"/vega-lite@([\w.\-]+)/"),
    ("vega-embed", "widgets/vue/vegalite.vue", r"/vega-embed@([\w.\-]+)/"),
]


def _solara_dir() -> Path | None:
    try:
        import solara
    except ImportError:  # pragma: no cover - solara is a hard dependency
        return None
    return Path(solara.__file__).resolve().parent


def required_assets() -> list[FrontEndAsset]:
    """The front-end packages the page loads, at the versions the installed Solara uses."""
    found: dict[str, str] = {}
    root = _solara_dir()
    if root is not None:
        for name, rel, pattern in _SOURCES:
            path = root / rel
            if not path.exists():
                continue
            match = re.search(pattern, path.read_text(encoding="utf-8", errors="replace"))
            if match:
                found[name] = match.group(1)
        try:
            from solara.server.settings import assets as solara_assets

            match = re.search(r"font-awesome@([\w.\-]+)/", solara_assets.fontawesome_path)
            if match:
                found["font-awesome"] = match.group(1)
        except Exception:  # noqa: BLE001 - settings import failing must not block the fallback
            pass
    return [FrontEndAsset(name, found.get(name, version)) for name, version in _FALLBACK.items()]


def cache_dir_from_env() -> Path:
    """The cache directory: ``SOLARA_ASSETS_PROXY_CACHE_DIR`` if set, else ``.solara-assets``."""
    env = os.environ.get("SOLARA_ASSETS_PROXY_CACHE_DIR")
    return Path(env) if env else DEFAULT_CACHE_DIR


def is_present(cache_dir: Path, asset: FrontEndAsset) -> bool:
    """True when the package was fully unpacked into the cache by a previous run."""
    return (cache_dir / asset.dirname / _MARKER).exists()


def missing_assets(cache_dir: Path | None = None) -> list[FrontEndAsset]:
    """The required packages not yet in ``cache_dir``."""
    cache_dir = cache_dir or cache_dir_from_env()
    return [a for a in required_assets() if not is_present(cache_dir, a)]


def packaged_dir() -> Path:
    """Where ``solara-assets`` installed the bundles: ``<data prefix>/share/solara/cdn``."""
    for prefix in (sysconfig.get_path("data"), sys.prefix):
        path = Path(prefix) / "share" / "solara" / "cdn"
        if path.is_dir():
            return path
    return Path(sys.prefix) / "share" / "solara" / "cdn"


def _version_key(version: str) -> tuple:
    return tuple(int(p) if p.isdigit() else -1 for p in re.split(r"[.\-]", version))


def packaged_source(asset: FrontEndAsset, packaged: Path) -> Path | None:
    """The shipped directory serving ``asset``: the exact version, or for a major range
    (``5``) the highest shipped version of that major; None when nothing fits."""
    exact = packaged / asset.dirname
    if exact.is_dir():
        return exact
    if not asset.version.isdigit():
        return None
    parent = (packaged / asset.dirname).parent
    prefix = asset.name.rsplit("/", 1)[-1] + "@"
    candidates = [p for p in parent.glob(f"{prefix}*") if p.is_dir()
                  and p.name[len(prefix):].split(".")[0] == asset.version]
    if not candidates:
        return None
    return max(candidates, key=lambda p: _version_key(p.name[len(prefix):]))


def copy_asset(asset: FrontEndAsset, cache_dir: Path, packaged: Path | None = None) -> Path:
    """Copy one package from ``solara-assets`` to ``cache_dir/<name>@<version>/`` atomically."""
    packaged = packaged or packaged_dir()
    source = packaged_source(asset, packaged)
    if source is None:
        raise RuntimeError(
            f"{asset.spec} is not among the front-end files of the installed solara-assets "
            f"({packaged}); reinstall the project (pip install -e .) or pin solara and "
            "solara-assets to matching versions")
    target = cache_dir / asset.dirname
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="flywheel-assets-", dir=cache_dir) as tmp_str:
        staged = Path(tmp_str) / "package"
        shutil.copytree(source, staged)
        (staged / _MARKER).write_text(f"{asset.spec} <- {source.name}\n")
        if target.exists():
            shutil.rmtree(target)
        staged.rename(target)
    return target


def ensure_assets(cache_dir: Path | None = None, verbose: bool = False) -> Path:
    """Make sure every required package is in the cache; copy only the missing ones.

    Returns the cache directory (pass it to Solara as ``SOLARA_ASSETS_PROXY_CACHE_DIR``).
    """
    cache_dir = (cache_dir or cache_dir_from_env()).resolve()
    cache_dir.mkdir(parents=True, exist_ok=True)
    for asset in missing_assets(cache_dir):
        if verbose:
            print(f"copying {asset.spec} from solara-assets -> {cache_dir / asset.dirname}")
        copy_asset(asset, cache_dir)
    return cache_dir


def main(argv: list[str] | None = None) -> int:
    """Command line: fill the cache, print what was copied (nothing when already complete)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=None, help="cache directory")
    parser.add_argument("--check", action="store_true", help="only report missing packages")
    args = parser.parse_args(argv)
    cache_dir = args.dir or cache_dir_from_env()
    if args.check:
        missing = missing_assets(cache_dir)
        for asset in missing:
            print(f"missing: {asset.spec}")
        return 1 if missing else 0
    try:
        ensure_assets(cache_dir, verbose=True)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
