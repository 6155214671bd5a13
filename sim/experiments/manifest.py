"""The study manifest: what was run, how, with which versions, and how far it got.

Written atomically at the start and end of every session (a session is one
invocation of `run_study`; an interrupted study is resumed by another). The
analysis reads its `design` block (method, samples, second_order, levels,
harmonics, seeds, replicates, points and the SALib problem) and never asks the
user for them.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from sim.experiments.design import Design
from sim.experiments.spec import Experiment
from sim.io import git_revision, library_versions, package_version

SEED_RULE = ("simulation seed = SeedSequence(master, spawn_key=(replicate,)) with common random "
             "numbers (every point of a replicate shares it), else spawn_key=(replicate, point), "
             "or (replicate, world) in a study with policies (a world's policies share it); "
             "first 32-bit word of generate_state")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def versions() -> dict:
    """Python and the libraries that shape results (sim.io's list plus SALib and Dask)."""
    return library_versions(("SALib", "scipy", "dask", "distributed"))


def start(experiment: Experiment, design: Design, previous: dict | None,
          session: dict, counts: dict) -> dict:
    """The manifest at the start of a session (previous sessions and timings kept)."""
    spec = experiment.normalised()
    sessions = list((previous or {}).get("sessions", []))
    if previous and previous.get("state") == "running" and sessions:
        sessions[-1] = {**sessions[-1], "state": "killed"}  # it never wrote its end
    timings = dict((previous or {}).get("timings", {}))
    timings.setdefault("created_at", now())
    timings.update(session_started_at=now(), session_started_unix=time.time(),
                   finished_at=None)
    timings.setdefault("elapsed_seconds", 0.0)
    return {
        "study": experiment.name, "run_id": experiment.run_id,
        "description": experiment.description, "source": experiment.source,
        "state": "running", "spec": spec, "design": design.settings,
        "factors": spec["factors"],
        "levers": [f.name for f in experiment.levers],
        "uncertainties": [f.name for f in experiment.uncertainties],
        "outcomes": spec["outcomes"],
        "tables": {"runs": "runs.parquet", "design": "design.parquet",
                   "series": "series.parquet" if any(o.kind == "series"
                                                     for o in experiment.outcomes) else None},
        "seeds": {"master": experiment.design.seed, "rule": SEED_RULE},
        "package": {"name": "coalition-sim", "version": package_version()},
        "versions": versions(), "git": git_revision(), "timings": timings,
        "counts": counts, "sessions": [*sessions, session],
        "worker_fingerprints": (previous or {}).get("worker_fingerprints", []),
    }


def finish(manifest: dict, state: str, counts: dict, session_update: dict) -> dict:
    """The manifest at the end of a session: state, counts, timings."""
    out = dict(manifest, state=state, counts=counts)
    timings = dict(out["timings"])
    session_seconds = time.time() - timings.pop("session_started_unix")
    timings["elapsed_seconds"] = round(timings["elapsed_seconds"] + session_seconds, 3)
    timings["finished_at"] = now()
    out["timings"] = timings
    out["sessions"] = [*out["sessions"][:-1],
                       {**out["sessions"][-1], **session_update, "finished_at": now(),
                        "seconds": round(session_seconds, 3), "state": state}]
    return out
