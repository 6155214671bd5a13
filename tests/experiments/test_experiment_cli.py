"""`coalition experiment run | status | analyze` through sim.experiments.cli."""

from __future__ import annotations

import argparse
import json

from exp_helpers import ISHIGAMI

from sim.experiments.cli import add_parser, main


def test_run_status_and_analyze(write, tmp_path, capsys):
    path = write(ISHIGAMI)
    out = tmp_path / "results"
    assert main(["run", str(path), "--out-root", str(out), "--backend", "serial",
                 "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "complete, 80 of 80 simulations done (0 failed, 0 remaining)" in printed
    assert main(["status", str(out / "ishigami"), "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert (status["done"], status["failed"], status["state"]) == (80, 0, "complete")
    assert main(["analyze", str(out / "ishigami")]) == 0
    summary = capsys.readouterr().out.strip()
    assert summary.endswith("summary.md")


def test_user_errors_are_one_line_with_exit_code_2(write, tmp_path, capsys):
    path = write(ISHIGAMI.replace("[factors.x3]", "[factors.x4]"))
    assert main(["run", str(path), "--out-root", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("coalition: error: ")
    assert "unknown factor 'x4'" in err[0]
    assert main(["status", str(tmp_path / "nothing")]) == 2
    assert "no study here" in capsys.readouterr().err


def test_add_parser_builds_the_three_subcommands():
    parser = argparse.ArgumentParser(prog="coalition")
    add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["experiment", "run", "f.toml", "--scheduler", "tcp://h:8786",
                              "--workers", "3"])
    assert (args.experiment_command, args.scheduler, args.workers) == ("run", "tcp://h:8786", 3)
    args = parser.parse_args(["experiment", "analyze", "d", "--on-failure", "drop"])
    assert args.on_failure == "drop"
