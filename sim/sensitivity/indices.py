"""SALib estimators: ranked index tables of Sobol', Morris and eFAST designs.

* Sobol' first-order (S1), total (ST) and, if designed for, second-order (S2)
  indices with bootstrap intervals: Sobol (2001), estimators of Saltelli (2002)
  and Saltelli et al. (2010);
* Morris elementary effects mu, mu* and sigma with a bootstrap interval on mu*:
  Morris (1991), mu* from Campolongo, Cariboni and Saltelli (2007);
* eFAST first-order and total indices: Saltelli, Tarantola and Chan (1999).

Every estimator gets the sample as stored by the runner and the settings of
the manifest's design block, never values entered again by the user.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from SALib.analyze import fast, morris, sobol

from sim.rng import stable_hash
from sim.sensitivity.study import AnalysisError, Study

RESAMPLES = 1000
CONF_LEVEL = 0.95

def analysis_seed(design: dict) -> int:
    """The bootstrap seed: the manifest's `analysis_seed`, else one derived from the study seed.

    Never 0: SALib's Sobol analyser tests `if seed:` and would silently draw
    from numpy's global generator instead.
    """
    if design.get("analysis_seed"):
        return int(design["analysis_seed"])
    master = design.get("master_seed", design.get("seed"))
    seq = np.random.SeedSequence([int(master or 0), stable_hash("analysis")])
    return int(seq.generate_state(1, dtype=np.uint32)[0]) % (2**31 - 1) or 1



def method_indices(study: Study, X: np.ndarray, y: np.ndarray):
    """The ranked indices table of the study's SALib method (and S2 pairs for Sobol)."""
    _require_finite(y)
    design, seed = study.design, analysis_seed(study.design)
    if study.method == "sobol":
        return sobol_indices(study.problem, y, bool(design["second_order"]), seed)
    if study.method == "morris":
        return morris_indices(study.problem, X, y, int(design["levels"]), seed), None
    return fast_indices(study.problem, y, harmonics(design), seed), None


def _require_finite(y: np.ndarray) -> None:
    """Guard against SALib turning a NaN into zeros (its Sobol estimator masks them)."""
    if not np.isfinite(y).all():
        raise AnalysisError(f"{int((~np.isfinite(y)).sum())} non-finite values reached the "
                            "estimator; this is a bug in the failure handling")


def sobol_indices(problem: dict, y: np.ndarray, second_order: bool, seed: int):
    """Sobol' S1 and ST (Saltelli et al. 2010 estimators) and S2 (Saltelli 2002).

    Intervals are half-widths of bootstrap intervals over base rows (SALib).

    Returns:
        (table ranked by ST with columns factor, S1, S1_conf, ST, ST_conf;
        table of factor pairs with S2 and S2_conf, or None).
    """
    _require_finite(y)
    si = sobol.analyze(dict(problem), y, calc_second_order=second_order,  # SALib adds keys
                       num_resamples=RESAMPLES, conf_level=CONF_LEVEL, seed=seed)
    table = _ranked(problem["names"], si, ("S1", "S1_conf", "ST", "ST_conf"), "ST")
    if not second_order:
        return table, None
    names = problem["names"]
    pairs = [(names[i], names[k], si["S2"][i, k], si["S2_conf"][i, k])
             for i in range(len(names)) for k in range(i + 1, len(names))]
    return table, pd.DataFrame(pairs, columns=["factor", "other", "S2", "S2_conf"])


def morris_indices(problem: dict, X: np.ndarray, y: np.ndarray, levels: int, seed: int):
    """Morris elementary effects: mu, mu* (Campolongo et al. 2007), sigma, mu*_conf.

    Returns:
        Table ranked by mu* with columns factor, mu, mu_star, sigma, mu_star_conf.
    """
    _require_finite(y)
    si = morris.analyze(dict(problem), X, y, num_resamples=RESAMPLES, conf_level=CONF_LEVEL,
                        num_levels=levels, seed=seed)
    return _ranked(problem["names"], si, ("mu", "mu_star", "sigma", "mu_star_conf"), "mu_star")


def fast_indices(problem: dict, y: np.ndarray, m: int, seed: int) -> pd.DataFrame:
    """eFAST first-order and total indices (Saltelli, Tarantola and Chan 1999).

    SALib's intervals for eFAST are bootstrap estimates it calls indicative only
    (SALib issue 649). Its analyser reseeds numpy's global generator, so the
    global state is saved and restored around the call.

    Returns:
        Table ranked by ST with columns factor, S1, S1_conf, ST, ST_conf.
    """
    _require_finite(y)
    state = np.random.get_state()  # noqa: NPY002 - restored below; SALib reseeds it
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "FAST confidence intervals", UserWarning)
            si = fast.analyze(dict(problem), y, M=m, num_resamples=RESAMPLES,
                              conf_level=CONF_LEVEL, seed=seed)
    finally:
        np.random.set_state(state)  # noqa: NPY002
    return _ranked(problem["names"], si, ("S1", "S1_conf", "ST", "ST_conf"), "ST")


def _ranked(names: list[str], si, keys: tuple[str, ...], by: str) -> pd.DataFrame:
    """A SALib result as a table, one row per factor, sorted by `by` (largest first)."""
    table = pd.DataFrame({"factor": names, **{k: np.asarray(si[k], dtype=float) for k in keys}})
    table = table.sort_values(by, ascending=False, kind="stable").reset_index(drop=True)
    return table.assign(rank=np.arange(1, len(table) + 1))



def index_notes(main: pd.DataFrame, method: str) -> list[str]:
    """Estimates outside what theory allows (0 <= S1 <= ST <= 1), each explained: within its
    interval it is the estimator's small-sample noise and reads as the admissible value;
    beyond it the sample is too small (or the outcome too noisy) for these estimates."""
    if method == "morris":
        return []
    checks = (  # (rows, what, admissible value, covered?)
        (main["S1"] < 0, "S1 is negative", "0", main["S1"] + main["S1_conf"] >= 0),
        (main["ST"] > 1, "ST is above 1", "1", main["ST"] - main["ST_conf"] <= 1),
        (main["S1"] > main["ST"], "S1 exceeds ST", "S1 = ST",
         main["S1"] - main["S1_conf"] <= main["ST"] + main["ST_conf"]))
    notes = []
    for rows, what, value, covered in checks:
        noise, beyond = list(main.loc[rows & covered, "factor"]), list(
            main.loc[rows & ~covered, "factor"])
        if noise:
            notes.append(f"{what} for {noise}, but its interval covers {value}: small-sample "
                         f"estimator noise (the estimators are unbiased, not bounded); read it "
                         f"as {value}")
        if beyond:
            notes.append(f"{what} for {beyond} beyond its interval: the sample is too small "
                         "for these estimates (or seed noise dominates); add samples")
    if main["S1"].sum() > 1 + main["S1_conf"].max():
        notes.append(f"the S1 sum to {main['S1'].sum():.2f} > 1: estimates are noisy")
    return notes


def harmonics(design: dict) -> int:
    """eFAST's interference parameter M (`harmonics`; SALib's default 4)."""
    return int(design.get("harmonics", design.get("M", 4)))
