"""A study folder read back for sensitivity analysis: design, runs and point values.

A study folder (`results/<study>/<run-id>/`, written by `sim.experiments`) holds
`manifest.json` and `runs.parquet` (or shards `runs/part-*.parquet` while a
study is incomplete), one row per simulation: design point, replicate, seed,
the factor values used, the scalar outcomes and a status.

The design settings are read from the manifest only ("settings come from one
place"): for the SALib methods the sample matrix is regenerated with the same
SALib call and seed as the runner used, and checked against the factor values
recorded in the runs, so an index can never be computed against the wrong
inputs. Failed, missing or non-finite runs are never turned into numbers
silently: they stop the analysis unless the caller chooses a policy.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from SALib.sample import fast_sampler, morris, sobol

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
        runs: one row per (point, replicate), retries resolved (an ok row wins).
        X: the regenerated SALib sample (points x factors), None for grid and LHS.
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

    Raises:
        AnalysisError: the folder is not a study, or runs and design disagree.
    """
    folder = resolve_folder(Path(folder))
    manifest = read_manifest(folder)
    runs = resolve_retries(read_runs(folder))
    _check_columns(runs, manifest)
    X = sample_matrix(manifest["design"])
    study = Study(folder, manifest, runs, X)
    _check_points(study)
    if X is not None:
        check_sample(study)
    return study


def resolve_folder(folder: Path) -> Path:
    """A study run folder; a study folder holding exactly one run id resolves to it."""
    if (folder / "manifest.json").is_file():
        return folder
    runs = sorted(p.parent for p in folder.glob("*/manifest.json"))
    if len(runs) > 1:
        raise AnalysisError(f"{folder} holds several runs of the study; name one: "
                            + ", ".join(str(r) for r in runs))
    return runs[0] if runs else folder


def read_manifest(folder: Path) -> dict:
    """`manifest.json` of a study, with the keys the analysis needs checked."""
    path = folder / "manifest.json"
    if not path.is_file():
        raise AnalysisError(f"{folder} has no manifest.json: is it a study folder "
                            "(results/<study>/<run-id>/)?")
    manifest = json.loads(path.read_text(encoding="utf-8"))
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


def read_runs(folder: Path) -> pd.DataFrame:
    """The runs table, through the result store if it exists, else read directly."""
    try:
        from sim.experiments.store import read_runs as store_read_runs
    except ModuleNotFoundError as exc:
        if exc.name not in ("sim.experiments", "sim.experiments.store"):
            raise
        return read_runs_files(folder)
    return store_read_runs(folder)


def read_runs_files(folder: Path) -> pd.DataFrame:
    """`runs.parquet`, or the shards `runs/part-*.parquet` of an incomplete study."""
    single = folder / "runs.parquet"
    if single.is_file():
        return pd.read_parquet(single)
    shards = sorted((folder / "runs").glob("part-*.parquet"))
    if not shards:
        raise AnalysisError(f"{folder} has neither runs.parquet nor runs/part-*.parquet: "
                            "run the study first")
    return pd.concat([pd.read_parquet(s) for s in shards], ignore_index=True)


