"""The one backend layer: run work serially, in local processes or on a Dask cluster.

Everything that runs many simulations (experiments, comparisons, validation,
the optimiser) hands its work to a `Backend`; pools and clusters are started
nowhere else. Results do not depend on the backend or the number of workers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sim.backends.driver import BackendError, execute
from sim.backends.pools import BACKENDS, default_workers, make_pool
from sim.backends.work import Done, Task, fingerprint, isolated

__all__ = ["BACKENDS", "Backend", "BackendError", "Done", "Task", "default_workers",
           "fingerprint", "isolated"]


@dataclass(frozen=True)
class Backend:
    """Where work runs.

    Attributes:
        name: "serial", "processes" or "dask".
        workers: worker processes (processes; dask's own LocalCluster).
        scheduler: dask only: a scheduler address ("tcp://host:8786") or a
            `distributed.Client`; None starts a LocalCluster on loopback.
        timeout: seconds each item may run before its process is stopped and the item
            recorded as timed out (None: no limit).
        isolate: serial only: run each task in a forked child process, so an item
            that kills its process or hangs cannot stop the run.

    Raises:
        ValueError: an unknown name, a worker count below 1, or a scheduler without dask.
    """

    name: str = "serial"
    workers: int = 1
    scheduler: object = None
    timeout: float | None = None
    isolate: bool = False

    def __post_init__(self):
        if self.name not in BACKENDS:
            raise ValueError(f"unknown backend {self.name!r} (allowed: {', '.join(BACKENDS)})")
        if isinstance(self.workers, bool) or not isinstance(self.workers, int) \
                or self.workers < 1:
            raise ValueError(f"workers must be a whole number >= 1, got {self.workers!r}")
        if self.scheduler is not None and self.name != "dask":
            raise ValueError("a scheduler address needs backend 'dask'")
        if self.timeout is not None and not (0 < self.timeout < float("inf")):
            raise ValueError(f"timeout must be a number of seconds > 0, got {self.timeout!r}")

    def run(self, work, tasks: Iterable[Task], on_done: Callable[[Task, object], None]) -> None:
        """Run `tasks` of `work` (see `sim.backends.work`), calling `on_done` as each ends."""
        execute(self._pool(), work, tasks, on_done)

    @contextmanager
    def open(self) -> Iterator[Session]:
        """One pool (and cluster) kept for several runs, e.g. an optimiser's rounds."""
        session = Session(self._pool())
        try:
            yield session
        finally:
            session.pool.close()

    def _pool(self):
        return make_pool(self.name, self.workers, self.scheduler, self.timeout, self.isolate)

    def describe(self) -> dict:
        """A JSON-ready description for manifests."""
        scheduler = self.scheduler if self.scheduler is None or isinstance(
            self.scheduler, str) else repr(self.scheduler)
        return {"backend": self.name, "workers": self.workers, "scheduler": scheduler,
                "timeout": self.timeout}


class Session:
    """A pool kept open between runs; `run` as for `Backend.run`."""

    def __init__(self, pool):
        self.pool = pool

    def run(self, work, tasks: Iterable[Task], on_done: Callable[[Task, object], None]) -> None:
        execute(self.pool, work, tasks, on_done, keep_open=True)
