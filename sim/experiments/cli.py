"""`coalition experiment`: run, resume, inspect and analyse studies.

    coalition experiment run FILE [--backend B] [--workers N] [--scheduler ADDRESS]
                                  [--out-root DIR] [--batch N] [--retry-failed] [--quiet]
                                  [--timeout SECONDS]
    coalition experiment status DIR [--json]
    coalition experiment analyze DIR [--on-failure POLICY]
    coalition experiment discover DIR --outcome X (--below T | --above T) [--min-density D]

`run` also resumes: the same command after an interruption runs only what is
missing. Problems with what the user asked for raise `ExperimentError` (or its
subclass `StudyError`) with a message of one line per problem.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from sim.experiments.fields import ExperimentError, StudyError

BACKENDS = ("serial", "processes", "dask")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not 0 < value < math.inf:
        raise argparse.ArgumentTypeError(f"must be a number of seconds > 0, got {text}")
    return value


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add `experiment` with its `run`, `status` and `analyze` subcommands.

    Args:
        subparsers: the `add_subparsers()` object of the `coalition` parser.

    Returns:
        The `experiment` parser.
    """
    exp = subparsers.add_parser("experiment", help="batch experiments and sensitivity studies: "
                                "run (or resume), status, analyze, discover, confirm")
    sub = exp.add_subparsers(dest="experiment_command", required=True)
    run = sub.add_parser("run", help="run an experiment file, or resume it where it stopped")
    run.add_argument("file", type=Path, help="experiment TOML file (see docs/experiments.md)")
    run.add_argument("--backend", choices=BACKENDS, help="where simulations run (default: the "
                     "file's [run] backend, else processes)")
    run.add_argument("--workers", type=_positive, help="worker processes (default: the "
                     "file's [run] workers, else all CPUs)")
    run.add_argument("--scheduler", help="address of a running Dask scheduler, e.g. "
                     "tcp://10.0.0.5:8786 (implies --backend dask)")
    run.add_argument("--out-root", type=Path, default=Path("results"),
                     help="results root (default: results)")
    run.add_argument("--batch", type=_positive, help="simulations per task (default: adaptive, "
                     "about one second of work)")
    run.add_argument("--retry-failed", action="store_true",
                     help="run simulations that failed in earlier sessions again")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.add_argument("--timeout", type=_seconds, help="seconds a simulation may run: one "
                     "that runs longer is stopped and recorded as failed (timeout), the study "
                     "goes on, and a resume runs it again (default: no limit)")
    status = sub.add_parser("status", help="progress of a study: done, failed, remaining")
    status.add_argument("folder", type=Path, help="study folder (results/<study>[/<run-id>])")
    status.add_argument("--json", action="store_true", help="print one JSON document")
    analyze = sub.add_parser("analyze", help="sensitivity analysis of a finished study")
    analyze.add_argument("folder", type=Path, help="study folder (results/<study>[/<run-id>])")
    analyze.add_argument("--on-failure", dest="on_failure", default=None,
                         choices=("drop", "mean"), help="what to do with failed or NaN "
                         "simulations: drop (Morris trajectories, grid/LHS points) or mean "
                         "(fill with the mean); default: refuse and say what failed")
    _add_discover(sub)
    _add_confirm(sub)
    return exp


def handle(args: argparse.Namespace) -> int:
    """Run the `experiment` subcommand in `args`; returns the exit code.

    Raises:
        ExperimentError: a problem with the experiment file, the folder or the arguments.
    """
    command = args.experiment_command
    if command == "run":
        return cmd_run(args)
    if command == "status":
        return cmd_status(args)
    if command == "discover":
        return cmd_discover(args)
    if command == "confirm":
        return cmd_confirm(args)
    return cmd_analyze(args)


def cmd_run(args: argparse.Namespace) -> int:
    """`experiment run`: run or resume, then print where the results are and a status line."""
    from sim.experiments.runner import run_study
    from sim.experiments.store import study_status

    backend = args.backend or ("dask" if args.scheduler else None)
    folder = run_study(args.file, backend=backend, workers=args.workers,
                       scheduler=args.scheduler, out_root=args.out_root,
                       progress=not args.quiet, batch=args.batch,
                       retry_failed=args.retry_failed, timeout=args.timeout)
    print(format_status(study_status(folder)))
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """`experiment status`: done, failed, remaining, elapsed, NaN counts."""
    from sim.experiments.store import study_status

    try:
        status = study_status(args.folder)
    except FileNotFoundError as exc:
        raise ExperimentError(str(exc)) from None
    print(json.dumps(status, indent=1) if args.json else format_status(status))
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    """`experiment analyze`: delegate to sim.sensitivity and print the summary path."""
    from sim.experiments.store import resolve_folder
    from sim.sensitivity import analyze_study

    try:
        folder = resolve_folder(args.folder)
    except FileNotFoundError as exc:
        raise ExperimentError(str(exc)) from None
    try:
        out = Path(analyze_study(folder, on_failure=args.on_failure))
    except ValueError as exc:  # the analysis reports user problems as ValueErrors
        raise ExperimentError(" ".join(str(exc).split())) from None
    summary = out / "summary.md"
    print(summary if summary.is_file() else out)
    return 0


