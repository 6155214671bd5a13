"""Descriptive sensitivity for grid and Latin hypercube designs.

Neither design supports variance-based indices, so the analysis stays
descriptive: the mean and spread of each outcome by factor level (numeric
factors with many values in quintile bins), the range of those level means
per factor (a crude main effect, ranked), and standardised regression
coefficients (SRC) of the point means on the numeric factors. An SRC is
the change in the outcome, in standard deviations, per standard deviation of
the factor; SRC^2 approximates the share of variance a factor explains only
when the linear fit is good (R^2 near 1; Saltelli et al. 2008, Global
Sensitivity Analysis: The Primer, section 1.2.5).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.sensitivity.points import PointValues
from sim.sensitivity.study import Study

MAX_LEVELS = 10   # a numeric factor with more distinct values is binned
BINS = 5
GOOD_FIT = 0.7    # R^2 below which SRCs do not measure importance


def point_frame(study: Study, pv: PointValues) -> pd.DataFrame:
    """Factor values and the outcome mean `y` of the points that enter the analysis."""
    first = study.runs.drop_duplicates("point").set_index("point")
    frame = first.reindex(range(study.points))[study.factor_names].assign(y=pv.y)
    return frame[pv.keep & frame[study.factor_names].notna().all(axis=1).to_numpy()]


def describe_points(study: Study, pv: PointValues) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Outcome mean, sd and count by factor level, and a table of main effects.

    Returns:
        (levels table: factor, level, mean, sd, n;
        effects table ranked by level_range: factor, level_range (largest minus
        smallest mean over the factor's levels or bins), src (NaN for categorical
        factors), r2 (of the regression), rank).
    """
    frame = point_frame(study, pv)
    parts = []
    for name in study.factor_names:
        level = _levels(frame[name], study.kind(name))
        stats = frame.groupby(level, observed=True, sort=True)["y"].agg(["mean", "std", "count"])
        parts.append(stats.reset_index(names="level").assign(factor=name))
    levels = pd.concat(parts, ignore_index=True).rename(columns={"std": "sd", "count": "n"})
    levels = levels[["factor", "level", "mean", "sd", "n"]]
    spread = levels.groupby("factor", sort=False)["mean"].agg(lambda m: m.max() - m.min())
    effects = pd.DataFrame({"factor": spread.index, "level_range": spread.to_numpy()})
    effects = effects.merge(src_table(study, frame), on="factor", how="left")
    effects["r2"] = effects["r2"].max()
    effects = effects.sort_values("level_range", ascending=False, kind="stable")
    return levels, effects.reset_index(drop=True).assign(rank=np.arange(1, len(effects) + 1))


def _levels(values: pd.Series, kind: str) -> pd.Series:
    """Levels to group by: the values themselves, or quintile bins of a numeric factor."""
    if kind == "categorical" or values.nunique() <= MAX_LEVELS:
        return values.astype(str)
    return pd.qcut(values.astype(float), BINS, duplicates="drop").astype(str)


def src_table(study: Study, frame: pd.DataFrame) -> pd.DataFrame:
    """Standardised regression coefficients of `y` on the numeric factors that vary, and R^2."""
    names = [n for n in study.factor_names
             if study.kind(n) != "categorical" and frame[n].nunique() > 1]
    X = frame[names].to_numpy(dtype=float)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    y = frame["y"].to_numpy(dtype=float)
    y = (y - y.mean()) / y.std()
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    r2 = 1 - float(((y - X @ coef) ** 2).sum() / (y**2).sum())
    return pd.DataFrame({"factor": names, "src": coef, "r2": r2})


def regression_notes(effects: pd.DataFrame) -> list[str]:
    """Caveats on the SRCs: none without numeric factors, unreliable with a poor fit."""
    if effects["src"].isna().all():
        return ["no numeric factor varies: no regression coefficients"]
    r2 = float(effects["r2"].max())
    if r2 < GOOD_FIT:
        return [f"the linear fit explains only R^2 = {r2:.2f} of the variance: the SRCs do "
                "not rank importance reliably (effects are non-linear or interact)"]
    return []
