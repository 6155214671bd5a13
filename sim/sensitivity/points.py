"""One value per design point: replicates averaged, seed noise measured, failures handled.

A stochastic model gives a different outcome for every seed at the same design
point. The analysis works on the mean over a point's replicates, and reports
how much of the variance is seed noise rather than factor effects (a one-way
analysis of variance with design points as groups). A point with any failed,
missing or non-finite run has no value; `on_failure` decides what happens to it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.sensitivity.study import AnalysisError, Study


@dataclass(frozen=True)
class PointValues:
    """The values of one outcome at the design points, as the analysis will use them.

    Attributes:
        y: point means (imputed where `imputed`; meaningless where not `keep`).
        keep: points (rows of the sample) that enter the analysis.
        imputed: points filled with the mean of the others (on_failure="mean").
        bad: points with any failed, missing or non-finite run.
    """

    y: np.ndarray
    keep: np.ndarray
    imputed: np.ndarray
    bad: np.ndarray


def run_matrix(study: Study, outcome: str) -> tuple[np.ndarray, np.ndarray]:
    """Outcome values as a points x replicates matrix, and which entries are usable.

    An entry is usable when the run exists, its status is "ok" and its value is
    finite; unusable entries hold NaN and must never be read.
    """
    shape = (study.points, study.replicates)
    values = np.full(shape, np.nan)
    ok = study.runs[study.runs["status"] == "ok"]
    y = pd.to_numeric(ok[outcome], errors="coerce").to_numpy(dtype=float)
    values[ok["point"].to_numpy(dtype=int), ok["replicate"].to_numpy(dtype=int)] = y
    return values, np.isfinite(values)


def point_values(study: Study, outcome: str, on_failure: str | None) -> PointValues:
    """Replicate means per point, with failed points dropped or imputed as asked.

    Only points whose every replicate is usable get a mean, so all point values
    average the same number of seeds. With on_failure="mean" the other points'
    mean fills the gaps; with "drop" the points (for Morris, whole trajectories,
    which need every step) leave the analysis.
    """
    values, usable = run_matrix(study, outcome)
    bad = ~usable.all(axis=1)
    if bad.all():
        raise AnalysisError(f"outcome {outcome!r} has no usable design point at all")
    y = np.zeros(study.points)
    y[~bad] = values[~bad].mean(axis=1)
    keep, imputed = ~bad, np.zeros_like(bad)
    if bad.any() and on_failure is None:
        raise AnalysisError(f"outcome {outcome!r} has failed points and no on_failure policy")
    if bad.any() and on_failure == "mean":
        y[bad], keep, imputed = y[~bad].mean(), np.ones_like(bad), bad
    elif bad.any() and study.method == "morris":
        keep = _whole_trajectories(keep, int(study.design["samples"]))
    if not keep.any():
        raise AnalysisError(f"outcome {outcome!r}: every Morris trajectory has a failed point")
    return PointValues(y=y, keep=keep, imputed=imputed, bad=bad)


def _whole_trajectories(keep: np.ndarray, trajectories: int) -> np.ndarray:
    """Keep only Morris trajectories (consecutive blocks of rows) with no dropped point."""
    blocks = keep.reshape(trajectories, -1)
    return np.repeat(blocks.all(axis=1), blocks.shape[1])


def seed_noise(study: Study, outcome: str) -> dict:
    """How much of the outcome's variance is seed noise, over points with all runs usable.

    The run outcomes y[point, replicate] are decomposed around their grand mean
    into between-point and within-point (replicate) sums of squares, a one-way
    analysis of variance. What matters for the indices is the noise left in the
    point means: with independent seeds it is the within-point variance over R.
    With common random numbers (replicate r has the same seed at every point)
    the part of the noise a seed gives every point alike cancels between points,
    so only the point x replicate interaction is left: the residual mean square
    of a two-way layout without replication, over R.

    Returns:
        dict with `within_share` (within-point share of the run-level sum of
        squares), `replicate_sd` (pooled within-point standard deviation),
        `noise_share_of_means` (the noise variance left in the point means as
        a share of their variance, at most 1), `replicates`, `points` and
        `common_seeds`. Shares are NaN with one replicate (noise cannot be told
        from factor effects) or a constant outcome.
    """
    values, usable = run_matrix(study, outcome)
    sub = values[usable.all(axis=1)]
    points, reps = sub.shape
    common = common_seeds(study.runs)
    out = {"outcome": outcome, "replicates": reps, "points": points, "within_share": np.nan,
           "replicate_sd": np.nan, "noise_share_of_means": np.nan, "common_seeds": common}
    if reps < 2 or points < 2:
        return out
    within = sub - sub.mean(axis=1, keepdims=True)
    ss_total = float(((sub - sub.mean()) ** 2).sum())
    out["replicate_sd"] = (float((within**2).sum()) / (points * (reps - 1))) ** 0.5
    if ss_total > 0:
        out["within_share"] = float((within**2).sum()) / ss_total
    if common:  # remove each replicate's shared offset: the two-way residual
        residual = within - within.mean(axis=0, keepdims=True)
        noise_var = float((residual**2).sum()) / ((points - 1) * (reps - 1))
    else:
        noise_var = out["replicate_sd"] ** 2
    means_var = float(sub.mean(axis=1).var(ddof=1))
    if means_var > 0:
        out["noise_share_of_means"] = min(noise_var / reps / means_var, 1.0)
    return out


def common_seeds(runs: pd.DataFrame) -> bool:
    """Whether each replicate used one seed at every design point (common random numbers)."""
    if "seed" not in runs or runs["point"].nunique() < 2:
        return False
    return bool((runs.groupby("replicate")["seed"].nunique() == 1).all())
