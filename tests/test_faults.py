"""Faults end with one clear line and a resumable study: locks, full or read-only disks,
unreachable schedulers, simulations that hang or kill their own process."""

from __future__ import annotations

import errno
import json
import os
import signal
import sys
from pathlib import Path

import pytest
from lock_holder import start_holder

from sim.experiments import StudyError, load_experiment, run_study, study_status
from sim.experiments.store import StudyLock

sys.path.insert(0, str(Path(__file__).parent / "experiments"))  # shared experiment texts
from exp_helpers import function_experiment  # noqa: E402


@pytest.fixture
def write(tmp_path):
    def _write(text: str, name: str = "exp.toml"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path
    return _write


def study_folder(path, root):
    exp = load_experiment(path)
    return root / exp.name / exp.run_id


def test_a_lock_holder_killed_with_sigkill_frees_the_study_at_once(write, tmp_path):
    path = write(function_experiment("trivial", n=3))
    folder = study_folder(path, tmp_path / "out")
    holder = start_holder(folder)
    try:
        with pytest.raises(StudyError) as refused:
            run_study(path, backend="serial", out_root=tmp_path / "out", progress=False)
        message = str(refused.value)
        assert "\n" not in message and f"in use by PID {holder.pid} on " in message
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert (folder / "study.lock").exists()  # left behind by the dead holder
    run_study(path, backend="serial", out_root=tmp_path / "out", progress=False)
    assert study_status(folder)["state"] == "complete"


def test_the_lock_is_held_for_the_life_of_the_run_and_released_after(tmp_path):
    lock = StudyLock(tmp_path).__enter__()
    try:
        assert StudyLock(tmp_path).held_by_live_process()
        with pytest.raises(RuntimeError, match=f"in use by PID {os.getpid()}"):
            StudyLock(tmp_path).__enter__()
    finally:
        lock.__exit__(None, None, None)
    assert not StudyLock(tmp_path).held_by_live_process()
    StudyLock(tmp_path).__enter__().__exit__(None, None, None)


def finish(path, root, **kw):
    folder = run_study(path, out_root=root, progress=False, **kw)
    return folder, study_status(folder)


@pytest.mark.parametrize("backend", ["serial", "processes"])
def test_a_simulation_that_hangs_past_its_timeout_is_recorded_and_retried_on_resume(
        write, tmp_path, monkeypatch, backend):
    """Points 0, 0.5 and 1; the model hangs at 1 while SIM_TEST_HANG is set."""
    path = write(function_experiment("hangs", n=3))
    monkeypatch.setenv("SIM_TEST_HANG", "1")
    folder, status = finish(path, tmp_path, backend=backend, workers=2, timeout=1.0)
    assert status["state"] == "complete" and status["ok"] == 2 and status["failed"] == 1
    assert status["timed_out"] == 1
    assert next(iter(status["top_errors"])).startswith("timeout: the simulation ran longer "
                                                       "than 1 s")
    monkeypatch.delenv("SIM_TEST_HANG")
    folder, status = finish(path, tmp_path, backend=backend, workers=2, timeout=1.0)
    assert status["ok"] == 3 and status["failed"] == 0
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["sessions"][-1]["simulations_run"] == 1  # only the one that timed out


def test_a_hanging_simulation_on_dask_is_stopped_and_recorded(write, tmp_path, monkeypatch):
    """Dask's worker threads cannot be interrupted: the overdue task's worker is restarted.
    (Resuming is the same code on every backend, tested above.)"""
    path = write(function_experiment("hangs", n=2))
    monkeypatch.setenv("SIM_TEST_HANG", "1")
    _, status = finish(path, tmp_path, backend="dask", workers=1, timeout=1.0)
    assert status["state"] == "complete" and status["ok"] == 1 and status["timed_out"] == 1


@pytest.mark.parametrize("model", ["dies", "kills_itself"])
def test_a_simulation_that_kills_its_process_does_not_kill_a_serial_study(
        write, tmp_path, model):
    path = write(function_experiment(model, n=5))
    folder, status = finish(path, tmp_path, backend="serial")
    assert status["state"] == "complete" and status["ok"] == 4 and status["failed"] == 1
    error = next(iter(status["top_errors"]))
    assert "worker process died" in error
    assert "(once;" in error and "1 times" not in error  # serial: one death finds it
    assert not (folder / "study.lock").exists()
    _, again = finish(path, tmp_path, backend="serial")  # resumable: nothing left to run
    assert again["ok"] == 4 and again["done"] == 5


def test_a_full_disk_ends_with_one_line_and_the_study_resumes(write, tmp_path, monkeypatch):
    from sim.experiments import store

    path = write(function_experiment("trivial", n=6))
    real, writes = store.write_shard, []

    def fills_up(*args, **kwargs):
        writes.append(1)
        if len(writes) >= 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "write_shard", fills_up)
    with pytest.raises(StudyError) as full:
        run_study(path, backend="serial", batch=1, out_root=tmp_path, progress=False)
    message = str(full.value)
    assert "\n" not in message and "the disk is full" in message
    assert "run the same command again to resume" in message
    folder = study_folder(path, tmp_path)
    assert study_status(folder)["done"] == 2 and study_status(folder)["state"] == "failed"
    monkeypatch.setattr(store, "write_shard", real)
    _, status = finish(path, tmp_path, backend="serial")
    assert status["state"] == "complete" and status["ok"] == 6


def test_an_unwritable_output_folder_ends_with_one_line_and_leaves_nothing(
        write, tmp_path, monkeypatch):
    """Simulated: tests may run as root, whom chmod does not stop."""
    from sim.experiments import store

    def refused(path, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(store, "write_table", refused)
    path = write(function_experiment("trivial", n=3))
    with pytest.raises(StudyError) as denied:
        run_study(path, backend="serial", out_root=tmp_path / "out", progress=False)
    assert "\n" not in str(denied.value) and "cannot write to " in str(denied.value)
    assert "permission denied" in str(denied.value)
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a chmod 0o500 folder anyway")
def test_a_read_only_output_root_ends_with_one_line(write, tmp_path):
    root = tmp_path / "ro"
    root.mkdir()
    root.chmod(0o500)
    try:
        path = write(function_experiment("trivial", n=3))
        with pytest.raises(StudyError, match="cannot write to .*permission denied"):
            run_study(path, backend="serial", out_root=root, progress=False)
    finally:
        root.chmod(0o700)


def test_an_unreachable_scheduler_is_one_line_and_leaves_no_study_folder(
        write, tmp_path, monkeypatch, capsys):
    from sim.backends import pools
    from sim.cli import main

    monkeypatch.setattr(pools, "DASK_CONNECT_SECONDS", 1)
    path = write(function_experiment("trivial", n=3))
    code = main(["experiment", "run", str(path), "--scheduler", "tcp://127.0.0.1:1",
                 "--out-root", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and "Traceback" not in err
    assert "no Dask scheduler answers at tcp://127.0.0.1:1" in err
    assert not (tmp_path / "out").exists()


def test_status_flags_infinite_outcomes_like_nan(write, tmp_path):
    from sim.experiments.cli import format_status

    path = write(function_experiment("infinite", n=5))
    _, status = finish(path, tmp_path, backend="serial")
    assert status["inf"] == {"y": 1}
    assert "Infinite outcomes in ok runs: y 1" in format_status(status)
