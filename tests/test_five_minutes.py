"""The README's five-minute path: its commands exist as written, its search is small
enough for five minutes on town, and every step shows progress where stderr is a log.

Run times are not measured here (they depend on the machine); what makes the path fit
is the number of simulations, which is measured: at most FIVE_MINUTE_SIMULATIONS.
"""

from __future__ import annotations

import io
import re
import shlex
from pathlib import Path

import pytest

from sim.analysis import optimise
from sim.cli import build_parser

README = Path(__file__).resolve().parent.parent / "README.md"
# On the 2-core development VM, idle, town optimise ran 392 simulations in about 5 minutes
# (0.8 s each with two workers; issue 12): the optimise step must leave the compare step
# (about 1.5 minutes) and a margin within five minutes.
FIVE_MINUTE_SIMULATIONS = 120


def section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end]


def commands() -> list[list[str]]:
    """The `./coalition ...` commands of the section, as argument vectors."""
    found = re.findall(r"`\./coalition ([^`]+)`", section("Five minutes for a strategist"))
    return [shlex.split(c) for c in found]


def test_the_path_has_a_compare_and_an_optimise_step():
    assert [argv[0] for argv in commands()] == ["compare", "optimise"]


@pytest.mark.parametrize("argv", commands(), ids=lambda argv: argv[0])
def test_every_command_of_the_path_parses_as_written(argv):
    args = build_parser().parse_args(argv)  # argparse exits on an unknown option
    assert args.preset == "town"


def test_the_optimise_step_fits_in_five_minutes_and_says_how_many_it_plans():
    argv = next(a for a in commands() if a[0] == "optimise")
    args = build_parser().parse_args(argv)
    planned = optimise.planned_runs(args.seeds, args.budget_evals, 3)
    assert planned <= FIVE_MINUTE_SIMULATIONS
    assert f"({planned} here)" in section("Five minutes for a strategist")


def test_the_default_search_the_readme_describes_is_the_code_default():
    args = build_parser().parse_args(["optimise", "x.toml"])
    text = " ".join(section("Five minutes for a strategist").split())
    assert f"{args.budget_evals} candidates from {args.seeds} seeds" in text
    assert f"about {optimise.planned_runs(args.seeds, args.budget_evals, 3)} simulations" in text


class LogStream(io.StringIO):
    """stderr redirected to a file: not a terminal."""

    def isatty(self) -> bool:
        return False


def test_a_progress_bar_in_a_log_is_plain_lines(monkeypatch):
    from sim.progress import progress_bar

    log = LogStream()
    monkeypatch.setattr("sys.stderr", log)
    with progress_bar(5, "simulating", "run") as bar:
        for _ in range(5):
            bar.update(1)
    lines = log.getvalue().splitlines()
    assert "\r" not in log.getvalue() and lines, log.getvalue()
    assert lines[0].startswith("simulating:") and "5/5" in lines[-1]


def test_optimise_says_what_it_plans_before_it_simulates(monkeypatch):
    log = LogStream()
    monkeypatch.setattr("sys.stderr", log)
    seen = []

    def search(evaluator, *args):
        seen.append(log.getvalue())
        raise KeyboardInterrupt  # stop before any simulation

    monkeypatch.setattr(optimise, "_search", search)
    from sim.scenario import load_scenario

    scenario = load_scenario(README.parent / "experiments" / "coalition-default.toml")
    with pytest.raises(KeyboardInterrupt):
        optimise.optimise(scenario, seeds=2, budget_evals=8, progress=True)
    assert seen and seen[0].startswith("optimise: 94 simulations planned: 8 candidates on 2 "
                                       "seeds"), seen


def test_optimise_estimates_the_time_left_from_a_batch(capsys):
    class Bar:
        total, n = 94, 20

        def write(self, text, file):
            print(text, file=file)

    optimise.say_time_left(Bar(), runs=10, seconds=8.0)
    assert "0.8 s a simulation here; about 59 s left for the 74 still to run" in \
        capsys.readouterr().err
    optimise.say_time_left(Bar(), runs=0, seconds=0.1)  # read back from disk: no estimate
    assert capsys.readouterr().err == ""
