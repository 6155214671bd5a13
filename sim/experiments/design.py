"""Designs: the design points of an experiment, and the settings the analysis must use.

`make_design` is the one place where design points are drawn. It builds the
SALib problem from the factors, calls the SALib sampler of the method (or
crosses a full-factorial grid), turns samples into model values, and returns
the settings block that goes into the study's manifest. The analysis reads the
method, N, second_order, levels, harmonics, seeds and the problem from that
block, never from the user, so sampling and analysis cannot disagree.

Sizes (D factors, N = `samples`):

| method | points | SALib sampler |
|---|---|---|
| grid | product of each factor's levels or N range points | (none) |
| lhs | N | `SALib.sample.latin` |
| sobol | N (D + 2), or N (2D + 2) with second_order | `SALib.sample.sobol` |
| morris | N (D + 1) (N trajectories) | `SALib.sample.morris` |
| fast | N D | `SALib.sample.fast_sampler` |
"""

from __future__ import annotations

import copy
import hashlib
import importlib.metadata
import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.experiments.factors import Factor
from sim.experiments.seeds import purpose_seed
from sim.experiments.spec import DesignSpec, Experiment

SAMPLE_PREFIX = "sample:"


@dataclass(frozen=True)
class Design:
    """The design points of a study.

    Attributes:
        samples: points x factors matrix in the sample space (SALib's X, in problem order).
        values: realised model values per factor name, one per point.
        settings: the manifest's design block (see module docstring).
    """

    samples: np.ndarray
    values: dict
    settings: dict

    @property
    def points(self) -> int:
        return int(self.samples.shape[0])

    def frame(self) -> pd.DataFrame:
        """design.parquet: point, the realised values, and the samples as `sample:<name>`."""
        columns = {"point": np.arange(self.points, dtype=np.int64)}
        columns.update({name: vals for name, vals in self.values.items()})
        names = self.settings["problem"]["names"]
        columns.update({SAMPLE_PREFIX + n: self.samples[:, i] for i, n in enumerate(names)})
        return pd.DataFrame(columns)

    def point_values(self, point: int) -> dict:
        """The factor values of one design point."""
        return {name: vals[point] for name, vals in self.values.items()}


def salib_problem(factors: tuple[Factor, ...]) -> dict:
    """The SALib problem of the factors' sample space (dists only if one is not uniform)."""
    entries = [f.problem_entry() for f in factors]
    problem = {"num_vars": len(factors), "names": [f.name for f in factors],
               "bounds": [bounds for bounds, _ in entries], "groups": None}
    if any(dist != "unif" for _, dist in entries):
        problem["dists"] = [dist for _, dist in entries]
    return problem


def make_design(experiment: Experiment) -> Design:
    """Draw the design points and the analysis settings of `experiment`.

    Returns:
        The Design; `settings` holds method, samples, second_order, levels, M
        (FAST harmonics), replicates, seed (the seed given to the SALib sampler,
        derived from the master seed and never 0), master_seed, analysis_seed,
        common_random_numbers, points, simulations, problem, sample_columns,
        salib_version and a digest of the samples.
    """
    spec = experiment.design
    problem = salib_problem(experiment.factors)
    seed = purpose_seed(spec.seed, "design")
    if experiment.policies:
        world_factors = experiment.world_factors
        worlds = draw(spec, world_factors, salib_problem(world_factors), seed)
        samples = cross_policies(worlds, len(experiment.policies))
    else:
        samples = draw(spec, experiment.factors, problem, seed)
    values = {f.name: f.realise(samples[:, i]) for i, f in enumerate(experiment.factors)}
    settings = {
        "method": spec.method, "samples": spec.samples, "second_order": spec.second_order,
        "levels": spec.levels, "M": spec.harmonics, "replicates": spec.replicates,
        "seed": seed, "master_seed": spec.seed,
        "analysis_seed": purpose_seed(spec.seed, "analysis"),
        "common_random_numbers": spec.common_random_numbers,
        "points": int(samples.shape[0]), "simulations": int(samples.shape[0]) * spec.replicates,
        "problem": problem, "sample_columns": [SAMPLE_PREFIX + n for n in problem["names"]],
        "salib_version": _version("SALib"), "digest": digest(samples),
    }
    if experiment.policies:
        settings.update(policies=[p.name for p in experiment.policies],
                        worlds=int(samples.shape[0]) // len(experiment.policies))
    return Design(samples, values, settings)


def cross_policies(worlds: np.ndarray, policies: int) -> np.ndarray:
    """Every world (row) once per policy, world by world: point ``w * policies + k`` is
    world ``w`` under policy ``k``, whose sample (the last column) is ``(k + 0.5) /
    policies``, the middle of level k of the categorical `policy` factor. With common
    random numbers all policies of a world then run with the same seeds."""
    repeated = np.repeat(worlds, policies, axis=0)
    level = np.tile((np.arange(policies) + 0.5) / policies, worlds.shape[0])
    return np.column_stack([repeated, level])


def world_of(point, policies: int):
    """The world of a design point (or array of points) of a study with policies."""
    return np.asarray(point) // policies


def draw(spec: DesignSpec, factors: tuple[Factor, ...], problem: dict, seed: int) -> np.ndarray:
    """The sample matrix of a design (points x factors)."""
    if spec.method == "grid":
        axes = [f.grid(spec.samples) for f in factors]
        return np.array(list(itertools.product(*axes)), dtype=float).reshape(-1, len(factors))
    problem = copy.deepcopy(problem)  # SALib adds keys to the problem it is given
    if spec.method == "lhs":
        from SALib.sample import latin

        return latin.sample(problem, spec.samples, seed=seed)
    if spec.method == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, spec.samples, calc_second_order=spec.second_order,
                            seed=seed)
    if spec.method == "morris":
        from SALib.sample import morris

        return morris.sample(problem, spec.samples, num_levels=spec.levels, seed=seed)
    from SALib.sample import fast_sampler

    return fast_sampler.sample(problem, spec.samples, M=spec.harmonics, seed=seed)


def digest(samples: np.ndarray) -> str:
    """A short hash of the sample matrix, to check a resumed study draws the same points."""
    data = np.ascontiguousarray(samples, dtype=np.float64).tobytes()
    return hashlib.sha256(data).hexdigest()[:16]


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None
