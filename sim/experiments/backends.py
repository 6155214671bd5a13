"""Backends: run tasks serially, in local processes or on a Dask cluster, surviving crashes.

All three present the same small pool interface to one driver, `execute`:
tasks go out (at most `max_in_flight` at a time, so memory stays flat however
large the study), results come back in completion order and are handed to a
callback in the main process, which writes them to disk.

A worker process that dies (``os._exit``, a segfault, the out-of-memory
killer) must neither hang the study nor lose other simulations:

* processes: the pool breaks and every task in flight fails with
  BrokenProcessPool. The driver starts a fresh pool and re-runs those tasks
  one at a time, so the next crash names its task. A task that crashes while
  running alone is split into single simulations; a simulation that kills its
  worker twice while running alone is recorded as failed.
* dask: the scheduler already attributes a death to the task that was running
  (`KilledWorker`, after `distributed.scheduler.allowed-failures` + 1 deaths; our
  LocalCluster sets it to 1). A batch is then split into single simulations;
  a single simulation that gets KilledWorker is recorded as failed.
* serial: runs in the main process; a simulation that raises is recorded as
  failed, but one that kills the process kills the study (rerun to resume).
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from concurrent.futures.process import BrokenProcessPool

from sim.experiments.fields import StudyError
from sim.experiments.tasks import (
    BatchResult,
    Payload,
    Task,
    crashed_result,
    run_batch,
    worker_init,
)

BACKENDS = ("serial", "processes", "dask")
MAX_BREAKS_IN_A_ROW = 6  # a crashing simulation needs at most 4 to be found
DIED = ("worker process died while running this simulation ({times}; os._exit, a crash or "
        "out of memory); no traceback is available")


class WorkerDied(Exception):
    """The process running a task died."""


def default_workers() -> int:
    """Worker count when none is given: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


def make_pool(backend: str, workers: int, scheduler=None):
    """A pool for `backend` ("serial", "processes" or "dask")."""
    if backend == "serial":
        return SerialPool()
    if backend == "processes":
        return ProcessPool(workers)
    return DaskPool(workers, scheduler)


def execute(pool, payload: Payload, tasks: Iterable[Task],
            on_done: Callable[[Task, BatchResult], None]) -> None:
    """Run `tasks` on `pool`, calling `on_done` in this process as each finishes.

    Raises:
        StudyError: a task failed outside any simulation.
    """
    driver = _Driver(pool, payload, tasks, on_done)
    try:
        driver.run()
    finally:
        pool.close(kill=bool(driver.in_flight), pending=list(driver.in_flight))


