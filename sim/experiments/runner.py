"""Run a study: every simulation of an experiment's design, streamed to a results folder.

`run_study` draws the design, works out which simulations are already done
(from the shards of earlier sessions), runs the rest in batches on the chosen
backend, writes each finished batch as a shard, and at the end consolidates
the shards into `runs.parquet` (and `series.parquet`). The same call resumes an
interrupted study, and the tables do not depend on the backend, the number of
workers or the batch size (only `wall_seconds` does).
"""

from __future__ import annotations

import math
import shutil
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from sim.backends import BACKENDS, Backend, BackendError, default_workers, fingerprint
from sim.experiments import manifest as manifests
from sim.experiments import store
from sim.experiments.design import Design, make_design, world_of
from sim.experiments.fields import ExperimentError, StudyError
from sim.experiments.seeds import simulation_seed
from sim.experiments.spec import Experiment, load_experiment
from sim.experiments.tasks import BatchResult, Payload, Simulation, Task
from sim.io import describe_write_error, is_write_fault

TARGET_TASK_SECONDS = 1.0
MAX_BATCH = 5000
MAX_BATCH_WITH_TIMEOUT = 10  # a batch may run timeout x its size before it is stopped
RESUME = "finished simulations are kept: run the same command again to resume"


@dataclass(frozen=True)
class RunSettings:
    """How this session runs: backend, workers, batch size (None: adaptive), scheduler,
    timeout (seconds per simulation, None: no limit)."""

    backend: str
    workers: int
    batch: int | None
    scheduler: object = None
    timeout: float | None = None

    def backend_layer(self) -> Backend:
        """Serial studies are isolated: a simulation that kills its process or hangs is
        recorded as failed, and the study goes on."""
        return Backend(self.backend, self.workers, self.scheduler, self.timeout,
                       isolate=self.backend == "serial")

    def describe(self) -> dict:
        return {**asdict(self), **self.backend_layer().describe()}


def run_study(experiment: Experiment | str | Path, backend: str | None = None,
              workers: int | None = None, scheduler=None, out_root: str | Path = "results",
              progress: bool = True, batch: int | None = None,
              retry_failed: bool = False, timeout: float | None = None) -> Path:
    """Run (or resume) a study and return its folder `<out_root>/<name>/<run-id>`.

    Args:
        experiment: an Experiment, or the path of an experiment file.
        backend: "serial", "processes" or "dask" (default: the file's [run], else processes).
        workers: worker processes (default: the file's, else every CPU).
        scheduler: dask only: a scheduler address ("tcp://host:8786") or a
            `distributed.Client`; default a LocalCluster on loopback with `workers` workers.
        out_root: the results root folder.
        progress: show a progress bar (rate and ETA) on stderr.
        batch: simulations per task (default: adaptive, about a second of work per task).
        retry_failed: run failed simulations of earlier sessions again (simulations
            that timed out run again on every resume anyway).
        timeout: seconds a simulation may run; one that runs longer is stopped and
            recorded as failed ("timeout: ..."), and the study goes on. Batches are then
            at most MAX_BATCH_WITH_TIMEOUT simulations (unless `batch` says otherwise).

    Returns:
        The study folder.

    Raises:
        ExperimentError: the experiment file is invalid.
        StudyError: the study is locked by another process, its stored design
            differs, a batch failed outside any simulation, the backend cannot start
            (an unreachable scheduler), or the disk is full or not writable. A folder
            this call created is removed again if no simulation finished.
    """
    exp = experiment if isinstance(experiment, Experiment) else load_experiment(experiment)
    settings = resolve_settings(exp, backend, workers, scheduler, batch, timeout)
    design = make_design(exp)
    folder = Path(out_root) / exp.name / exp.run_id
    created = _first_missing(folder)
    try:
        _run_locked(exp, design, folder, settings, progress, retry_failed)
    except BaseException:
        if created is not None and not store.shards(folder):
            shutil.rmtree(created, ignore_errors=True)  # ours, and nothing in it was run
        raise
    return folder


