"""The result store of a study: shards, consolidated tables, manifest, lock, status.

A study folder `results/<study>/<run-id>/` holds:

| path | written |
|---|---|
| `manifest.json` | at the start and end of every session, atomically |
| `design.parquet` | once: point, factor values, SALib samples (`sample:<factor>`) |
| `runs/part-*.parquet` | one shard per finished batch, atomically (temporary file + rename) |
| `series/part-*.parquet` | the batch's series rows, written just before its runs shard |
| `runs.parquet` | at the end: every simulation, one row each, sorted by (point, replicate) |
| `series.parquet` | at the end, if a series outcome was asked for |
| `study.lock` | while a process runs the study: an OS lock (`flock`); host and pid for messages |

A simulation is done once a runs shard holds its row; a shard appears whole or
not at all, so a study killed at any moment loses at most the batches in flight.
Shard names carry the first and last simulation index (``point * replicates +
replicate``) they hold, so consolidation reads them in order, a slice at a time.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

MANIFEST, DESIGN, RUNS, SERIES, LOCK = ("manifest.json", "design.parquet", "runs.parquet",
                                        "series.parquet", "study.lock")
RUN_SHARDS, SERIES_SHARDS = "runs", "series"
ARROW_TYPES = {"float": pa.float64(), "int": pa.int64(), "string": pa.string(),
               "bool": pa.bool_()}
SERIES_SCHEMA = pa.schema([("point", pa.int64()), ("replicate", pa.int64()),
                           ("seed", pa.int64()), ("outcome", pa.string()),
                           ("month", pa.int64()), ("value", pa.float64())])
CHUNK = 50_000


def runs_schema(manifest: dict) -> pa.Schema:
    """Columns of the runs table: point, replicate, seed, factors, scalar outcomes, status..."""
    fields = [("point", pa.int64()), ("replicate", pa.int64()), ("seed", pa.int64())]
    fields += [(f["name"], ARROW_TYPES[f["type"]]) for f in manifest["factors"]]
    fields += [(o["name"], pa.float64()) for o in manifest["outcomes"] if o["kind"] == "scalar"]
    fields += [("status", pa.string()), ("error", pa.string()), ("traceback", pa.string()),
               ("wall_seconds", pa.float64())]
    return pa.schema(fields)


def resolve_folder(folder: str | Path) -> Path:
    """A study run folder; a study folder holding exactly one run id resolves to it.

    Raises:
        FileNotFoundError: no study is there, or several run ids are (they are listed).
    """
    folder = Path(folder)
    if (folder / MANIFEST).is_file():
        return folder
    runs = sorted(p.parent for p in folder.glob(f"*/{MANIFEST}"))
    if len(runs) == 1:
        return runs[0]
    if not runs:
        raise FileNotFoundError(f"{folder}: no study here (no {MANIFEST})")
    raise FileNotFoundError(f"{folder} holds several runs of the study; name one: "
                            + ", ".join(str(r) for r in runs))


def write_json(path: Path, obj: dict) -> None:
    """Write JSON atomically (temporary file in the same folder, then rename)."""
    tmp = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex[:8]}")
    tmp.write_text(json.dumps(obj, indent=2, allow_nan=False, default=str) + "\n",
                   encoding="utf-8")
    os.replace(tmp, path)


def write_table(path: Path, table: pa.Table) -> None:
    """Write a Parquet file atomically (temporary file in the same folder, then rename)."""
    tmp = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex[:8]}")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def read_manifest(folder: str | Path) -> dict:
    """The manifest of a study run folder (or of a study folder with one run)."""
    return json.loads((resolve_folder(folder) / MANIFEST).read_text(encoding="utf-8"))


def prepare(folder: Path) -> None:
    """Create the folders; remove temporary files of interrupted writes and stale tables."""
    for sub in (RUN_SHARDS, SERIES_SHARDS):
        (folder / sub).mkdir(parents=True, exist_ok=True)
        for tmp in (folder / sub).glob(".*.tmp-*"):
            tmp.unlink(missing_ok=True)
    for tmp in folder.glob(".*.tmp-*"):
        tmp.unlink(missing_ok=True)
    for name in (RUNS, SERIES):  # rewritten when this session completes
        (folder / name).unlink(missing_ok=True)


def shard_name(first: int, last: int) -> str:
    return f"part-{first:09d}-{last:09d}-{uuid.uuid4().hex[:8]}.parquet"


def shards(folder: Path, kind: str = RUN_SHARDS) -> list[tuple[Path, int, int]]:
    """(path, first, last) of every shard of `kind`, in name order."""
    out = []
    for path in sorted((folder / kind).glob("part-*.parquet")):
        _, first, last, _ = path.stem.split("-")
        out.append((path, int(first), int(last)))
    return out


def write_shard(folder: Path, schema: pa.Schema, replicates: int, rows: list[dict],
                series: dict) -> None:
    """Write one batch's series rows, then its runs rows (the runs shard marks it done)."""
    index = [r["point"] * replicates + r["replicate"] for r in rows]
    name = shard_name(min(index), max(index))
    if series and series["point"]:
        write_table(folder / SERIES_SHARDS / name, pa.table(series, schema=SERIES_SCHEMA))
    write_table(folder / RUN_SHARDS / name, pa.Table.from_pylist(rows, schema=schema))


