"""The one driver that runs tasks on any pool, surviving crashed workers.

`execute` submits tasks (at most the pool's `max_in_flight` at a time, so memory
stays flat however large the study), collects results in completion order and
hands each to a callback in the main process. A worker process that dies
(``os._exit``, a segfault, the out-of-memory killer) must neither hang the run nor
lose other work:

* processes: the pool breaks and every task in flight fails with
  BrokenProcessPool. The driver starts a fresh pool and re-runs those tasks one
  at a time, so the next crash names its task. A task that crashes while running
  alone is split into single items; an item that kills its worker twice while
  running alone is recorded as crashed (`work.crashed`).
* dask: the scheduler already attributes a death to the task that was running
  (`KilledWorker`, after `distributed.scheduler.allowed-failures` + 1 deaths; our
  LocalCluster sets it to 1). A batch is then split into single items; a single
  item that gets KilledWorker is recorded as crashed.
* serial: runs in the main process, unless isolated (experiments always are) or
  given a timeout: then each task runs in a forked child process, and a task whose
  child dies is split and its single culprit recorded as crashed, as above.

With a timeout (seconds per item), a task that overruns `timeout * items` is
stopped (its process killed; see `sim.backends.pools`), split into single items
that run again alone, and an item that overruns alone is recorded as failed with
an error starting "timeout:".
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Iterable

from sim.backends.pools import SchedulerUnreachable, TimedOut, WorkerDied
from sim.backends.work import Task

MAX_BREAKS_IN_A_ROW = 6  # a crashing item needs at most 4 to be found
DIED = ("worker process died while running this simulation ({times}; os._exit, a crash or "
        "out of memory); no traceback is available")
TIMEOUT = "timeout: the simulation ran longer than {seconds:g} s and was stopped"


def _times(count: int) -> str:
    """'once', '2 times': how often a worker died, in words."""
    return "once" if count == 1 else f"{count} times"


class BackendError(RuntimeError):
    """Work failed outside any item (workers cannot start, a task could not run)."""


def execute(pool, work, tasks: Iterable[Task], on_done: Callable[[Task, object], None],
            keep_open: bool = False) -> None:
    """Run `tasks` on `pool`, calling `on_done` in this process as each finishes.

    Args:
        keep_open: leave the pool's workers running for more work (they are stopped
            anyway if the run ends with tasks in flight: an error or Ctrl-C).

    Raises:
        BackendError: a task failed outside any simulation.
    """
    driver = _Driver(pool, work, tasks, on_done)
    try:
        driver.run()
    finally:
        if driver.in_flight or not keep_open:
            pool.close(kill=bool(driver.in_flight), pending=list(driver.in_flight))


class _Driver:
    """The submit / wait / retry loop shared by every backend."""

    def __init__(self, pool, work, tasks: Iterable[Task], on_done):
        self.pool, self.work, self.on_done = pool, work, on_done
        self.source = iter(tasks)
        self.retry: deque[Task] = deque()  # suspects of a crash, re-run alone
        self.again: deque[Task] = deque()  # never ran (the pool was broken), re-run as new
        self.in_flight: dict = {}
        self.kills: Counter = Counter()
        self.broken = False
        self.breaks_in_a_row = 0

    def run(self) -> None:
        try:
            self.pool.prepare(self.work)
        except SchedulerUnreachable as exc:
            raise BackendError(str(exc)) from None
        while True:
            if not self.broken:
                self.fill()
            if not self.in_flight:
                if self.broken:
                    self.restart()
                    continue
                break
            for future in self.pool.wait(list(self.in_flight)):
                self.collect(future)
            if self.broken and not self.in_flight:
                self.restart()

    def restart(self) -> None:
        """A fresh pool; BackendError if workers cannot start, or pools keep breaking with
        nothing finished between."""
        if not self.pool.workers_started():
            raise BackendError(
                "worker processes die before they can run anything. Common causes: the "
                "program that started the study cannot be imported by new processes (run "
                "it from a file, not from standard input), a module that fails to import in "
                "a fresh process, or too little memory")
        self.breaks_in_a_row += 1
        if self.breaks_in_a_row > MAX_BREAKS_IN_A_ROW:
            raise BackendError(f"worker processes died {self.breaks_in_a_row} times in a row "
                               "without finishing a task or finding a simulation that kills them")
        self.pool.restart()
        self.broken = False

    def fill(self) -> None:
        """Submit work: retries first (alone, for pools that break as a whole), then new."""
        if self.retry:
            if self.pool.per_task:
                while self.retry and len(self.in_flight) < self.pool.max_in_flight:
                    self.submit(self.retry.popleft(), alone=True)
            elif not self.in_flight:
                self.submit(self.retry.popleft(), alone=True)
            return
        while not self.broken and len(self.in_flight) < self.pool.max_in_flight:
            task = self.again.popleft() if self.again else next(self.source, None)
            if task is None:
                break
            self.submit(task, alone=self.pool.per_task)

    def submit(self, task: Task, alone: bool) -> None:
        try:
            future = self.pool.submit(task)
        except WorkerDied:  # the pool broke before we saw it: the task never ran
            self.broken = True
            self.again.append(task)
            return
        self.in_flight[future] = (task, alone)

    def collect(self, future) -> None:
        task, alone = self.in_flight.pop(future)
        try:
            result = self.pool.result(future)
        except TimedOut:
            self.broken = self.broken or not self.pool.per_task
            self.timed_out(task)
            return
        except WorkerDied:
            self.broken = self.broken or not self.pool.per_task
            self.died(task, alone)
            return
        except Exception as exc:
            raise BackendError(f"a batch failed outside any simulation, so the study stops "
                               f"(are `sim` and the model importable on every worker?): "
                               f"{type(exc).__name__}: {exc}") from exc
        self.breaks_in_a_row = 0
        self.on_done(task, result)

    def died(self, task: Task, alone: bool) -> None:
        """Re-run a task whose worker died, narrowing down to the simulation that did it."""
        if not alone:
            self.retry.append(task)
        elif len(task.items) > 1:
            self.retry.extendleft(reversed(task.split()))
        else:
            key = task.items[0].key
            self.kills[key] += 1
            if self.kills[key] >= self.pool.kill_limit:
                times = _times(self.kills[key] * self.pool.deaths_per_kill)
                self.breaks_in_a_row = 0  # found the culprit: that is progress
                self.on_done(task, self.work.crashed(task, DIED.format(times=times)))
            else:
                self.retry.appendleft(task)

    def timed_out(self, task: Task) -> None:
        """Split an overrunning task; record an item that overruns alone (once is enough:
        running it again would only cost another timeout)."""
        self.breaks_in_a_row = 0  # a stopped task is not a pool that keeps breaking
        if len(task.items) > 1:
            self.retry.extendleft(reversed(task.split()))
            return
        self.on_done(task, self.work.crashed(task, TIMEOUT.format(seconds=self.pool.timeout)))