def _run_locked(exp, design, folder: Path, settings: RunSettings, progress: bool,
                retry_failed: bool) -> None:
    """Take the study's lock and run a session; write faults become one-line StudyErrors."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = store.StudyLock(folder).__enter__()
    except RuntimeError as exc:
        raise StudyError(str(exc)) from None
    except OSError as exc:
        if is_write_fault(exc):
            raise StudyError(describe_write_error(exc, folder)) from None
        raise
    try:
        _Session(exp, design, folder, settings).run(progress, retry_failed)
    except OSError as exc:
        if is_write_fault(exc):
            raise StudyError(describe_write_error(exc, folder, RESUME)) from None
        raise
    finally:
        lock.__exit__(None, None, None)


def _first_missing(folder: Path) -> Path | None:
    """The outermost folder of `folder`'s path that does not exist yet (None: it exists)."""
    missing = None
    for path in (folder, *folder.parents):
        if path.exists() or path.is_symlink():
            break
        missing = path
    return missing


def resolve_settings(exp: Experiment, backend, workers, scheduler, batch,
                     timeout: float | None = None) -> RunSettings:
    """Command-line values over the file's [run] table over defaults."""
    backend = backend or exp.run.backend
    if backend not in BACKENDS:
        raise ExperimentError(f"unknown backend {backend!r} (allowed: {', '.join(BACKENDS)})")
    scheduler = scheduler if scheduler is not None else exp.run.scheduler
    if scheduler is not None and backend != "dask":
        raise ExperimentError("a scheduler address needs backend 'dask'")
    workers = workers or exp.run.workers or default_workers()
    for name, value in (("workers", workers), ("batch", batch)):
        if value is not None and (not isinstance(value, int) or value < 1):
            raise ExperimentError(f"{name} must be a whole number >= 1, got {value!r}")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, int | float)
                                or not 0 < timeout < math.inf):
        raise ExperimentError(f"timeout must be a number of seconds > 0, got {timeout!r}")
    return RunSettings(backend, workers, batch or exp.run.batch, scheduler, timeout)


class _Session:
    """One invocation of run_study on one study folder."""

    def __init__(self, exp: Experiment, design: Design, folder: Path, settings: RunSettings):
        self.exp, self.design, self.folder, self.settings = exp, design, folder, settings
        self.replicates = exp.design.replicates
        self.total = design.settings["simulations"]
        self.ran = self.failed = 0
        self.fingerprints: list = []

    def run(self, progress: bool, retry_failed: bool) -> None:
        previous = self.check_previous()
        store.prepare(self.folder)
        if not (self.folder / store.DESIGN).is_file():
            store.write_table(self.folder / store.DESIGN, _arrow(self.design))
        done, ok = store.scan(self.folder, self.total, self.replicates)
        session = {"started_at": manifests.now(), **self.settings.describe(),
                   "retry_failed": retry_failed, "argv": sys.argv}
        self.manifest = manifests.start(self.exp, self.design, previous, session,
                                        counts(self.total, done, ok))
        if retry_failed:
            done = ok
        done &= ~store.timed_out(self.folder, self.total, self.replicates)  # retried always
        self.schema = store.runs_schema(self.manifest)
        store.write_json(self.folder / store.MANIFEST, self.manifest)
        try:
            self.execute(done, progress)
        except KeyboardInterrupt:
            self.end("interrupted")
            raise
        except BaseException:
            self.end("failed")
            raise
        self.complete()

    def check_previous(self) -> dict | None:
        """The manifest of earlier sessions; StudyError if their design differs."""
        path = self.folder / store.MANIFEST
        if not path.is_file():
            return None
        previous = store.read_manifest(self.folder)
        if previous["design"].get("digest") != self.design.settings["digest"]:
            raise StudyError(f"{self.folder}: the design drawn now differs from the stored one "
                             "(a different SALib, scipy or numpy?); resume with the versions "
                             f"in {path}, or move the folder away to start again")
        return previous

    def execute(self, done: np.ndarray, progress: bool) -> None:
        from sim.progress import progress_bar

        remaining = int((~done).sum())
        sizer = BatchSizer(self.settings.batch, self.settings.workers, remaining,
                           MAX_BATCH if self.settings.timeout is None else MAX_BATCH_WITH_TIMEOUT)
        tasks = pending_tasks(self.exp, self.design, done, sizer)
        payload = Payload(self.exp.run_id, self.exp)
        with progress_bar(self.total, self.exp.name, "sim", progress,
                          initial=self.total - remaining, smoothing=0.05) as bar:

            def on_done(task: Task, result: BatchResult) -> None:
                store.write_shard(self.folder, self.schema, self.replicates, result.rows,
                                  result.series)
                sizer.observe(result)
                self.note(result, bar)

            try:
                self.settings.backend_layer().run(payload, tasks, on_done)
            except BackendError as exc:
                raise StudyError(str(exc)) from None

    def note(self, result: BatchResult, bar) -> None:
        """Count a finished batch; warn once per new worker fingerprint."""
        self.ran += len(result.rows)
        self.failed += result.failed
        bar.update(len(result.rows))
        if self.failed:
            bar.set_postfix(failed=self.failed, refresh=False)
        fp = result.fingerprint
        if fp and fp != fingerprint() and fp not in self.fingerprints:
            self.fingerprints.append(fp)
            bar.write(f"warning: a worker runs different versions than this process: {fp}",
                      file=sys.stderr)

    def complete(self) -> None:
        with_series = any(o.kind == "series" for o in self.exp.outcomes)
        rows = store.consolidate(self.folder, self.schema, self.total, self.replicates,
                                 with_series)
        if rows != self.total:
            self.end("incomplete")
            raise StudyError(f"{self.folder}: {self.total - rows} simulations have no result "
                             "after the run; run the same command again to finish them")
        self.end("complete")

    def end(self, state: str) -> None:
        """Record the session's end in the manifest; when the end is a fault of the disk
        the manifest may not be writable: it then stays "running", which status reports
        as interrupted (the lock is gone), and the study resumes all the same."""
        update = {"simulations_run": self.ran, "failed": self.failed}
        done, ok = store.scan(self.folder, self.total, self.replicates)
        manifest = manifests.finish(self.manifest, state, counts(self.total, done, ok), update)
        manifest["worker_fingerprints"] = [*manifest["worker_fingerprints"], *self.fingerprints]
        try:
            store.write_json(self.folder / store.MANIFEST, manifest)
        except OSError as exc:
            if state == "complete" or not is_write_fault(exc):
                raise


