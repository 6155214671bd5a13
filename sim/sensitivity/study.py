"""A study folder read back for sensitivity analysis, and checked before anything is computed.

A study folder (`results/<study>/<run-id>/`, written by `sim.experiments`) is
read through the result store's own readers (`sim.experiments.store`):
`manifest.json` (the design settings, from one place), the runs table (one row
per simulation: point, replicate, seed, factor values, scalar outcomes,
status; shards while a study is incomplete) and, for the SALib methods, the
sample the runner drew (`design.parquet`, columns `sample:<factor>`). The
sample is never drawn again; instead two checks make sure an index can never
be computed against the wrong inputs: the stored sample must have the digest
the manifest recorded when it was drawn, and the factor values in the runs
must be that sample's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.experiments import store
from sim.experiments.design import digest

METHODS = ("grid", "lhs", "sobol", "morris", "fast")
SALIB_METHODS = ("sobol", "morris", "fast")
RUN_KEYS = ("point", "replicate", "status")
MAX_LISTED = 10


class AnalysisError(ValueError):
    """A study cannot be analysed as it stands; the message says why and what to do."""


@dataclass(frozen=True)
class Study:
    """A study folder read back: manifest, runs (one row per simulation) and sample.

    Attributes:
        folder: the study folder.
        manifest: `manifest.json` as a dict.
        runs: one row per (point, replicate), as `store.read_runs` gives it (a retried
            simulation's ok row wins over its failures).
        X: the SALib sample the runs were drawn from (points x factors, from
            design.parquet), None for grid and LHS.
    """

    folder: Path
    manifest: dict
    runs: pd.DataFrame
    X: np.ndarray | None

    @property
    def design(self) -> dict:
        return self.manifest["design"]

    @property
    def method(self) -> str:
        return self.design["method"]

    @property
    def problem(self) -> dict:
        return self.design["problem"]

    @property
    def points(self) -> int:
        return int(self.design["points"])

    @property
    def replicates(self) -> int:
        return int(self.design.get("replicates", 1))

    @property
    def factor_names(self) -> list[str]:
        return [f["name"] for f in self.manifest["factors"]]

    def factor(self, name: str) -> dict:
        """The manifest's description of factor `name` (kind float if not listed)."""
        return next((f for f in self.manifest["factors"] if f["name"] == name),
                    {"name": name, "kind": "float"})

    def kind(self, name: str) -> str:
        """"float", "int" or "categorical": how factor `name` is treated."""
        return factor_kind(self.factor(name))

    def scalar_outcomes(self) -> list[str]:
        return [o["name"] for o in self.manifest["outcomes"] if o.get("kind") == "scalar"]


def safe_name(name: str) -> str:
    """An outcome name usable in a file name."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


def load_study(folder: str | Path) -> Study:
    """Read a study folder and check its runs against the design in its manifest.

    Args:
        folder: a study run folder, or a study folder holding exactly one run.

    Raises:
        AnalysisError: the folder is not a study, or runs, sample and manifest disagree.
    """
    try:
        folder = store.resolve_folder(folder)
    except FileNotFoundError as exc:
        raise AnalysisError(str(exc)) from None
    manifest = check_manifest(store.read_manifest(folder), folder / store.MANIFEST)
    runs = store.read_runs(folder)
    _check_columns(runs, manifest, folder)
    X = stored_sample(folder, manifest)
    study = Study(folder, manifest, runs, X)
    _check_points(study)
    if X is not None:
        check_sample(study)
    return study


def check_manifest(manifest: dict, path: Path) -> dict:
    """The manifest, once it has the keys the analysis needs and a design it can analyse."""
    missing = [k for k in ("design", "factors", "outcomes") if k not in manifest]
    missing += [f"design.{k}" for k in ("method", "points") if k not in manifest.get("design", {})]
    if missing:
        raise AnalysisError(f"{path} lacks {', '.join(missing)}")
    method = manifest["design"]["method"]
    if method not in METHODS:
        raise AnalysisError(f"{path}: unknown design method {method!r}; known: {METHODS}")
    if manifest["design"].get("problem", {}).get("groups"):
        raise AnalysisError(f"{path}: grouped factors are not supported by this analysis")
    return manifest


def _check_columns(runs: pd.DataFrame, manifest: dict, folder: Path) -> None:
    """There are runs, and every factor and scalar outcome of the manifest has a column."""
    if runs.empty:
        raise AnalysisError(f"{folder} has no runs yet (neither runs.parquet nor "
                            "runs/part-*.parquet): run the study first")
    names = list(RUN_KEYS) + [f["name"] for f in manifest["factors"]]
    names += [o["name"] for o in manifest["outcomes"] if o.get("kind") == "scalar"]
    absent = [n for n in names if n not in runs.columns]
    if absent:
        raise AnalysisError(f"the runs table has no column for {absent} named in manifest.json")


def stored_sample(folder: Path, manifest: dict) -> np.ndarray | None:
    """The SALib sample the runner evaluated (design.parquet), None for grid and LHS.

    Raises:
        AnalysisError: the sample is not there, or is not the one the manifest
            recorded when it was drawn (its digest differs).
    """
    design = manifest["design"]
    if design["method"] not in SALIB_METHODS:
        return None
    lacking = [f"manifest.json's design.{k}" for k in ("sample_columns", "digest")
               if k not in design]
    lacking += [] if (folder / store.DESIGN).is_file() else [store.DESIGN]
    if lacking:
        raise AnalysisError(f"{folder} lacks {' and '.join(lacking)}: the analysis needs the "
                            "sample the runs were drawn from, as the experiment runner stores "
                            "it. Rerun the study.")
    X = store.sample_matrix(folder)
    if (found := digest(X)) != design["digest"]:
        raise AnalysisError(
            f"{store.DESIGN} does not match the sample digest in manifest.json (digest "
            f"{found}, manifest: {design['digest']}): the design file was changed or "
            "belongs to another run of the study, and indices computed from it would be "
            "meaningless. Rerun the study.")
    return X


def _check_points(study: Study) -> None:
    """Points and replicates are numbered from 0 and the sample has one row per point."""
    if study.X is not None and len(study.X) != study.points:
        raise AnalysisError(
            f"manifest.json says {study.points} design points but {store.DESIGN} holds "
            f"{len(study.X)}: design and manifest disagree")
    for key, n in (("point", study.points), ("replicate", study.replicates)):
        bad = study.runs.loc[~study.runs[key].between(0, n - 1), key]
        if len(bad):
            raise AnalysisError(f"runs refer to {key}s outside 0..{n - 1} (manifest.json): "
                                f"{', '.join(map(str, sorted(set(bad.tolist()))[:MAX_LISTED]))}")


def factor_kind(factor: dict) -> str:
    """"int", "categorical" or "float", from the manifest's kind (or the runner's names)."""
    kind = factor.get("kind", "float")
    return {"integer": "int", "continuous": "float"}.get(kind, kind)


def check_sample(study: Study) -> None:
    """Fail loudly unless the numeric factor values in the runs equal the stored sample.

    Float factors must match to rounding error; integer factors may be the
    sample value rounded or truncated (less than one apart). Categorical
    factors are recorded as level names and are not compared here; their
    samples are covered by the digest check of the stored sample.
    """
    rows = study.runs["point"].to_numpy()
    for j, name in enumerate(study.problem["names"]):
        kind = study.kind(name)
        if kind == "categorical":
            continue
        used = pd.to_numeric(study.runs[name], errors="coerce").to_numpy(dtype=float)
        sampled = study.X[rows, j]
        if kind == "int":  # the model got the sample rounded (or truncated)
            wrong = ~(np.abs(used - sampled) < 1)
        else:
            wrong = ~np.isclose(used, sampled, rtol=1e-9, atol=1e-12)
        if wrong.any():
            i = int(np.argmax(wrong))
            raise AnalysisError(
                f"runs.parquet does not match the {study.method} sample in {store.DESIGN}: "
                f"factor {name!r} differs in {int(wrong.sum())} of {len(wrong)} runs, first at "
                f"point {int(rows[i])} (runs.parquet: {used[i]:.10g}, sample: "
                f"{sampled[i]:.10g}). The runs and the design belong to different samples; "
                "indices computed from them would be meaningless. Rerun the study.")