def scan(folder: Path, simulations: int, replicates: int) -> tuple[np.ndarray, np.ndarray]:
    """(done, ok): boolean arrays by simulation index; done if a shard holds its row, ok
    if a shard holds an ok row. Reads only three columns of each shard."""
    done = np.zeros(simulations, dtype=bool)
    ok = np.zeros(simulations, dtype=bool)
    for path, _, _ in shards(folder):
        t = pq.read_table(path, columns=["point", "replicate", "status"])
        index = t["point"].to_numpy() * replicates + t["replicate"].to_numpy()
        done[index] = True
        ok[index[pc.equal(t["status"], "ok").to_numpy(zero_copy_only=False)]] = True
    return done, ok


TIMEOUT_PREFIX = "timeout:"


def timed_out(folder: Path, simulations: int, replicates: int) -> np.ndarray:
    """Boolean array by simulation index: failed by a timeout and never ok since (a
    resume runs these again: a timeout says as much about the machine as the model)."""
    late = np.zeros(simulations, dtype=bool)
    ok = np.zeros(simulations, dtype=bool)
    for path, _, _ in shards(folder):
        t = pq.read_table(path, columns=["point", "replicate", "status", "error"])
        index = t["point"].to_numpy() * replicates + t["replicate"].to_numpy()
        ok[index[pc.equal(t["status"], "ok").to_numpy(zero_copy_only=False)]] = True
        errors = pc.fill_null(t["error"], "")
        late[index[pc.starts_with(errors, TIMEOUT_PREFIX).to_numpy(zero_copy_only=False)]] = True
    return late & ~ok


def _dedupe(table: pa.Table, keys: list[str], replicates: int, prefer_ok: bool) -> pa.Table:
    """Sort by (point, replicate, keys) and keep one row per key (ok rows before failed)."""
    index = table["point"].to_numpy() * replicates + table["replicate"].to_numpy()
    helper = {"_sim": pa.array(index)}
    if prefer_ok:
        helper["_rank"] = pc.not_equal(table["status"], "ok")
    t = table
    for name, col in helper.items():
        t = t.append_column(name, col)
    order = [("_sim", "ascending"), *((k, "ascending") for k in keys)]
    order += [("_rank", "ascending")] if prefer_ok else []
    t = t.sort_by(order)
    key_cols = [t["_sim"].to_numpy()] + [np.asarray(t[k].to_pylist()) for k in keys]
    first = np.ones(len(t), dtype=bool)
    if len(t) > 1:
        same = np.logical_and.reduce([c[1:] == c[:-1] for c in key_cols])
        first[1:] = ~same
    return t.filter(pa.array(first)).drop_columns(list(helper))


def _read_slice(paths: list[tuple[Path, int, int]], lo: int, hi: int, replicates: int,
                schema: pa.Schema) -> pa.Table | None:
    """Rows of simulations lo <= index < hi from the shards that may hold them."""
    tables = [pq.read_table(p, schema=schema) for p, first, last in paths
              if first < hi and last >= lo]
    if not tables:
        return None
    t = pa.concat_tables(tables)
    index = t["point"].to_numpy() * replicates + t["replicate"].to_numpy()
    return t.filter(pa.array((index >= lo) & (index < hi)))


