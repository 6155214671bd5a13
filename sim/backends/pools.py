"""Pools: run tasks serially, in local processes or on a Dask cluster.

The one place where worker processes and Dask clusters are started. All three
pools present the same small interface to the driver (`sim.backends.driver`):
`prepare(work)` (starts the workers unless they are running, and sets the work
tasks belong to), `submit(task)`, `wait(futures)`, `result(future)`, `restart()`,
`close()`, and the constants it needs to narrow a crash down to one item
(`per_task`, `kill_limit`, `deaths_per_kill`, `max_in_flight`). A closed pool
starts again on the next `prepare`.

Timeouts: with `timeout` (seconds per item), a task whose items run longer than
`timeout * len(task.items)` has its process stopped and its future raises
`TimedOut`; the driver splits it and records the item that overruns alone. Only
as many tasks as workers are in flight then, so a task's clock starts when it
starts running. The serial pool, when isolated, runs each task in a forked child
process, so a simulation that hangs or kills its process cannot take the study
with it.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import signal
import threading
import time
import warnings
from concurrent.futures.process import BrokenProcessPool

from sim.backends import work as works
from sim.backends.work import Task, run_task, worker_init

BACKENDS = ("serial", "processes", "dask")


class WorkerDied(Exception):
    """The process running a task died."""


class TimedOut(WorkerDied):
    """A task ran past its deadline and its process was stopped."""


class SchedulerUnreachable(Exception):
    """No Dask scheduler answers at the address given."""


DASK_CONNECT_SECONDS = 10  # wait this long for a scheduler before saying it is unreachable


def default_workers() -> int:
    """Worker count when none is given: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


def make_pool(backend: str, workers: int, scheduler=None, timeout: float | None = None,
              isolate: bool = False):
    """A pool for `backend` ("serial", "processes" or "dask").

    Args:
        timeout: seconds an item may run before its process is stopped (None: no limit).
        isolate: serial only: run each task in a child process (always, with a timeout).
    """
    if backend == "serial":
        return SerialPool(timeout, isolate)
    if backend == "processes":
        return ProcessPool(workers, timeout)
    return DaskPool(workers, scheduler, timeout)


def deadline(task: Task, timeout: float | None) -> float | None:
    """Seconds a task may run: `timeout` for each of its items."""
    return None if timeout is None else timeout * len(task.items)


class SerialPool:
    """Runs each task at once, one at a time: in this process, or when isolated (or given a
    timeout) in a forked child process that may die or be stopped without the study."""

    per_task, kill_limit, deaths_per_kill, max_in_flight = True, 1, 1, 1

    def __init__(self, timeout: float | None = None, isolate: bool = False):
        self.timeout, self.isolate = timeout, isolate or timeout is not None

    def prepare(self, work) -> None:
        self.work = work
        if self.isolate:  # built once here, inherited by every forked child
            works.warm(work)

    def submit(self, task: Task) -> cf.Future:
        future: cf.Future = cf.Future()
        if not self.isolate:
            future.set_result(run_task(self.work, task))
            return future
        try:
            future.set_result(run_in_child(self.work, task, deadline(task, self.timeout)))
        except WorkerDied as exc:
            future.set_exception(exc)
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


