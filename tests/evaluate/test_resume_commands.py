"""`coalition compare` and `coalition optimise` killed with kill -9 resume where they stopped:
the rerun runs only what was not finished, and its tables equal a run straight through."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pandas as pd
from town_scenarios import scenario_text

from sim.cli import main
from sim.evaluate import Pair, Run

FREE = '[optimise]\nfree = ["targeting"]\n'


def kill_after_units(args: list[str], out, at_least: int) -> int:
    """Start `coalition <args>` serially, kill -9 it once `at_least` units are stored;
    returns how many were stored."""
    command = [sys.executable, "-m", "sim.cli", *args, "--backend", "serial", "--out", str(out)]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        done = [p for p in (out / "units").glob("*") if not p.name.startswith(".")]
        if len(done) >= at_least:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            return len([p for p in (out / "units").glob("*") if not p.name.startswith(".")])
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.02)
    raise AssertionError("no finished units appeared")


def counting(monkeypatch, cls) -> list:
    """Count the units of `cls` that really run (serial backend: in this process)."""
    calls, execute = [], cls.execute
    monkeypatch.setattr(cls, "execute", lambda self: calls.append(self) or execute(self))
    return calls


def test_compare_killed_with_kill_9_resumes_and_equals_a_straight_run(tmp_path, monkeypatch,
                                                                      capsys):
    path = tmp_path / "s.toml"
    path.write_text(scenario_text(name="resume", programme=48, extra=FREE))
    args = ["compare", str(path), "--seeds", "6"]
    stored = kill_after_units(args, tmp_path / "killed", at_least=2)
    assert 2 <= stored < 6 and not (tmp_path / "killed" / "headline.csv").exists()
    calls = counting(monkeypatch, Pair)
    assert main([*args, "--backend", "serial", "--out", str(tmp_path / "killed")]) == 0
    assert len(calls) == 6 - stored
    assert main([*args, "--backend", "serial", "--out", str(tmp_path / "straight")]) == 0
    for name in ("headline.csv", "additionality.csv"):
        pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "killed" / name),
                                      pd.read_csv(tmp_path / "straight" / name))
    assert "Report:" in capsys.readouterr().out


def test_optimise_killed_with_kill_9_resumes_and_equals_a_straight_run(tmp_path, monkeypatch):
    path = tmp_path / "s.toml"
    path.write_text(scenario_text(name="resume", programme=12, extra=FREE))
    args = ["optimise", str(path), "--seeds", "2", "--budget-evals", "4"]
    stored = kill_after_units(args, tmp_path / "killed", at_least=5)
    calls = counting(monkeypatch, Run)
    assert main([*args, "--backend", "serial", "--out", str(tmp_path / "killed")]) == 0
    resumed_runs = len(calls)
    assert main([*args, "--backend", "serial", "--out", str(tmp_path / "straight")]) == 0
    assert resumed_runs == len(calls) - resumed_runs - stored  # only the unfinished ran again
    for name in ("result.txt", "candidates.csv"):
        assert ((tmp_path / "killed" / name).read_text()
                == (tmp_path / "straight" / name).read_text())


def test_compare_and_optimise_on_dask_give_the_serial_answer(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(scenario_text(name="resume", programme=12, extra=FREE))
    commands = {"compare": (["compare", str(path), "--seeds", "2"],
                            ("headline.csv", "additionality.csv")),
                "optimise": (["optimise", str(path), "--seeds", "2", "--budget-evals", "4"],
                             ("result.txt", "candidates.csv"))}
    for command, (args, files) in commands.items():
        for backend in ("serial", "dask"):
            out = tmp_path / command / backend
            assert main([*args, "--backend", backend, "--workers", "2", "--out", str(out)]) == 0
        for name in files:
            assert ((tmp_path / command / "serial" / name).read_text()
                    == (tmp_path / command / "dask" / name).read_text())
