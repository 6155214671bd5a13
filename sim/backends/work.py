"""What a worker runs: tasks of items, one runner per kind of work, failures isolated.

A *work* object describes a kind of work (an experiment's simulations, the
evaluation layer's paired runs). It is sent with every task and must be
picklable. It has

* ``key``: a string naming the work; each worker process builds its runner once
  per key (`runner()`), so a model adapter or a scenario is prepared once, not once
  per task;
* ``runner()``: a function ``task -> result`` run in the worker;
* ``crashed(task, message)``: the result to record for a task whose worker
  process died while running it (no traceback exists then).

`run_task` is the only function a pool runs. `isolated` runs one item inside its
own ``try``, so one item's error never stops the others; exceptions that are not
errors of the item (KeyboardInterrupt, SystemExit) are not caught.
"""

from __future__ import annotations

import os
import signal
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_RUNNERS: dict[str, Callable] = {}


@dataclass(frozen=True)
class Task:
    """A batch of items sent to a worker as one unit. Each item has a `key`."""

    items: tuple

    def split(self) -> list[Task]:
        """One task per item (to find which one kills its worker)."""
        return [Task((item,)) for item in self.items]


@dataclass(frozen=True)
class Done:
    """One item's outcome: its value, or the error and traceback it raised."""

    value: Any
    error: str | None
    traceback: str | None
    seconds: float

    @property
    def ok(self) -> bool:
        return self.error is None


def isolated(function: Callable[[Any], Any], item) -> Done:
    """`function(item)` as a Done; any error of the item is recorded, not raised."""
    start = time.perf_counter()
    try:
        value = function(item)
    except Exception as exc:  # noqa: BLE001 - one item's error must not stop the batch
        return Done(None, f"{type(exc).__name__}: {exc}", traceback.format_exc(),
                    time.perf_counter() - start)
    return Done(value, None, None, time.perf_counter() - start)


def run_task(work, task: Task):
    """Run `task` with the worker's runner for `work` (built on first use)."""
    runner = _RUNNERS.get(work.key)
    if runner is None:
        runner = _RUNNERS[work.key] = work.runner()
    return runner(task)


def warm(work) -> None:
    """Build this process's runner for `work`, and its version fingerprint, now (errors are
    raised again, where they belong, by the first task)."""
    try:
        fingerprint()
        if work.key not in _RUNNERS:
            _RUNNERS[work.key] = work.runner()
    except Exception:  # noqa: BLE001, S110 - the first task reports it
        pass


def worker_init(parent_pid: int, started=None, work=None) -> None:
    """Initializer of a local worker process.

    Ctrl-C is left to the main process, which stops the pool. The worker exits by
    itself if the main process dies (kill -9): otherwise idle workers of a spawn
    pool wait on their task queue for ever. `work`'s runner is built here, so that
    a timeout counts simulations, not imports. `started` (a shared counter) tells the
    main process that workers can start at all, and have their runner.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if work is not None:
        warm(work)
    if started is not None:
        with started.get_lock():
            started.value += 1
    threading.Thread(target=exit_with_parent, args=(parent_pid,), daemon=True).start()


def exit_with_parent(parent_pid: int, every: float = 1.0) -> None:
    """Exit this process (at once, no cleanup) when its parent `parent_pid` is gone."""
    while os.getppid() == parent_pid:
        time.sleep(every)
    os._exit(1)


def fingerprint() -> dict:
    """Versions that shape results, to detect workers that differ from the main process
    (`code`: a digest of the model's source, sim.evaluate.units.code_version)."""
    import platform

    import numpy

    import sim
    from sim.evaluate.units import code_version

    return {"python": platform.python_version(), "numpy": numpy.__version__,
            "sim": sim.__version__, "code": code_version()}
