"""Batch experiments and sensitivity designs, from a laptop to a Dask cluster.

An experiment file (TOML) names a model, factors, a design and outcomes
(`spec`); `design` draws the points with SALib; `run_study` runs every
simulation on a serial, process-pool or Dask backend, isolating failures and
streaming results to `results/<study>/<run-id>/`; `store` reads them back.
See docs/experiments.md.

The names below are imported on first use, so that worker processes, which
import only `sim.experiments.tasks`, do not pay for pandas, pyarrow and SALib.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "ExperimentError": "sim.experiments.fields", "StudyError": "sim.experiments.fields",
    "Experiment": "sim.experiments.spec", "load_experiment": "sim.experiments.spec",
    "parse_experiment": "sim.experiments.spec", "run_study": "sim.experiments.runner",
    "read_manifest": "sim.experiments.store", "read_runs": "sim.experiments.store",
    "study_status": "sim.experiments.store",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'sim.experiments' has no attribute {name!r}")