def resolve_retries(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per (point, replicate): an ok row wins over a failed one, else the last."""
    missing = [k for k in RUN_KEYS if k not in runs.columns]
    if missing:
        raise AnalysisError(f"the runs table lacks the columns {missing}")
    order = runs.assign(_ok=runs["status"].eq("ok")).sort_values("_ok", kind="stable")
    one = order.drop_duplicates(["point", "replicate"], keep="last").drop(columns="_ok")
    return one.sort_values(["point", "replicate"]).reset_index(drop=True)


def _check_columns(runs: pd.DataFrame, manifest: dict) -> None:
    """Every factor and scalar outcome of the manifest has a column in the runs."""
    names = [f["name"] for f in manifest["factors"]]
    names += [o["name"] for o in manifest["outcomes"] if o.get("kind") == "scalar"]
    absent = [n for n in names if n not in runs.columns]
    if absent:
        raise AnalysisError(f"the runs table has no column for {absent} named in manifest.json")


def _check_points(study: Study) -> None:
    """Points and replicates are numbered from 0 and the sample has one row per point."""
    if study.X is not None and len(study.X) != study.points:
        raise AnalysisError(
            f"manifest.json says {study.points} design points but the {study.method} sample "
            f"regenerated from its settings has {len(study.X)} rows: design and runs disagree")
    for key, n in (("point", study.points), ("replicate", study.replicates)):
        bad = study.runs.loc[~study.runs[key].between(0, n - 1), key]
        if len(bad):
            raise AnalysisError(f"runs refer to {key}s outside 0..{n - 1} (manifest.json): "
                                f"{', '.join(map(str, sorted(set(bad.tolist()))[:MAX_LISTED]))}")


def sample_matrix(design: dict) -> np.ndarray | None:
    """The SALib sample the runner evaluated, regenerated from the manifest's design.

    Uses the same calls as the runner: Saltelli's scheme on a scrambled Sobol'
    sequence (Sobol 2001; Saltelli 2002), Morris trajectories (Morris 1991;
    Campolongo et al. 2007) and the eFAST search curves (Saltelli et al. 1999).

    Returns:
        The points x factors matrix in run order, or None for grid and LHS designs.
    """
    method = design["method"]
    if method not in SALIB_METHODS:
        return None
    problem = copy.deepcopy(design["problem"])  # SALib adds keys to the problem it is given
    n, seed = int(design["samples"]), sampler_seed(design)
    if method == "sobol":
        return sobol.sample(problem, n, calc_second_order=bool(design["second_order"]),
                            seed=seed)
    if method == "morris":
        return morris.sample(problem, n, num_levels=int(design["levels"]), seed=seed)
    return fast_sampler.sample(problem, n, M=harmonics(design), seed=seed)


def sampler_seed(design: dict) -> int | None:
    """The seed the runner gave SALib's sampler (`sampler_seed`, else the study `seed`)."""
    return design.get("sampler_seed", design.get("seed"))


def harmonics(design: dict) -> int:
    """eFAST's interference parameter M (`harmonics`; SALib's default 4)."""
    return int(design.get("harmonics", design.get("M", 4)))


def factor_kind(factor: dict) -> str:
    """"int", "categorical" or "float", from the manifest's kind (or the runner's names)."""
    kind = factor.get("kind", "float")
    return {"integer": "int", "continuous": "float"}.get(kind, kind)


def check_sample(study: Study) -> None:
    """Fail loudly unless the numeric factor values in the runs equal the sample.

    Float factors must match to rounding error; integer factors may be the
    sample value rounded or truncated (less than one apart). Categorical
    factors are recorded as level names and are not compared here, but if the
    runner kept its samples (`design.parquet`, columns `sample:<factor>`) all
    of them are compared with the regenerated matrix.
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
            where = f"factor {name!r} differs in {int(wrong.sum())} of {len(wrong)} runs"
            i = int(np.argmax(wrong))
            raise AnalysisError(_mismatch_message(study, where, int(rows[i]), used[i],
                                                  sampled[i], "runs.parquet"))
    _check_design_table(study)


def _check_design_table(study: Study) -> None:
    """If the runner kept its samples (design.parquet), they must equal the regenerated X."""
    path, columns = study.folder / "design.parquet", study.design.get("sample_columns")
    if not columns or not path.is_file():
        return
    kept = pd.read_parquet(path, columns=["point", *columns]).sort_values("point")
    kept = kept[columns].to_numpy(dtype=float)
    if kept.shape != study.X.shape:
        raise AnalysisError(f"design.parquet holds {kept.shape[0]} points, the regenerated "
                            f"sample {study.X.shape[0]}: design and manifest disagree")
    wrong = ~np.isclose(kept, study.X, rtol=1e-9, atol=1e-12)
    if wrong.any():
        p, j = map(int, np.argwhere(wrong)[0])
        where = f"sample of {study.problem['names'][j]!r} differs at {int(wrong.sum())} entries"
        raise AnalysisError(_mismatch_message(study, where, p, kept[p, j], study.X[p, j],
                                              "design.parquet"))


def _mismatch_message(study: Study, where: str, point: int, used: float, sampled: float,
                      table: str) -> str:
    d = study.design
    return (f"{table} does not match the {d['method']} sample regenerated from manifest.json "
            f"(samples={d.get('samples')}, sampler seed={sampler_seed(d)}): {where}, first "
            f"at point {point} ({table}: {float(used):.10g}, sample: {float(sampled):.10g}). "
            "The manifest's design and the study's values belong to different samples; "
            "indices computed from them would be meaningless. Rerun the study.")
