"""Run many units (runs, paired runs, fans) on the backend layer, resumable from a folder.

`evaluate` runs every unit not already done on the chosen backend, one unit per
task, and returns the outcomes in the order given. With a folder, each finished
unit's tables are written there at once (`units/<key>/`, renamed into place
whole), so a command killed at any point (kill -9 included) and run again
resumes: a unit is found by the digest of everything that determines its
result, and only units not yet stored run. A unit that raises, or kills its
worker process, does not stop the others; every other unit is stored first,
then `EvaluationError` names the failures.
"""

from __future__ import annotations

import math
import os
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from sim.backends import Backend, Done, Task, isolated
from sim.evaluate.units import Result
from sim.experiments.store import StudyLock
from sim.io import write_text_atomic

UNITS, FAILURES = "units", "failures"
TABLES = ("summary", "monthly", "panel")


class EvaluationError(RuntimeError):
    """Some units failed; the others are stored and a rerun retries only the failed."""


class FolderBusy(EvaluationError):
    """Another live process is evaluating into the same folder."""


class _Work:
    """Evaluation work for the backend layer (see `sim.backends.work`)."""

    key = "sim.evaluate"

    def runner(self) -> Callable[[Task], list[Done]]:
        return lambda task: [isolated(lambda unit: unit.execute(), u) for u in task.items]

    def crashed(self, task: Task, message: str) -> list[Done]:
        return [Done(None, message, None, math.nan) for _ in task.items]


def evaluate(units: Sequence, backend=None, folder: str | Path | None = None,
             progress: bool = False) -> list[Result]:
    """The outcome of every unit, in the order given.

    Args:
        units: `Run`s, `Pair`s and `Fan`s (duplicates run once).
        backend: where to run: a `Backend`, or a session of one kept open
            (`Backend.open()`); default serially in this process.
        folder: where finished units are kept, to resume an interrupted evaluation; the
            tracebacks of failed units go to `<folder>/failures/`.
        progress: show a progress bar (rate and time left) on stderr.

    Raises:
        EvaluationError: a unit raised or killed its worker (the others are kept).
        FolderBusy: another live process is evaluating into `folder`.
    """
    if folder is None:
        return _Evaluation(units, None, progress).run(backend)
    Path(folder).mkdir(parents=True, exist_ok=True)
    try:
        lock = StudyLock(Path(folder)).__enter__()
    except RuntimeError as exc:
        raise FolderBusy(str(exc)) from None
    try:
        return _Evaluation(units, UnitStore(folder), progress).run(backend)
    finally:
        lock.__exit__(None, None, None)


class _Evaluation:
    """One call of `evaluate`: what is stored already, what runs, what failed."""

    def __init__(self, units: Sequence, store: UnitStore | None, progress: bool):
        self.units, self.store, self.progress = list(units), store, progress
        self.found = {u.key: store.load(u.key) for u in self.units if store and store.has(u.key)}
        self.todo = list({u.key: u for u in self.units if u.key not in self.found}.values())
        self.failures: list[tuple] = []

    def run(self, backend) -> list[Result]:
        from sim.progress import progress_bar

        if self.todo:  # a bar on a terminal, plain lines in a log (sim.progress)
            with progress_bar(len(self.todo), "simulating", "run", self.progress) as bar:
                (backend or Backend()).run(_Work(), (Task((u,)) for u in self.todo),
                                           lambda task, results: self.done(task, results, bar))
        if self.failures:
            raise EvaluationError(self.failure_message())
        return [self.found[u.key] for u in self.units]

    def done(self, task: Task, results: list[Done], bar) -> None:
        for unit, done in zip(task.items, results, strict=True):
            bar.update(1)
            if not done.ok:
                self.failures.append((unit, done))
                if self.store is not None:
                    self.store.save_failure(unit, done)
                continue
            self.found[unit.key] = done.value
            if self.store is not None:  # what a resumed call would read, so both are identical
                self.store.save(unit.key, done.value)
                self.found[unit.key] = self.store.load(unit.key)

    def failure_message(self) -> str:
        unit, done = self.failures[0]
        kept = ("the others are kept and running the same command again retries only the "
                f"failed (tracebacks in {self.store.failures})" if self.store is not None
                else "nothing was kept (give an output folder to keep finished runs)")
        return (f"{len(self.failures)} of {len(self.todo)} simulations failed; {kept}. "
                f"First: {unit.label()}: {done.error}")


class UnitStore:
    """Finished units' tables under `<folder>/units/<key>/`, one Parquet file per table, and
    the errors of failed units under `<folder>/failures/<key>.txt`."""

    def __init__(self, folder: str | Path):
        self.root = Path(folder) / UNITS
        self.failures = Path(folder) / FAILURES
        self.root.mkdir(parents=True, exist_ok=True)
        for partial in self.root.glob(".tmp-*"):  # left by a killed process
            shutil.rmtree(partial, ignore_errors=True)

    def has(self, key: str) -> bool:
        return (self.root / key).is_dir()

    def load(self, key: str) -> Result:
        return Result(*(pd.read_parquet(self.root / key / f"{t}.parquet") for t in TABLES))

    def save(self, key: str, outcome: Result) -> None:
        tmp = self.root / f".tmp-{key}-{os.getpid()}"
        tmp.mkdir()
        for table in TABLES:
            getattr(outcome, table).to_parquet(tmp / f"{table}.parquet", index=False)
        tmp.rename(self.root / key)
        (self.failures / f"{key}.txt").unlink(missing_ok=True)

    def save_failure(self, unit, done: Done) -> None:
        text = f"{unit.label()}\n{done.error}\n\n{done.traceback or 'no traceback'}\n"
        write_text_atomic(self.failures / f"{unit.key}.txt", text)
