"""Pools: run tasks serially, in local processes or on a Dask cluster.

The one place where worker processes and Dask clusters are started. All three
pools present the same small interface to the driver (`sim.backends.driver`):
`prepare(work)` (starts the workers unless they are running, and sets the work
tasks belong to), `submit(task)`, `wait(futures)`, `result(future)`, `restart()`,
`close()`, and the constants it needs to narrow a crash down to one item
(`per_task`, `kill_limit`, `deaths_per_kill`, `max_in_flight`). A closed pool
starts again on the next `prepare`.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import time
from concurrent.futures.process import BrokenProcessPool

from sim.backends.work import Task, run_task, worker_init

BACKENDS = ("serial", "processes", "dask")


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


class SerialPool:
    """Runs each task at once in this process."""

    per_task, kill_limit, deaths_per_kill, max_in_flight = True, 1, 1, 1

    def prepare(self, work) -> None:
        self.work = work

    def submit(self, task: Task) -> cf.Future:
        future: cf.Future = cf.Future()
        future.set_result(run_task(self.work, task))
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

    def prepare(self, work) -> None:
        self.work = work
        if self.executor is None:
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
            return self.executor.submit(run_task, self.work, task)
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
        self.executor = None


class DaskPool:
    """Tasks on a Dask cluster: a LocalCluster on loopback, or an existing scheduler."""

    per_task, kill_limit = True, 1

    def __init__(self, workers: int, scheduler=None):
        self.workers, self.scheduler = workers, scheduler
        self.client = self.cluster = None
        self.deaths_per_kill = 2
        self.max_in_flight = 2 * workers
        self._checked = 0.0

    def prepare(self, work) -> None:
        if self.client is None:
            self.client, self.cluster = _connect(self.workers, self.scheduler)
            self.deaths_per_kill = 1 + _allowed_failures(self.client)
        # Sent with every task, not scattered: a scattered copy dies with its worker.
        self.work = work

    def submit(self, task: Task):
        self._resize()
        return self.client.submit(run_task, self.work, task, pure=False)

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
        self.client = self.cluster = None


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