def consolidate(folder: Path, schema: pa.Schema, simulations: int, replicates: int,
                with_series: bool) -> int:
    """Write runs.parquet (and series.parquet) from the shards, a slice at a time.

    Returns:
        The number of rows written to runs.parquet.
    """
    run_paths, series_paths = shards(folder), shards(folder, SERIES_SHARDS)
    writers = _Writers(folder, schema, with_series)
    rows = 0
    try:
        for lo in range(0, simulations, CHUNK):
            hi = min(lo + CHUNK, simulations)
            runs = _read_slice(run_paths, lo, hi, replicates, schema)
            if runs is None:
                continue
            runs = _dedupe(runs, [], replicates, prefer_ok=True)
            writers.runs.write_table(runs)
            rows += len(runs)
            if with_series:
                writers.write_series(_series_slice(series_paths, runs, lo, hi, replicates))
        writers.commit()
    finally:
        writers.discard()
    return rows


def _series_slice(paths, runs: pa.Table, lo: int, hi: int, replicates: int):
    """Series rows of the ok simulations in runs, deduplicated and sorted."""
    series = _read_slice(paths, lo, hi, replicates, SERIES_SCHEMA)
    if series is None or not len(series):
        return None
    status = pc.equal(runs["status"], "ok").to_numpy(zero_copy_only=False)
    ok = (runs["point"].to_numpy() * replicates + runs["replicate"].to_numpy())[status]
    index = series["point"].to_numpy() * replicates + series["replicate"].to_numpy()
    series = series.filter(pa.array(np.isin(index, ok)))
    return _dedupe(series, ["outcome", "month"], replicates, prefer_ok=False)


class _Writers:
    """Parquet writers to temporary files, renamed into place on commit."""

    def __init__(self, folder: Path, schema: pa.Schema, with_series: bool):
        token = uuid.uuid4().hex[:8]
        self.paths = {RUNS: folder / f".{RUNS}.tmp-{token}"}
        self.runs = pq.ParquetWriter(self.paths[RUNS], schema)
        self.series = None
        if with_series:
            self.paths[SERIES] = folder / f".{SERIES}.tmp-{token}"
            self.series = pq.ParquetWriter(self.paths[SERIES], SERIES_SCHEMA)
        self.folder, self.done = folder, False

    def write_series(self, table: pa.Table | None) -> None:
        if table is not None and len(table):
            self.series.write_table(table)

    def commit(self) -> None:
        for writer in (self.runs, self.series):
            if writer is not None:
                writer.close()
        for name, tmp in self.paths.items():
            os.replace(tmp, self.folder / name)
        self.done = True

    def discard(self) -> None:
        if self.done:
            return
        for writer in (self.runs, self.series):
            if writer is not None:
                writer.close()
        for tmp in self.paths.values():
            tmp.unlink(missing_ok=True)


def read_runs(folder: str | Path) -> pd.DataFrame:
    """The runs table: runs.parquet, or for a partial study its shards, deduplicated
    (an ok row wins over a failed one of the same simulation) and sorted by (point,
    replicate)."""
    folder = resolve_folder(folder)
    if (folder / RUNS).is_file():
        return pq.read_table(folder / RUNS).to_pandas()
    manifest = read_manifest(folder)
    schema = runs_schema(manifest)
    replicates = manifest["design"]["replicates"]
    table = _read_slice(shards(folder), 0, manifest["design"]["simulations"], replicates, schema)
    if table is None:
        return schema.empty_table().to_pandas()
    return _dedupe(table, [], replicates, prefer_ok=True).to_pandas()


def read_series(folder: str | Path) -> pd.DataFrame:
    """series.parquet of a finished study (point, replicate, seed, outcome, month, value)."""
    return pq.read_table(resolve_folder(folder) / SERIES).to_pandas()


def read_design(folder: str | Path) -> pd.DataFrame:
    """design.parquet: point, realised factor values and the SALib samples."""
    return pq.read_table(resolve_folder(folder) / DESIGN).to_pandas()


def sample_matrix(folder: str | Path) -> np.ndarray:
    """The SALib sample matrix X (points x factors, problem order) of a study."""
    manifest = read_manifest(folder)
    design = read_design(folder)
    return design[manifest["design"]["sample_columns"]].to_numpy(dtype=float)


