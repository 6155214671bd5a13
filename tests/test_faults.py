"""Faults end with one clear line and a resumable study: locks, full or read-only disks,
unreachable schedulers, simulations that hang or kill their own process."""

from __future__ import annotations

import os
import signal

import pytest
from exp_helpers import function_experiment
from lock_holder import start_holder

from sim.experiments import StudyError, load_experiment, run_study, study_status
from sim.experiments.store import StudyLock


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
