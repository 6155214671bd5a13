"""Synthetic study folders, written as the experiment runner writes them (the contract).

`write_study` writes `manifest.json`, `design.parquet` and `runs.parquet` for a
design and a matrix of outcome values, so the analysis can be tested without
the runner or the model. SALib samples are drawn by the runner's own sampler
(`sim.experiments.design.draw`).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from sim.experiments.design import SAMPLE_PREFIX, Design, digest, draw
from sim.experiments.spec import DesignSpec

SALIB_METHODS = ("sobol", "morris", "fast")
TYPES = {"float": "float", "continuous": "float", "int": "int", "integer": "int",
         "categorical": "string"}  # the runner's column types, by factor kind


def design(method: str, problem: dict, samples: int, *, seed: int = 1,
           second_order: bool = False, levels: int = 4, replicates: int = 1) -> dict:
    """The manifest's `design` entry, with `points` taken from the SALib sample."""
    d = {"method": method, "samples": samples, "second_order": second_order, "levels": levels,
         "seed": seed, "replicates": replicates, "problem": problem}
    d["points"] = len(salib_sample(d))
    d["simulations"] = d["points"] * replicates
    return d


def salib_sample(design: dict) -> np.ndarray:
    """The SALib sample of a `design()` entry, drawn as the runner draws it."""
    spec = DesignSpec(method=design["method"], samples=design["samples"],
                      second_order=design["second_order"], levels=design["levels"],
                      seed=design["seed"])
    return draw(spec, (), design["problem"], design["seed"])


def write_study(folder: Path, design: dict, values: dict[str, np.ndarray], *,
                factors: list[dict] | None = None, X: np.ndarray | None = None,
                failed: tuple[tuple[int, int], ...] = (), common_seeds: bool = True) -> Path:
    """Write a study folder.

    Args:
        folder: where to write (created).
        design: see `design()`.
        values: outcome name -> points x replicates array (or a 1-d array for one replicate).
        factors: the manifest's factor list; default float uncertainties of the problem.
        X: factor values recorded in the runs; default the design's sample. For grid and
            LHS designs (no SALib sample to draw) X is the sample, and must be given.
        failed: (point, replicate) pairs written as failed runs with no outcome values.
        common_seeds: replicate r has one seed at every point (else a seed per simulation).
    """
    folder.mkdir(parents=True, exist_ok=True)
    names = design["problem"]["names"]
    factors = factors or [{"name": n, "role": "uncertainty", "kind": "float"} for n in names]
    factors = [{"type": TYPES[f["kind"]], **f} for f in factors]
    sample = salib_sample(design) if design["method"] in SALIB_METHODS else X
    X = sample if X is None else X
    design = write_design(folder, design, factors, sample)
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


def write_design(folder: Path, design: dict, factors: list[dict], sample: np.ndarray) -> dict:
    """Write design.parquet (the runner's Design.frame); the design entry with the
    sample's columns and digest, as the runner records them in the manifest."""
    values = {f["name"]: realise(f, sample[:, j]) for j, f in enumerate(factors)}
    Design(sample, values, {"problem": design["problem"]}).frame().to_parquet(
        folder / "design.parquet", index=False)
    return {**design, "sample_columns": [SAMPLE_PREFIX + n for n in design["problem"]["names"]],
            "digest": digest(sample)}


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
