"""Start the dashboard's web server: `coalition dashboard [--host] [--port] [--no-browser]`.

Kept apart from `sim.viz.dashboard` so that the command line does not import
Solara, Mesa's visualisation and the model (about two seconds) just to parse its
arguments. The server is `solara run sim.viz.dashboard:page` in production mode
(no reloader), as a child process that stops with Ctrl+C. Solara's usage
telemetry is off unless `SOLARA_TELEMETRY_MIXPANEL_ENABLE` says otherwise.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys

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

    lacking = assets.missing()
    if lacking:
        print(f"note: {len(lacking)} browser packages are not cached yet; Solara fetches them "
              "from its CDN on first use. Offline, run `python -m sim.viz.assets` first "
              "(it uses npm).", file=sys.stderr)
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
        "dashboard", help="open the interactive dashboard (Mesa SolaraViz) in a browser",
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


if __name__ == "__main__":
    _parser = argparse.ArgumentParser(prog="python -m sim.viz.launch")
    _sub = _parser.add_subparsers(dest="command", required=True)
    add_parser(_sub)
    sys.exit(handle(_parser.parse_args(["dashboard", *sys.argv[1:]])))