class _Driver:
    """The submit / wait / retry loop shared by every backend."""

    def __init__(self, pool, payload: Payload, tasks: Iterable[Task], on_done):
        self.pool, self.payload, self.on_done = pool, payload, on_done
        self.source = iter(tasks)
        self.retry: deque[Task] = deque()  # suspects of a crash, re-run alone
        self.again: deque[Task] = deque()  # never ran (the pool was broken), re-run as new
        self.in_flight: dict = {}
        self.kills: Counter = Counter()
        self.broken = False
        self.breaks_in_a_row = 0

    def run(self) -> None:
        self.pool.prepare(self.payload)
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
        """A fresh pool; StudyError if workers cannot start, or pools keep breaking with
        nothing finished between."""
        if not self.pool.workers_started():
            raise StudyError(
                "worker processes die before they can run anything. Common causes: the "
                "program that started the study cannot be imported by new processes (run "
                "it from a file, not from standard input), a module that fails to import in "
                "a fresh process, or too little memory")
        self.breaks_in_a_row += 1
        if self.breaks_in_a_row > MAX_BREAKS_IN_A_ROW:
            raise StudyError(f"worker processes died {self.breaks_in_a_row} times in a row "
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
        except WorkerDied:
            self.broken = self.broken or not self.pool.per_task
            self.died(task, alone)
            return
        except Exception as exc:
            raise StudyError(f"a batch failed outside any simulation, so the study stops "
                             f"(are `sim` and the model importable on every worker?): "
                             f"{type(exc).__name__}: {exc}") from exc
        self.breaks_in_a_row = 0
        self.on_done(task, result)

    def died(self, task: Task, alone: bool) -> None:
        """Re-run a task whose worker died, narrowing down to the simulation that did it."""
        if not alone:
            self.retry.append(task)
        elif len(task.sims) > 1:
            self.retry.extendleft(reversed(task.split()))
        else:
            key = task.sims[0].key
            self.kills[key] += 1
            if self.kills[key] >= self.pool.kill_limit:
                times = f"{self.kills[key] * self.pool.deaths_per_kill} times"
                self.breaks_in_a_row = 0  # found the culprit: that is progress
                self.on_done(task, crashed_result(self.payload.experiment, task,
                                                  DIED.format(times=times)))
            else:
                self.retry.appendleft(task)


class SerialPool:
    """Runs each task at once in this process."""

    per_task, kill_limit, deaths_per_kill, max_in_flight = True, 1, 1, 1

    def prepare(self, payload: Payload) -> None:
        self.payload = payload

    def submit(self, task: Task) -> cf.Future:
        future: cf.Future = cf.Future()
        future.set_result(run_batch(self.payload, task))
        return future

    def wait(self, futures: list) -> list:
        return futures

    def result(self, future):
        return future.result()

    def restart(self) -> None:
        """Nothing to restart."""

    def workers_started(self) -> bool:
        return True

    def close(self, kill: bool = False, pending: list | None = None) -> None:
        """Nothing to close."""


class ProcessPool:
    """A spawn-context ProcessPoolExecutor, replaced by a fresh one when it breaks."""

    per_task, kill_limit, deaths_per_kill = False, 2, 1

    def __init__(self, workers: int):
        self.workers = workers
        self.max_in_flight = 2 * workers
        self.executor = None
        self.children: set = set()

    def prepare(self, payload: Payload) -> None:
        self.payload = payload
        self._start()

    def _start(self) -> None:
        self.before = set(multiprocessing.active_children())
        context = multiprocessing.get_context("spawn")
        self.started = context.Value("i", 0)  # workers that got as far as their initializer
        self.executor = cf.ProcessPoolExecutor(
            self.workers, mp_context=context, initializer=worker_init,
            initargs=(os.getpid(), self.started))

    def workers_started(self) -> bool:
        return self.started.value > 0

    def submit(self, task: Task) -> cf.Future:
        try:
            return self.executor.submit(run_batch, self.payload, task)
        except BrokenProcessPool as exc:
            raise WorkerDied(str(exc)) from None

    def wait(self, futures: list) -> set:
        return cf.wait(futures, return_when=cf.FIRST_COMPLETED).done

    def result(self, future):
        try:
            return future.result()
        except BrokenProcessPool as exc:
            raise WorkerDied(str(exc)) from None

    def restart(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)
        self._start()

    def close(self, kill: bool = False, pending: list | None = None) -> None:
        if self.executor is None:
            return
        if kill:  # Ctrl-C or an error: stop the workers' current simulations too
            for child in set(multiprocessing.active_children()) - self.before:
                child.terminate()
        self.executor.shutdown(wait=not kill, cancel_futures=True)


class DaskPool:
    """Tasks on a Dask cluster: a LocalCluster on loopback, or an existing scheduler."""

    per_task, kill_limit = True, 1

    def __init__(self, workers: int, scheduler=None):
        self.workers, self.scheduler = workers, scheduler
        self.client = self.cluster = None
        self.deaths_per_kill = 2
        self.max_in_flight = 2 * workers
        self._checked = 0.0

    def prepare(self, payload: Payload) -> None:
        self.client, self.cluster = _connect(self.workers, self.scheduler)
        self.deaths_per_kill = 1 + _allowed_failures(self.client)
        # Sent with every task, not scattered: a scattered copy dies with its worker.
        self.payload = payload

    def submit(self, task: Task):
        self._resize()
        return self.client.submit(run_batch, self.payload, task, pure=False)

    def _resize(self) -> None:
        """Follow the cluster's size (adaptive clusters grow and shrink), every few seconds."""
        if time.monotonic() - self._checked > 5:
            threads = sum(self.client.nthreads().values())
            self.max_in_flight = max(2 * threads, 2)
            self._checked = time.monotonic()

    def wait(self, futures: list) -> set:
        from distributed import wait

        return wait(futures, return_when="FIRST_COMPLETED").done

    def result(self, future):
        from distributed import KilledWorker

        try:
            return future.result()
        except KilledWorker as exc:
            raise WorkerDied(str(exc)) from None
        finally:
            future.release()

    def restart(self) -> None:
        """Dask workers are restarted by their nannies."""

    def workers_started(self) -> bool:
        return True

    def close(self, kill: bool = False, pending: list | None = None) -> None:
        if self.client is None:
            return
        if kill and pending:
            self.client.cancel(pending)
        if self.scheduler is None or isinstance(self.scheduler, str):
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _connect(workers: int, scheduler):
    """(client, cluster): our own LocalCluster on loopback, or a client of `scheduler`."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler is not None and not isinstance(scheduler, str):
        return scheduler, None  # a Client the caller made (e.g. in a notebook)
    if scheduler is not None:
        return Client(scheduler), None
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address="127.0.0.1:0",
                               worker_dashboard_address="127.0.0.1:0")
    return Client(cluster), cluster


def _allowed_failures(client) -> int:
    """The scheduler's allowed-failures setting (deaths tolerated before KilledWorker)."""
    try:
        return int(client.run_on_scheduler(
            lambda dask_scheduler: dask_scheduler.allowed_failures))
    except Exception:  # noqa: BLE001 - only used for the failure message
        return 3
