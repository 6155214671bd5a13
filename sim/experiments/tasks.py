"""Tasks: batches of simulations, run in a worker with every simulation isolated.

`run_batch` is the only function a worker runs. Each simulation runs inside its
own ``try``: one that raises is recorded as failed, with its error, traceback
and NaN outcomes, and the batch carries on. A row is built from nothing but
that simulation's own inputs and results, so a failed simulation can never
carry another one's numbers. Exceptions that are not errors of the simulation
(KeyboardInterrupt, SystemExit) are not caught.
"""

from __future__ import annotations

import math
import os
import signal
import threading
import time
import traceback
from dataclasses import dataclass, field

from sim.experiments.models import build_adapter
from sim.experiments.spec import Experiment

_ADAPTERS: dict[str, object] = {}


@dataclass(frozen=True)
class Simulation:
    """One simulation: a design point, a replicate, its seed and its factor values."""

    point: int
    replicate: int
    seed: int
    values: dict

    @property
    def key(self) -> tuple[int, int]:
        return self.point, self.replicate


@dataclass(frozen=True)
class Task:
    """A batch of simulations sent to a worker as one unit."""

    sims: tuple[Simulation, ...]

    def split(self) -> list[Task]:
        """One task per simulation (to find which one kills its worker)."""
        return [Task((s,)) for s in self.sims]


@dataclass(frozen=True)
class Payload:
    """What a worker needs besides the simulations: the experiment and its run id."""

    run_id: str
    experiment: Experiment


@dataclass
class BatchResult:
    """Rows of the runs table and of the series table, for one task."""

    rows: list = field(default_factory=list)
    series: dict = field(default_factory=lambda: {c: [] for c in SERIES_COLUMNS})
    fingerprint: dict = field(default_factory=dict)

    @property
    def failed(self) -> int:
        return sum(r["status"] == "failed" for r in self.rows)


SERIES_COLUMNS = ("point", "replicate", "seed", "outcome", "month", "value")


def worker_init(parent_pid: int, started=None) -> None:
    """Initializer of a local worker process.

    Ctrl-C is left to the main process, which stops the pool. The worker exits by
    itself if the main process dies (kill -9): otherwise idle workers of a spawn
    pool wait on their task queue for ever. `started` (a shared counter) tells the
    main process that workers can start at all.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if started is not None:
        with started.get_lock():
            started.value += 1
    threading.Thread(target=_exit_with_parent, args=(parent_pid,), daemon=True).start()


def _exit_with_parent(parent_pid: int, every: float = 1.0) -> None:
    while os.getppid() == parent_pid:
        time.sleep(every)
    os._exit(1)


def run_batch(payload: Payload, task: Task) -> BatchResult:
    """Run every simulation of `task`; never raises for a simulation's error."""
    adapter = _ADAPTERS.get(payload.run_id)
    if adapter is None:
        adapter = _ADAPTERS[payload.run_id] = build_adapter(payload.experiment)
    result = BatchResult(fingerprint=fingerprint())
    for sim in task.sims:
        row, series = run_one(adapter, payload.experiment, sim)
        result.rows.append(row)
        for name, (months, values) in series.items():
            _extend_series(result.series, sim, name, months, values)
    return result


def run_one(adapter, experiment: Experiment, sim: Simulation) -> tuple[dict, dict]:
    """One simulation as a runs-table row and its series; errors become a failed row."""
    start = time.perf_counter()
    row = {"point": sim.point, "replicate": sim.replicate, "seed": sim.seed, **sim.values}
    try:
        scalars, series = adapter(dict(sim.values), sim.seed)
        row.update({o.name: scalars[o.name] for o in experiment.outcomes if o.kind == "scalar"})
        row.update(status="ok", error=None, traceback=None)
    except Exception as exc:  # noqa: BLE001 - any error of one simulation is recorded
        series = {}
        row.update(failed_fields(experiment, f"{type(exc).__name__}: {exc}",
                                 traceback.format_exc()))
    row["wall_seconds"] = time.perf_counter() - start
    return row, series


def failed_fields(experiment: Experiment, error: str, trace: str | None) -> dict:
    """NaN outcomes, status failed, the error and its traceback."""
    out = {o.name: math.nan for o in experiment.outcomes if o.kind == "scalar"}
    out.update(status="failed", error=error, traceback=trace)
    return out


def crashed_result(experiment: Experiment, task: Task, message: str) -> BatchResult:
    """Failed rows for simulations whose worker process died (no traceback exists)."""
    result = BatchResult()
    for sim in task.sims:
        row = {"point": sim.point, "replicate": sim.replicate, "seed": sim.seed, **sim.values}
        row.update(failed_fields(experiment, message, None), wall_seconds=math.nan)
        result.rows.append(row)
    return result


def _extend_series(columns: dict, sim: Simulation, name: str, months, values) -> None:
    n = len(values)
    columns["point"].extend([sim.point] * n)
    columns["replicate"].extend([sim.replicate] * n)
    columns["seed"].extend([sim.seed] * n)
    columns["outcome"].extend([name] * n)
    columns["month"].extend(int(m) for m in months)
    columns["value"].extend(float(v) for v in values)


def fingerprint() -> dict:
    """Versions that shape results, to detect workers that differ from the main process."""
    import platform

    import numpy

    import sim

    return {"python": platform.python_version(), "numpy": numpy.__version__,
            "sim": sim.__version__}
