"""Run many units (runs, paired runs) on the backend layer, resumable from a folder.

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

UNITS = "units"
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
             progress: Callable[[int], None] | None = None) -> list[Result]:
    """The outcome of every unit, in the order given.

    Args:
        units: `Run`s and `Pair`s (duplicates run once).
        backend: where to run: a `Backend`, or a session of one kept open
            (`Backend.open()`); default serially in this process.
        folder: where finished units are kept, to resume an interrupted evaluation.
        progress: called with the number of units finished, as each finishes.

    Raises:
        EvaluationError: a unit raised or killed its worker (the others are kept).
    """
    if folder is None:
        return _evaluate(units, backend, None, progress)
    Path(folder).mkdir(parents=True, exist_ok=True)
    try:
        lock = StudyLock(Path(folder)).__enter__()
    except RuntimeError as exc:
        raise FolderBusy(str(exc)) from None
    try:
        return _evaluate(units, backend, UnitStore(folder), progress)
    finally:
        lock.__exit__(None, None, None)


def _evaluate(units, backend, store, progress) -> list[Result]:
    found = {u.key: store.load(u.key) for u in units if store and store.has(u.key)}
    todo = list({u.key: u for u in units if u.key not in found}.values())
    failures: list[tuple] = []

    def on_done(task: Task, results: list[Done]) -> None:
        for unit, done in zip(task.items, results, strict=True):
            if not done.ok:
                failures.append((unit, done))
                continue
            found[unit.key] = done.value
            if store is not None:  # what a resumed call would read, so both are identical
                store.save(unit.key, done.value)
                found[unit.key] = store.load(unit.key)
            if progress is not None:
                progress(1)

    (backend or Backend()).run(_Work(), (Task((u,)) for u in todo), on_done)
    if failures:
        raise EvaluationError(_failure_message(failures, len(todo)))
    return [found[u.key] for u in units]


def _failure_message(failures: list, ran: int) -> str:
    unit, done = failures[0]
    return (f"{len(failures)} of {ran} simulations failed; the others are kept and running "
            f"the same command again retries only the failed. First: {unit.label()}: "
            f"{done.error}")


class UnitStore:
    """Finished units' tables under `<folder>/units/<key>/`, one Parquet file per table."""

    def __init__(self, folder: str | Path):
        self.root = Path(folder) / UNITS
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