def run_in_child(work, task: Task, seconds: float | None):
    """`run_task(work, task)` in a forked child process; WorkerDied if it dies, TimedOut
    (after stopping it) if it runs longer than `seconds`."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child_main, args=(work, task, send, os.getpid()),
                            daemon=True)
    with warnings.catch_warnings():  # the fork is of a task runner, not of live threads' work
        warnings.simplefilter("ignore", DeprecationWarning)
        child.start()
    send.close()
    try:
        if not receive.poll(seconds):
            child.kill()
            raise TimedOut(f"ran longer than {seconds:g} s")
        try:
            kind, value = receive.recv()
        except EOFError:
            raise WorkerDied(f"the child process died (exit code {_exit_code(child)})") from None
    finally:  # after a result, an error or Ctrl-C: the child has nothing left to do
        receive.close()
        if child.is_alive():
            child.kill()
        child.join()
    if kind == "error":
        raise value
    return value


def _child_main(work, task: Task, send, parent_pid: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it stops us
    threading.Thread(target=works.exit_with_parent, args=(parent_pid,), daemon=True).start()
    try:
        message = ("ok", run_task(work, task))
    except Exception as exc:  # noqa: BLE001 - reported to the parent as the task's error
        message = ("error", RuntimeError(f"{type(exc).__name__}: {exc}"))
    send.send(message)
    send.close()


def _exit_code(child) -> object:
    child.join(5)
    return child.exitcode


class ProcessPool:
    """A spawn-context ProcessPoolExecutor, replaced by a fresh one when it breaks (or when
    a task overruns its deadline: its workers are stopped)."""

    per_task, kill_limit, deaths_per_kill = False, 2, 1

    def __init__(self, workers: int, timeout: float | None = None):
        self.workers, self.timeout = workers, timeout
        self.max_in_flight = workers if timeout is not None else 2 * workers
        self.executor = None
        self.clock = Deadlines(timeout, ready=lambda: self.workers_started())

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
            initargs=(os.getpid(), self.started, self.work))
        self.clock.restarted()

    def workers_started(self) -> bool:
        return self.started.value > 0

    def submit(self, task: Task) -> cf.Future:
        try:
            future = self.executor.submit(run_task, self.work, task)
        except BrokenProcessPool as exc:
            raise WorkerDied(str(exc)) from None
        self.clock.start(future, task)
        return future

    def wait(self, futures: list) -> set:
        done = cf.wait(futures, timeout=self.clock.wait_for(futures),
                       return_when=cf.FIRST_COMPLETED).done
        if done:
            return done
        overdue = self.clock.expire(futures)
        if overdue:
            self._kill_workers()  # a worker cannot be stopped alone: the pool breaks
        return overdue

    def result(self, future):
        self.clock.check(future)
        try:
            return future.result()
        except BrokenProcessPool as exc:
            raise WorkerDied(str(exc)) from None

    def _kill_workers(self) -> None:
        for child in set(multiprocessing.active_children()) - self.before:
            child.kill()

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


class Deadlines:
    """When each future's task must end: a timeout per item, counted from its submission
    or, if later, from when the pool's workers had started (a worker's start-up is not
    the simulation's time)."""

    POLL = 0.2  # seconds between looks at whether the workers have started

    def __init__(self, timeout: float | None, ready=lambda: True):
        self.timeout, self.ready = timeout, ready
        self.ready_at: float | None = None
        self.due: dict = {}
        self.overdue: dict = {}

    def start(self, future, task: Task) -> None:
        if self.timeout is not None:
            self.due[future] = (time.monotonic(), deadline(task, self.timeout))

    def restarted(self) -> None:
        """The pool's workers were replaced: wait for the new ones to start."""
        self.ready_at = None

    def _due(self, future) -> float:
        submitted, seconds = self.due[future]
        return max(submitted, self.ready_at) + seconds

    def wait_for(self, futures: list) -> float | None:
        """Seconds until the first of `futures` is due (None: no timeout)."""
        if self.timeout is None or not any(f in self.due for f in futures):
            return None
        if self.ready_at is None:
            if not self.ready():
                return self.POLL
            self.ready_at = time.monotonic()
        due = min(self._due(f) for f in futures if f in self.due)
        return max(0.0, due - time.monotonic())

    def expire(self, futures: list) -> set:
        """The futures now past their deadline, marked so `check` raises for them."""
        if self.ready_at is None:
            return set()
        now = time.monotonic()
        late = {f for f in futures if f in self.due and self._due(f) <= now}
        for f in late:
            self.overdue[f] = self.due.pop(f)[1]
        return late

    def check(self, future) -> None:
        """TimedOut if `future` was marked overdue; forget it either way."""
        self.due.pop(future, None)
        if future in self.overdue:
            raise TimedOut(f"ran longer than {self.overdue.pop(future):g} s")


class DaskPool:
    """Tasks on a Dask cluster: a LocalCluster on loopback, or an existing scheduler."""

    per_task, kill_limit = True, 1

    def __init__(self, workers: int, scheduler=None, timeout: float | None = None):
        self.workers, self.scheduler, self.timeout = workers, scheduler, timeout
        self.client = self.cluster = None
        self.deaths_per_kill = 2
        self.max_in_flight = self._in_flight(workers)
        self._checked = 0.0
        self.clock = Deadlines(timeout)

    def _in_flight(self, threads: int) -> int:
        return max(threads, 1) if self.timeout is not None else max(2 * threads, 2)

    def prepare(self, work) -> None:
        if self.client is None:
            self.client, self.cluster = _connect(self.workers, self.scheduler)
            self.deaths_per_kill = 1 + _allowed_failures(self.client)
        if self.timeout is not None:  # runners built before the clocks start
            self.client.run(works.warm, work)
        # Sent with every task, not scattered: a scattered copy dies with its worker.
        self.work = work

    def submit(self, task: Task):
        self._resize()
        future = self.client.submit(run_task, self.work, task, pure=False)
        self.clock.start(future, task)
        return future

    def _resize(self) -> None:
        """Follow the cluster's size (adaptive clusters grow and shrink), every few seconds."""
        if time.monotonic() - self._checked > 5:
            threads = sum(self.client.nthreads().values())
            self.max_in_flight = self._in_flight(threads)
            self._checked = time.monotonic()

    def wait(self, futures: list) -> set:
        from distributed import wait

        try:
            return wait(futures, timeout=self.clock.wait_for(futures),
                        return_when="FIRST_COMPLETED").done
        except TimeoutError:
            overdue = self.clock.expire(futures)
            for future in overdue:
                self._stop(future)
            return overdue

    def _stop(self, future) -> None:
        """Cancel an overdue task and restart the worker running it (a thread cannot be
        stopped; its worker's nanny starts a fresh process)."""
        key = future.key

        def running_on(dask_scheduler, key=key):
            task = dask_scheduler.tasks.get(key)
            return task.processing_on.address if task and task.processing_on else None

        address = self.client.run_on_scheduler(running_on)
        future.cancel()
        if address:
            self.client.restart_workers([address], raise_for_error=False)

    def result(self, future):
        from distributed import KilledWorker

        try:
            self.clock.check(future)
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
        try:
            return Client(scheduler, timeout=DASK_CONNECT_SECONDS), None
        except (OSError, TimeoutError) as exc:
            raise SchedulerUnreachable(
                f"no Dask scheduler answers at {scheduler} (waited {DASK_CONNECT_SECONDS} s: "
                f"{type(exc).__name__}); start it, or check the address") from None
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
