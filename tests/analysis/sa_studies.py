"""Synthetic study folders, written as the experiment runner writes them (the contract).

`write_study` writes `manifest.json` and `runs.parquet` for a design and a
matrix of outcome values, so the analysis can be tested without the runner
or the model.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from sim.sensitivity.study import sample_matrix

TYPES = {"float": "float", "continuous": "float", "int": "int", "integer": "int",
         "categorical": "string"}  # the runner's column types, by factor kind


def design(method: str, problem: dict, samples: int, *, seed: int = 1,
           second_order: bool = False, levels: int = 4, replicates: int = 1) -> dict:
    """The manifest's `design` entry, with `points` taken from the SALib sample."""
    d = {"method": method, "samples": samples, "second_order": second_order, "levels": levels,
         "seed": seed, "replicates": replicates, "problem": problem}
    d["points"] = len(sample_matrix(d))
    d["simulations"] = d["points"] * replicates
    return d


def write_study(folder: Path, design: dict, values: dict[str, np.ndarray], *,
                factors: list[dict] | None = None, X: np.ndarray | None = None,
                failed: tuple[tuple[int, int], ...] = (), common_seeds: bool = True) -> Path:
    """Write a study folder.

    Args:
        folder: where to write (created).
        design: see `design()`.
        values: outcome name -> points x replicates array (or a 1-d array for one replicate).
        factors: the manifest's factor list; default float uncertainties of the problem.
        X: factor values recorded in the runs; default the regenerated sample.
        failed: (point, replicate) pairs written as failed runs with no outcome values.
        common_seeds: replicate r has one seed at every point (else a seed per simulation).
    """
    folder.mkdir(parents=True, exist_ok=True)
    names = design["problem"]["names"]
    factors = factors or [{"name": n, "role": "uncertainty", "kind": "float"} for n in names]
    factors = [{"type": TYPES[f["kind"]], **f} for f in factors]
    X = sample_matrix(design) if X is None else X
    runs = runs_table(design, factors, X, values, set(failed), common_seeds)
    runs.to_parquet(folder / "runs.parquet", index=False)
    n_failed = len(set(failed))
    manifest = {"study": folder.parent.name, "run_id": folder.name, "design": design,
                "factors": factors,
                "outcomes": [{"name": n, "kind": "scalar", "net": False} for n in values],
                "counts": {"simulations": len(runs), "done": len(runs) - n_failed,
                           "failed": n_failed}}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return folder


def write_shards(folder: Path, runs: pd.DataFrame, cuts: list[int], replicates: int) -> None:
    """Replace runs.parquet by shards `runs/part-<first>-<last>-<id>.parquet` of the rows
    between consecutive `cuts` (named as the runner names them: simulation indices)."""
    (folder / "runs.parquet").unlink(missing_ok=True)
    (folder / "runs").mkdir(exist_ok=True)
    for k, (lo, hi) in enumerate(zip(cuts[:-1], cuts[1:], strict=True)):
        part = runs.iloc[lo:hi]
        index = part["point"] * replicates + part["replicate"]
        name = f"part-{index.min():09d}-{index.max():09d}-{k:08x}.parquet"
        part.to_parquet(folder / "runs" / name, index=False)


def realise(factor: dict, x: np.ndarray):
    """Model values of samples, as the runner makes them (see sim.experiments.factors)."""
    if factor["kind"] in ("int", "integer"):
        return np.floor(x + 0.5).astype(int)
    if factor["kind"] == "categorical":
        levels = factor["levels"]
        return np.array(levels)[np.clip(np.floor(x * len(levels)), 0, len(levels) - 1)
                                .astype(int)]
    return x


def runs_table(design: dict, factors: list[dict], X: np.ndarray,
               values: dict[str, np.ndarray], failed: set,
               common_seeds: bool = True) -> pd.DataFrame:
    """One row per (point, replicate) with factor values, outcomes and status."""
    reps = design["replicates"]
    point, rep = np.repeat(np.arange(len(X)), reps), np.tile(np.arange(reps), len(X))
    seed = 1000 + rep + (0 if common_seeds else 10 * point)
    runs = pd.DataFrame({"point": point, "replicate": rep, "seed": seed})
    for j, f in enumerate(factors):
        runs[f["name"]] = realise(f, X[point, j])
    is_failed = np.array([(p, r) in failed for p, r in zip(point, rep, strict=True)])
    for name, v in values.items():
        runs[name] = np.where(is_failed, np.nan, np.asarray(v, float).reshape(len(X), reps)
                              .ravel())
    runs["status"] = np.where(is_failed, "failed", "ok")
    runs["error"] = np.where(is_failed, "RuntimeError: boom", "")
    runs["traceback"] = ""
    runs["wall_seconds"] = 0.01
    return runs