# --- discover: scenario discovery (PRIM, CART) on a finished study ----------------------

def _add_discover(sub) -> None:
    dis = sub.add_parser("discover", help="scenario discovery: where in the uncertain world "
                         "an outcome is below (or above) a threshold (PRIM and CART)")
    dis.add_argument("folder", type=Path, help="study folder (results/<study>[/<run-id>])")
    dis.add_argument("--outcome", required=True, help="a scalar outcome; in a study with "
                     "[policies] also a [differences] name or '<outcome>[<policy>]'")
    side = dis.add_mutually_exclusive_group(required=True)
    side.add_argument("--below", type=float, help="cases of interest: outcome below this")
    side.add_argument("--above", type=float, help="cases of interest: outcome above this")
    dis.add_argument("--min-density", type=_share, default=None, help="density the chosen "
                     "box must reach: the largest box on the peeling trajectory that reaches "
                     "it is chosen (default 0.8)")
    dis.add_argument("--max-p", type=_share, default=None, help="restrictions with a larger "
                     "quasi-p-value are dropped (default 0.05)")


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be in (0, 1], got {value}")
    return value


def cmd_discover(args: argparse.Namespace) -> int:
    """`experiment discover`: PRIM box and CART tree, written to <study>/discovery/."""
    from sim.analysis import discovery

    below = args.below is not None
    threshold = args.below if below else args.above
    options = {k: v for k, v in (("min_density", args.min_density), ("max_p", args.max_p))
               if v is not None}
    try:
        found = discovery.discover(args.folder, args.outcome, threshold, below, **options)
    except FileNotFoundError as exc:
        raise ExperimentError(str(exc)) from None
    except ValueError as exc:
        raise ExperimentError(f"--outcome {args.outcome}: {exc}") from None
    print((found.folder / "discovery.md").read_text(encoding="utf-8").split("\n\n| ")[0])
    print(f"\nOutput: {found.folder}")
    return 0


def _add_confirm(sub) -> None:
    con = sub.add_parser("confirm", help="confirm a discovered box: the outcome over the "
                         "fresh worlds of a study run from its confirm.toml")
    con.add_argument("folder", type=Path, help="study folder (results/<study>[/<run-id>])")
    con.add_argument("--outcome", required=True, help="the outcome the box was discovered on")
    side = con.add_mutually_exclusive_group(required=True)
    side.add_argument("--below", type=float, help="the box's cases: outcome below this")
    side.add_argument("--above", type=float, help="the box's cases: outcome above this")


def cmd_confirm(args: argparse.Namespace) -> int:
    """`experiment confirm`: mean (t interval over worlds) and share of cases (Wilson)."""
    from sim.analysis import box_confirmation

    below = args.below is not None
    threshold = args.below if below else args.above
    try:
        found = box_confirmation.confirm(args.folder, args.outcome, threshold, below)
    except (FileNotFoundError, StudyError) as exc:
        raise ExperimentError(str(exc)) from None
    except ValueError as exc:
        raise ExperimentError(f"--outcome {args.outcome}: {exc}") from None
    print(box_confirmation.format_confirmation(found))
    return 0


def format_status(status: dict) -> str:
    """A few lines: state and counts, elapsed time, NaN outcomes and the commonest errors."""
    lines = [f"Study {status['study']} ({status['run_id']}): {status['state']}, "
             f"{status['done']} of {status['simulations']} simulations done "
             f"({status['failed']} failed, {status['remaining']} remaining), "
             f"{status['elapsed_seconds']:.0f} s",
             f"Folder: {status['folder']}"]
    for kind in ("nan", "inf"):
        bad = {k: v for k, v in status.get(kind, {}).items() if v}
        if bad:
            label = "NaN" if kind == "nan" else "Infinite"
            lines.append(f"{label} outcomes in ok runs: "
                         + ", ".join(f"{k} {v}" for k, v in bad.items()))
    if status.get("timed_out"):
        lines.append(f"{status['timed_out']} simulations timed out; a resume (the same "
                     "command) runs them again")
    for error, count in status["top_errors"].items():
        lines.append(f"  {count} x {error.splitlines()[0] if error else 'unknown error'}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point (`python -m sim.experiments.cli run FILE`), for use before
    the subcommand is wired into `coalition`."""
    parser = argparse.ArgumentParser(prog="coalition", allow_abbrev=False)
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["experiment", *(sys.argv[1:] if argv is None else argv)])
    try:
        return handle(args)
    except ExperimentError as exc:
        for line in str(exc).splitlines():  # several problems: one line each, like `coalition`
            print(f"coalition: error: {line}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("coalition: interrupted; run the same command again to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