def counts(total: int, done: np.ndarray, ok: np.ndarray) -> dict:
    """The manifest's counts: simulations, done, failed, remaining."""
    n_done = int(done.sum())
    return {"simulations": total, "done": n_done, "failed": n_done - int(ok.sum()),
            "remaining": total - n_done}


def _arrow(design: Design):
    import pyarrow as pa

    return pa.Table.from_pandas(design.frame(), preserve_index=False)


class BatchSizer:
    """Simulations per task: fixed, or adapted so a task takes about a second.

    Short simulations are batched so per-task overhead (pickling, scheduling,
    one shard per task) stays small; near the end tasks shrink so every worker
    stays busy.
    """

    def __init__(self, fixed: int | None, workers: int, remaining: int,
                 largest: int = MAX_BATCH):
        self.fixed, self.workers, self.remaining = fixed, workers, remaining
        self.largest = largest
        self.per_sim: float | None = None

    def observe(self, result: BatchResult) -> None:
        times = [r["wall_seconds"] for r in result.rows if math.isfinite(r["wall_seconds"])]
        if times:
            mean = float(np.mean(times))
            self.per_sim = mean if self.per_sim is None else 0.7 * self.per_sim + 0.3 * mean

    def next_size(self) -> int:
        if self.fixed is not None:
            size = self.fixed
        elif self.per_sim is None:
            size = 1
        else:
            size = int(TARGET_TASK_SECONDS / max(self.per_sim, 1e-6))
            size = min(size, self.largest, max(1, self.remaining // (2 * self.workers)))
        size = max(1, size)
        self.remaining -= size
        return size


def pending_tasks(exp: Experiment, design: Design, done: np.ndarray, sizer: BatchSizer):
    """Tasks for the simulations not yet done, in (point, replicate) order, built lazily.

    Without common random numbers each point has its own seeds; in a study with policies
    each world has, shared by its policies, so their differences stay paired."""
    spec = exp.design
    common = [simulation_seed(spec.seed, 0, r) for r in range(spec.replicates)]
    policies = max(1, len(exp.policies))
    todo = np.flatnonzero(~done)
    start = 0
    while start < len(todo):
        size = sizer.next_size()
        sims = []
        for index in todo[start:start + size]:
            point, replicate = divmod(int(index), spec.replicates)
            seed = (common[replicate] if spec.common_random_numbers
                    else simulation_seed(spec.seed, int(world_of(point, policies)), replicate,
                                         common=False))
            sims.append(Simulation(point, replicate, seed, design.point_values(point)))
        start += size
        yield Task(tuple(sims))
