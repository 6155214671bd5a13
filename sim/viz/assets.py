"""The browser files a Solara page needs, cached so the dashboard works offline.

A Solara page loads its front end (the Vuetify app, require.js, Font Awesome,
the grid layout, Vega for charts) from a CDN through Solara's own proxy, which
fetches each file on first use and keeps it in `settings.assets.proxy_cache_dir`
(by default `<venv>/share/solara/cdn`). On a machine that can reach the npm
registry but not the CDN (CI here, firewalled offices), the proxy cannot fetch
them, and the page stays blank. This module puts the same npm packages, at the
versions the installed Solara asks for, into that cache with `npm pack`, so the
proxy serves them without going out.

    python -m sim.viz.assets            # fetch what is missing (needs npm)
    python -m sim.viz.assets --check    # list what is missing; exit 1 if anything is

The versions are read from Solara's own templates and widgets, so a Solara
upgrade asks for the new versions by itself.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

# Packages a SolaraViz page with Altair charts needs (others Solara can use, such as
# mermaid, katex or codemirror, are not needed by the dashboard).
NEEDED = ("@widgetti/solara-vuetify3-app", "@widgetti/solara-vuetify-app",
          "@widgetti/vue-grid-layout", "requirejs", "vega", "vega-lite", "vega-embed",
          "font-awesome")
# "<cdn>/<name>@<version>/" in Solara's templates (.j2), widgets (.vue) and settings (.py).
_CDN_REF = re.compile(r"(?:getCdn\(\)\}|\{\{\s*cdn\s*\}\}|cdn\}|_solara/cdn)/"
                      r"((?:@[a-z0-9.-]+/)?[a-z0-9.-]+)@([0-9][0-9A-Za-z.^~-]*)/")


class AssetError(RuntimeError):
    """The assets cannot be fetched (no npm, or npm failed)."""


def cache_dir() -> Path:
    """Where Solara's CDN proxy looks for files before going to the CDN."""
    import solara.server.settings as settings

    return Path(settings.assets.proxy_cache_dir)


def required() -> list[str]:
    """CDN folder names (`name@version`) the installed Solara asks for, e.g. `vega@5`."""
    import solara
    import solara.server.settings as settings
    from solara.util import IPYVUETIFY_V3

    root = Path(solara.__file__).parent
    found: set[str] = set()
    for pattern in ("templates/*.j2", "server/templates/*.j2", "widgets/vue/*.vue",
                    "server/*.py", "components/*.py"):
        for path in root.glob(pattern):
            for name, version in _CDN_REF.findall(path.read_text(errors="replace")):
                if name in NEEDED:
                    found.add(f"{name}@{version}")
    fontawesome = settings.assets.fontawesome_path.strip("/").split("/")[0]
    if settings.assets.fontawesome_enabled and fontawesome:
        found.add(fontawesome)
    # Only the Vuetify app that matches the installed ipyvuetify is loaded.
    unused = "@widgetti/solara-vuetify-app@" if IPYVUETIFY_V3 else "@widgetti/solara-vuetify3-app@"
    return sorted(f for f in found if not f.startswith(unused))


def missing(where: Path | None = None) -> list[str]:
    where = where or cache_dir()
    return [name for name in required() if not (where / name / "package.json").exists()]


def fetch(names: list[str], where: Path | None = None) -> list[str]:
    """`npm pack` each package into a temporary folder and unpack it into the cache.

    The packs run at the same time (each is mostly waiting for the registry). Each
    package goes in whole under `<cache>/<name@version>/`, the path the CDN would
    serve it from; the folder appears only once it is complete.
    """
    where = where or cache_dir()
    npm = shutil.which("npm")
    if names and npm is None:
        raise AssetError("npm is needed to fetch the dashboard's browser files "
                         f"({', '.join(names)}); install it (Debian: apt-get install npm)")
    where.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=where, prefix=".fetch-") as scratch:
        packs = {name: _start_pack(npm, name, Path(scratch) / str(i))
                 for i, name in enumerate(names)}
        for name, (run, tmp) in packs.items():
            _install(name, run, tmp, where)
    return list(names)


def _start_pack(npm: str, name: str, tmp: Path) -> tuple[subprocess.Popen, Path]:
    tmp.mkdir()
    run = subprocess.Popen([npm, "pack", name, "--silent", "--prefer-offline",
                            "--pack-destination", str(tmp)], cwd=tmp, text=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return run, tmp


def _install(name: str, run: subprocess.Popen, tmp: Path, where: Path) -> None:
    """Wait for one `npm pack` and move its package into place."""
    try:
        _, err = run.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        run.kill()
        raise AssetError(f"npm pack {name} took more than 300 s (is the registry "
                         "reachable?)") from None
    tarballs = list(tmp.glob("*.tgz"))
    if run.returncode != 0 or len(tarballs) != 1:
        raise AssetError(f"npm pack {name} failed: {err.strip()[-500:]}")
    with tarfile.open(tarballs[0]) as tar:
        tar.extractall(tmp / "x", filter="data")
    target = where / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        shutil.rmtree(target)
    (tmp / "x" / "package").rename(target)


def ensure() -> list[str]:
    """Fetch whatever is missing; return what was fetched (empty if nothing was)."""
    return fetch(missing())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.viz.assets", allow_abbrev=False,
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only list what is missing")
    args = parser.parse_args(argv)
    lacking = missing()
    if args.check:
        for name in lacking:
            print(name)
        return 1 if lacking else 0
    try:
        fetched = fetch(lacking)
    except AssetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{len(fetched)} fetched into {cache_dir()}" + (f": {', '.join(fetched)}"
                                                         if fetched else " (all present)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
