"""A separate process that holds a study's lock, for tests of `study.lock`."""

from __future__ import annotations

import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

HOLD = """
import sys, time
from pathlib import Path
from sim.experiments.store import StudyLock
lock = StudyLock(Path(sys.argv[1])).__enter__()
print("held", flush=True)
time.sleep(600)
"""


def start_holder(folder: Path) -> subprocess.Popen:
    """A child process that takes the lock of `folder` and sleeps; returns once it holds it."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    child = subprocess.Popen([sys.executable, "-c", HOLD, str(folder)], stdout=subprocess.PIPE,
                             text=True)
    if child.stdout.readline().strip() != "held":
        child.kill()
        raise RuntimeError("the lock holder did not start")
    return child


@contextmanager
def lock_held(folder: Path):
    """Hold the lock of `folder` in another process for the block; yields that process."""
    child = start_holder(folder)
    try:
        yield child
    finally:
        child.kill()
        child.wait()
