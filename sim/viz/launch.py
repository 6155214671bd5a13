"""Start the dashboard's web server: `coalition dashboard [--host] [--port] [--no-browser]`.

Kept apart from `sim.viz.dashboard` so that the command line does not import
Solara, Mesa's visualisation and the model (about two seconds) just to parse its
arguments. The server is `solara run sim.viz.dashboard:page` in production mode
(no reloader), as a child process that stops with Ctrl+C. Solara's usage
telemetry is off unless `SOLARA_TELEMETRY_MIXPANEL_ENABLE` says otherwise.

Before serving, the page's browser files are checked in Solara's CDN cache and
whatever is missing is fetched from the npm registry (`sim.viz.assets`), with a
line on the terminal either way: without them the page stays blank ("Loading
app"). `SOLARA_ASSETS_PROXY_CACHE_DIR` moves the cache (Solara reads it too).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time

APP = "sim.viz.dashboard:page"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def server_command(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                   open_browser: bool = False) -> list[str]:
    """The command that serves the dashboard (Solara opens the browser once it is up)."""
    return [sys.executable, "-m", "solara", "run", APP, "--host", host, "--port", str(port),
            "--production", "--open" if open_browser else "--no-open"]


def server_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    return env


def main(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, open_browser: bool = True) -> int:
    """Serve the dashboard until Ctrl+C or SIGTERM; return the server's exit code (130 when
    stopped that way)."""
    from sim.viz import assets

    try:
        prepare_assets()
    except assets.AssetError as exc:
        print(f"coalition: error: the dashboard's browser files are missing and could not be "
              f"fetched, so its page would stay blank: {exc}", file=sys.stderr)
        return 2
    print(f"coalition dashboard: http://{host}:{port}/  (Ctrl+C to stop)", file=sys.stderr)
    server = subprocess.Popen(server_command(host, port, open_browser), env=server_env())
    previous = _on_sigterm(_interrupt)
    try:
        return server.wait()
    except KeyboardInterrupt:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        return 130
    finally:
        _on_sigterm(previous)


def prepare_assets() -> None:
    """Check the page's browser files in Solara's cache; fetch what is missing (npm), and
    say which on stderr. Raises sim.viz.assets.AssetError if they cannot be fetched."""
    from sim.viz import assets

    where, lacking = assets.cache_dir(), assets.missing()
    if not lacking:
        print(f"coalition dashboard: browser files present in {where}", file=sys.stderr)
        return
    print(f"coalition dashboard: fetching {len(lacking)} browser packages from the npm "
          f"registry into {where} (first use only; about a minute)...", file=sys.stderr,
          flush=True)
    start = time.monotonic()
    assets.fetch(lacking)
    print(f"coalition dashboard: browser files fetched in {time.monotonic() - start:.0f} s",
          file=sys.stderr)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _on_sigterm(handler):
    """Treat SIGTERM like Ctrl+C, so stopping this process stops the server too."""
    try:
        return signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: leave signals alone
        return None


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be between 1 and 65535, got {value}")
    return value


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add the `dashboard` subcommand to an argparse subparsers object."""
    parser = subparsers.add_parser(
        "dashboard", allow_abbrev=False,
        help="open the interactive dashboard (Mesa SolaraViz) in a browser",
        description="Serve the interactive dashboard: two scenarios of the town side by side, "
        "stepped month by month, with the controls generated from the parameter registry.")
    parser.add_argument("--host", default=DEFAULT_HOST,
                        help=f"address to listen on (default {DEFAULT_HOST}: this machine only)")
    parser.add_argument("--port", type=_port, default=DEFAULT_PORT,
                        help=f"port to listen on (default {DEFAULT_PORT})")
    parser.add_argument("--no-browser", action="store_true",
                        help="do not open a browser window")
    return parser


def handle(args: argparse.Namespace) -> int:
    """Run `coalition dashboard` with parsed arguments."""
    return main(host=args.host, port=args.port, open_browser=not args.no_browser)


def parse_standalone(argv: list[str]) -> argparse.Namespace:
    """The arguments of `python -m sim.viz.launch ...` (no abbreviations: `--no` is not
    `--no-browser`)."""
    parser = argparse.ArgumentParser(prog="python -m sim.viz.launch", allow_abbrev=False)
    add_parser(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(["dashboard", *argv])


if __name__ == "__main__":
    sys.exit(handle(parse_standalone(sys.argv[1:])))
