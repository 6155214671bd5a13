"""An experiment's work for the backend layer: batches of simulations, each isolated.

A worker builds the experiment's model adapter once (`Payload.runner`) and runs
each simulation of a task inside `sim.backends.isolated`: one that raises is
recorded as failed, with its error, traceback and NaN outcomes, and the batch
carries on. A row is built from nothing but that simulation's own inputs and
results, so a failed simulation can never carry another one's numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sim.backends import Task, fingerprint, isolated
from sim.experiments.models import build_adapter
from sim.experiments.spec import Experiment
from sim.policy.levers import registry

__all__ = ["BatchResult", "Payload", "Simulation", "Task", "run_batch"]


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
class Payload:
    """The work of a study (see `sim.backends.work`): the experiment, its run id and the
    levers registered where the study started (plug-ins are registered in each worker)."""

    run_id: str
    experiment: Experiment
    levers: tuple = field(default_factory=registry.levers, repr=False)

    @property
    def key(self) -> str:
        return self.run_id

    def runner(self):
        adapter = build_adapter(self.experiment)

        def run(task: Task) -> BatchResult:
            with registry.using(self.levers):
                return run_batch(self, task, adapter)

        return run

    def crashed(self, task: Task, message: str) -> BatchResult:
        """Failed rows for simulations whose worker process died (no traceback exists)."""
        result = BatchResult()
        for sim in task.items:
            row = {"point": sim.point, "replicate": sim.replicate, "seed": sim.seed, **sim.values}
            row.update(failed_fields(self.experiment, message, None), wall_seconds=math.nan)
            result.rows.append(row)
        return result


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


def run_batch(payload: Payload, task: Task, adapter=None) -> BatchResult:
    """Run every simulation of `task`; never raises for a simulation's error."""
    adapter = adapter or build_adapter(payload.experiment)
    result = BatchResult(fingerprint=fingerprint())
    for sim in task.items:
        row, series = run_one(adapter, payload.experiment, sim)
        result.rows.append(row)
        for name, (months, values) in series.items():
            _extend_series(result.series, sim, name, months, values)
    return result


def run_one(adapter, experiment: Experiment, sim: Simulation) -> tuple[dict, dict]:
    """One simulation as a runs-table row and its series; errors become a failed row."""
    row = {"point": sim.point, "replicate": sim.replicate, "seed": sim.seed, **sim.values}
    done = isolated(lambda s: adapter(dict(s.values), s.seed), sim)
    series = {}
    if done.ok:
        scalars, series = done.value
        row.update({o.name: scalars[o.name] for o in experiment.outcomes if o.kind == "scalar"})
        row.update(status="ok", error=None, traceback=None)
    else:
        row.update(failed_fields(experiment, done.error, done.traceback))
    row["wall_seconds"] = done.seconds
    return row, series


def failed_fields(experiment: Experiment, error: str, trace: str | None) -> dict:
    """NaN outcomes, status failed, the error and its traceback."""
    out = {o.name: math.nan for o in experiment.outcomes if o.kind == "scalar"}
    out.update(status="failed", error=error, traceback=trace)
    return out


def _extend_series(columns: dict, sim: Simulation, name: str, months, values) -> None:
    n = len(values)
    columns["point"].extend([sim.point] * n)
    columns["replicate"].extend([sim.replicate] * n)
    columns["seed"].extend([sim.seed] * n)
    columns["outcome"].extend([name] * n)
    columns["month"].extend(int(m) for m in months)
    columns["value"].extend(float(v) for v in values)