def study_status(folder: str | Path) -> dict:
    """Progress of a study: done, failed, remaining, elapsed, NaN and inf counts per outcome.

    `nan` and `inf` count NaN and infinite values among the simulations that finished
    ok (a model returning them); `timed_out` counts failures by timeout (a resume runs
    them again); failed simulations are counted in `failed` and listed by
    their most common errors.
    """
    folder = resolve_folder(folder)
    manifest = read_manifest(folder)
    runs = read_runs(folder)
    ok = runs["status"] == "ok"
    scalars = [o["name"] for o in manifest["outcomes"] if o["kind"] == "scalar"]
    errors = runs.loc[~ok, "error"].value_counts().head(5)
    total = manifest["design"]["simulations"]
    return {
        "study": manifest["study"], "run_id": manifest["run_id"], "folder": str(folder),
        "state": _state(folder, manifest), "simulations": total, "done": len(runs),
        "ok": int(ok.sum()), "failed": int((~ok).sum()), "remaining": total - len(runs),
        "elapsed_seconds": _elapsed(manifest),
        "nan": {name: int(runs.loc[ok, name].isna().sum()) for name in scalars},
        "inf": {name: int(np.isinf(runs.loc[ok, name].to_numpy(dtype=float)).sum())
                for name in scalars},
        "timed_out": int(runs.loc[~ok, "error"].fillna("").str.startswith(TIMEOUT_PREFIX).sum()),
        "top_errors": {str(k): int(v) for k, v in errors.items()},
    }


def _state(folder: Path, manifest: dict) -> str:
    state = manifest.get("state", "unknown")
    if state == "running" and not StudyLock(folder).held_by_live_process():
        return "interrupted"
    return state


def _elapsed(manifest: dict) -> float:
    timings = manifest.get("timings", {})
    elapsed = float(timings.get("elapsed_seconds", 0.0))
    if manifest.get("state") == "running" and "session_started_unix" in timings:
        elapsed += time.time() - timings["session_started_unix"]
    return round(elapsed, 3)


class StudyLock:
    """`study.lock`: one process at a time runs a study, by an OS file lock.

    The lock is `fcntl.flock` on the open lock file, kept for the life of the run;
    the kernel releases it when its holder dies (kill -9 included), so a lock file
    left behind, empty or not, never blocks. Host and PID are written into the file
    only to name the holder in the refusal. The file is removed on release while
    still locked, and a taker checks it locked the file that is still at the path,
    so a removal and a new start cannot both win.

    Raises (on entry):
        RuntimeError: another process holds the lock (one line naming PID and host).
    """

    def __init__(self, folder: Path):
        self.path = Path(folder) / LOCK
        self.fd: int | None = None

    def holder(self) -> dict | None:
        """Who wrote the lock file (host, pid, started), if it says."""
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def held_by_live_process(self) -> bool:
        """Whether a process (this one included, through another entry) holds the lock."""
        if self.fd is not None:
            return True
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)
        return False

    def __enter__(self) -> StudyLock:
        while self.fd is None:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise RuntimeError(self._busy_message()) from None
            if _same_file(fd, self.path):
                self.fd = fd
            else:  # released and removed between our open and our lock: try again
                os.close(fd)
        os.ftruncate(self.fd, 0)
        os.write(self.fd, json.dumps({"host": socket.gethostname(), "pid": os.getpid(),
                                      "started": time.time()}).encode())
        _HELD.add(self.fd)
        return self

    def _busy_message(self) -> str:
        holder = self.holder() or {}
        who = (f"PID {holder['pid']} on {holder['host']}" if "pid" in holder and "host" in holder
               else "another process")
        return f"study {self.path.parent} is in use by {who}"

    def __exit__(self, *exc) -> None:
        if self.fd is None:
            return
        self.path.unlink(missing_ok=True)  # still locked: nobody can take the old file
        _HELD.discard(self.fd)
        os.close(self.fd)
        self.fd = None


_HELD: set[int] = set()  # lock descriptors this process holds


def _same_file(fd: int, path: Path) -> bool:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    own = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (own.st_dev, own.st_ino)


def _close_inherited_locks() -> None:
    """In a forked child: drop the copies of the parent's lock descriptors, so a child
    that outlives a killed parent does not keep its study locked."""
    for fd in list(_HELD):
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD.clear()


os.register_at_fork(after_in_child=_close_inherited_locks)
