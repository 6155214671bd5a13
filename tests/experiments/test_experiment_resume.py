"""Interrupt a study at any point (kill -9, Ctrl-C) and the same command finishes it:
nothing repeated, nothing lost or duplicated, the same tables as a run straight through."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pandas as pd
import psutil
from exp_helpers import env_with_test_doubles, function_experiment

from sim.experiments import read_runs, run_study, study_status
from sim.experiments.store import shards

SLOW = function_experiment("slow", n=40, name="slow", extra="[fixed]\nseconds = 0.02\n"
                           ).replace("seed = 1", "seed = 1\nreplicates = 3")


def start(path, out_root, *options) -> subprocess.Popen:
    command = [sys.executable, "-m", "sim.experiments.cli", "run", str(path), "--out-root",
               str(out_root), "--quiet", *options]
    # Ctrl-C as in a terminal: a background job of a non-interactive shell (how CI or a
    # script may start pytest) inherits SIGINT ignored, and so would the study.
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env_with_test_doubles(),
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def wait_for_shards(proc: subprocess.Popen, out_root, at_least: int) -> list:
    """Poll until the running study has written `at_least` shards (and is still running)."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        found = [p for p in out_root.glob("slow/*/runs/part-*.parquet")]
        if len(found) >= at_least:
            return found
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.02)
    raise AssertionError("no shards appeared")


def without_wall(folder) -> pd.DataFrame:
    return read_runs(folder).drop(columns="wall_seconds")


def test_kill_9_mid_study_then_resume_equals_a_straight_run(write, tmp_path):
    path = write(SLOW)
    out = tmp_path / "killed"
    proc = start(path, out, "--backend", "processes", "--workers", "2", "--batch", "4")
    wait_for_shards(proc, out, at_least=4)
    folder = next(out.glob("slow/*"))
    assert not (folder / "runs.parquet").exists()  # shards stream before the end
    workers = psutil.Process(proc.pid).children(recursive=True)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    gone, alive = psutil.wait_procs(workers, timeout=15)
    assert not alive, "worker processes outlived the killed study"
    partial = read_runs(folder)
    assert 0 < len(partial) < 120
    assert not partial.duplicated(["point", "replicate"]).any()
    assert study_status(folder)["state"] == "interrupted"

    resumed = run_study(path, out_root=out, backend="serial", progress=False)
    straight = run_study(path, out_root=tmp_path / "straight", backend="serial",
                         progress=False)
    pd.testing.assert_frame_equal(without_wall(resumed), without_wall(straight))
    manifest = json.loads((resumed / "manifest.json").read_text())
    assert manifest["sessions"][0]["state"] == "killed"
    assert manifest["sessions"][-1]["simulations_run"] == 120 - len(partial)
    assert manifest["state"] == "complete" and manifest["counts"]["done"] == 120


def test_ctrl_c_stops_workers_and_the_same_command_resumes(write, tmp_path):
    path = write(SLOW)
    out = tmp_path / "interrupted"
    proc = start(path, out, "--backend", "processes", "--workers", "2", "--batch", "2")
    wait_for_shards(proc, out, at_least=3)
    os.kill(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "run the same command again to resume" in err
    folder = next(out.glob("slow/*"))
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["state"] == "interrupted"
    done = len(read_runs(folder))
    assert len(shards(folder)) >= 3 and done < 120

    again = start(path, out, "--backend", "processes", "--workers", "2")
    out_text, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert "complete, 120 of 120 simulations done (0 failed" in out_text
    runs = read_runs(folder)
    assert len(runs) == 120 and not runs.duplicated(["point", "replicate"]).any()
    sessions = json.loads((folder / "manifest.json").read_text())["sessions"]
    assert sessions[-1]["simulations_run"] == 120 - done
