"""Global sensitivity analysis of a study folder with SALib.

`analyze_study(folder)` reads what the experiment runner wrote
(`manifest.json`, `runs.parquet`), averages replicates per design point,
measures seed noise, and computes per scalar outcome:

* Sobol' first-order (S1), total (ST) and, if designed for, second-order (S2)
  indices with bootstrap intervals: Sobol (2001), estimators of Saltelli (2002)
  and Saltelli et al. (2010);
* Morris elementary effects mu, mu* and sigma with a bootstrap interval on mu*:
  Morris (1991), mu* from Campolongo, Cariboni and Saltelli (2007);
* eFAST first-order and total indices: Saltelli, Tarantola and Chan (1999);
* for grid and Latin hypercube designs, descriptive statistics by factor level,
  the range of level means per factor, and standardised regression
  coefficients (Saltelli et al. 2008, ch. 1).

A convergence check recomputes the indices on growing leading parts of the
sample. Everything is written atomically to `<folder>/analysis/`: CSV tables,
PNG figures and `summary.md` (see `sim.analysis.sa_report`).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from SALib.analyze import fast, morris, sobol

from sim.analysis import sa_plots, sa_report
from sim.analysis.sa_describe import describe_points, regression_notes
from sim.analysis.sa_points import PointValues, point_values, seed_noise
from sim.analysis.sa_study import (
    AnalysisError,
    Failures,
    Study,
    check_policy,
    failure_error,
    failures,
    harmonics,
    load_study,
    safe_name,
    sample_matrix,
)
from sim.io import atomic_folder
from sim.rng import stable_hash

__all__ = ["AnalysisError", "OutcomeResult", "analyze_study", "analysis_seed", "load_study",
           "sample_matrix", "sobol_indices", "morris_indices", "fast_indices", "read_indices"]

RESAMPLES = 1000
CONF_LEVEL = 0.95
FRACTIONS = (1 / 8, 1 / 4, 1 / 2, 1)
MIN_BASE = 4          # fewest base rows (Sobol) or trajectories (Morris) worth analysing
WIDE_CI = 0.1         # half-width beyond which an index (Morris: mu*/max mu*) is too uncertain
MAIN_INDEX = {"sobol": "ST", "fast": "ST", "morris": "mu_star"}
CONVERGENCE_COLUMNS = ["fraction", "size", "factor", "index", "value", "conf"]


@dataclass
class OutcomeResult:
    """The analysis of one outcome.

    Attributes:
        outcome: the outcome's name.
        tables: CSV stem -> table, e.g. "sobol_gva_end" -> indices ranked by ST.
        main: the ranked indices table (the first of `tables`), None if constant.
        convergence: indices at growing sample fractions (SALib methods), or None.
        verdict: the convergence verdict, one line.
        noise: seed-noise measures (see `sim.analysis.sa_points.seed_noise`).
        points: the point values analysed.
        notes: caveats specific to this outcome.
    """

    outcome: str
    tables: dict[str, pd.DataFrame]
    main: pd.DataFrame | None
    convergence: pd.DataFrame | None
    verdict: str
    noise: dict
    points: PointValues
    notes: list[str] = field(default_factory=list)


def analyze_study(folder: str | Path, on_failure: str | None = None,
                  outcomes: Iterable[str] | None = None, out: str | Path | None = None) -> Path:
    """Analyse a study folder and write tables, figures and `summary.md`.

    Args:
        folder: the study folder (`results/<study>/<run-id>/`).
        on_failure: None (refuse if any run failed, is missing or gave NaN/inf),
            "drop" (Morris: drop trajectories through failed points; grid/LHS:
            drop the points) or "mean" (fill failed points with the mean of the
            others; stated in the summary).
        outcomes: scalar outcomes to analyse; default all of the manifest's.
        out: output folder; default `<folder>/analysis`.

    Returns:
        The output folder.

    Raises:
        AnalysisError: the study cannot be analysed as asked; the message says why.
    """
    study = load_study(folder)
    names = select_outcomes(study, outcomes)
    check_policy(study.method, on_failure)
    found = failures(study, names)
    if found and on_failure is None:
        raise failure_error(study, found)
    results = [analyse_outcome(study, name, on_failure) for name in names]
    out = Path(out) if out is not None else study.folder / "analysis"
    with atomic_folder(out) as tmp:
        write_outputs(tmp, study, results, on_failure, found)
    return out


def select_outcomes(study: Study, outcomes: Iterable[str] | None) -> list[str]:
    """The scalar outcomes to analyse; unknown or series outcomes are an error."""
    scalar = study.scalar_outcomes()
    if outcomes is None:
        return scalar
    names = [outcomes] if isinstance(outcomes, str) else list(outcomes)
    wrong = [n for n in names if n not in scalar]
    if wrong:
        raise AnalysisError(f"cannot analyse {wrong}: the study's scalar outcomes are {scalar}")
    return names


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


def analyse_outcome(study: Study, outcome: str, on_failure: str | None) -> OutcomeResult:
    """Indices, convergence and seed noise of one outcome, by the study's method."""
    pv = point_values(study, outcome, on_failure)
    noise = seed_noise(study, outcome)
    y = pv.y[pv.keep]
    if np.ptp(y) == 0:
        return OutcomeResult(outcome, {}, None, None, "not applicable (constant outcome)",
                             noise, pv, [f"{outcome} is constant over the design: it depends "
                                         "on none of the factors, and indices are undefined."])
    if study.method in ("grid", "lhs"):
        return _descriptive_result(study, outcome, pv, noise)
    main, extra = method_indices(study, study.X[pv.keep], y)
    conv = convergence(study, pv)
    stem = safe_name(outcome)
    tables = {f"{study.method}_{stem}": main}
    if not conv.empty:
        tables[f"convergence_{stem}"] = conv
    if extra is not None:
        tables[f"sobol2_{stem}"] = extra
    return OutcomeResult(outcome, tables, main, conv, convergence_verdict(conv, study.method),
                         noise, pv, index_notes(main, study.method))


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


def convergence(study: Study, pv: PointValues) -> pd.DataFrame:
    """Indices recomputed on the leading 1/8, 1/4, 1/2 and all of the sample.

    SALib orders the Saltelli matrix by base row (for each row of the Sobol'
    base sequence: A, the AB_i, the BA_i if second order, then B), so its
    first k*(rows per base row) rows are the design SALib builds from the first
    k base rows; the first k Morris trajectories are a Morris design with k
    trajectories. An eFAST design cannot be cut this way (its frequencies
    depend on N), so eFAST gets no convergence table.

    Returns:
        Long table: fraction, size (base rows or trajectories), factor, index,
        value, conf. Empty for eFAST.
    """
    if study.method == "fast":
        return pd.DataFrame(columns=CONVERGENCE_COLUMNS)
    blocks = int(study.design["samples"])
    X = study.X.reshape(blocks, -1, study.X.shape[1])
    y, keep = pv.y.reshape(blocks, -1), pv.keep.reshape(blocks, -1).all(axis=1)
    X, y = X[keep], y[keep]
    rows = []
    for frac in FRACTIONS:
        k = len(y) if frac == 1 else int(len(y) * frac)
        if (k < MIN_BASE and frac < 1) or np.ptp(y[:k]) == 0:
            continue
        main, _ = method_indices(study, X[:k].reshape(-1, X.shape[2]), y[:k].ravel())
        rows.append(_long(main, study.method, frac, k))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=CONVERGENCE_COLUMNS)


def _long(main: pd.DataFrame, method: str, frac: float, size: int) -> pd.DataFrame:
    """A ranked indices table in long form (one row per factor and index)."""
    pairs = [("mu_star", "mu_star_conf")] if method == "morris" else [("S1", "S1_conf"),
                                                                         ("ST", "ST_conf")]
    parts = [pd.DataFrame({"fraction": frac, "size": size, "factor": main["factor"],
                           "index": index, "value": main[index], "conf": main[conf]})
             for index, conf in pairs]
    return pd.concat(parts, ignore_index=True)


def convergence_verdict(conv: pd.DataFrame, method: str) -> str:
    """"converged", or what is wrong: a ranking that changed, or wide intervals.

    The ranking by the main index (ST; Morris mu*) at half the sample is compared
    with the full sample. A swap of two factors the full sample tells apart
    (their intervals do not overlap) fails the check; a swap within the
    intervals is only mentioned. Intervals are wide when a half-width exceeds
    WIDE_CI (Morris: relative to the largest mu*).
    """
    if conv is None or conv.empty:
        return ("not assessed (an eFAST design cannot be subsampled)" if method == "fast"
                else "not assessed")
    main = conv[conv["index"] == MAIN_INDEX[method]]
    full = main[main["fraction"] == 1].set_index("factor")
    half = main[main["fraction"] == 0.5].set_index("factor")
    clear, within = _rank_swaps(half, full) if len(half) else ([], [])
    problems = [] if len(half) else ["no half-sample check (N too small)"]
    if clear:
        problems.append(f"ranking changed between half and full sample ({', '.join(clear)})")
    scale = full["value"].abs().max() if method == "morris" else 1.0
    widest = float((full["conf"] / scale).max()) if scale > 0 else 0.0
    if widest > WIDE_CI:
        problems.append(f"wide intervals (largest half-width {widest:.2f}"
                        f"{' of max mu*' if method == 'morris' else ''} > {WIDE_CI})")
    verdict = "converged" if not problems else "NOT converged: " + "; ".join(problems)
    if within:
        verdict += (f" (order of {', '.join(within)} changed between half and full sample, "
                    "within their intervals)")
    return verdict


def _rank_swaps(half: pd.DataFrame, full: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Pairs ordered differently at half and full sample: (told apart at full, not)."""
    clear, within = [], []
    names = list(full.index)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            gap = full.at[a, "value"] - full.at[b, "value"]
            if np.sign(gap) == np.sign(half.at[a, "value"] - half.at[b, "value"]):
                continue
            apart = abs(gap) > full.at[a, "conf"] + full.at[b, "conf"]
            (clear if apart else within).append(f"{a} vs {b}")
    return clear, within


def index_notes(main: pd.DataFrame, method: str) -> list[str]:
    """Warnings from the indices themselves (estimates outside what theory allows)."""
    if method == "morris":
        return []
    notes = []
    below = main[main["S1"] + main["S1_conf"] < 0]
    if len(below):
        notes.append(f"S1 of {list(below['factor'])} is negative beyond its interval: the "
                     "sample is too small for these estimates")
    if main["S1"].sum() > 1 + main["S1_conf"].max():
        notes.append(f"the S1 sum to {main['S1'].sum():.2f} > 1: estimates are noisy")
    return notes


def _descriptive_result(study: Study, outcome: str, pv: PointValues, noise: dict):
    """Grid and LHS designs: means by factor level and standardised regression coefficients."""
    by_level, effects = describe_points(study, pv)
    stem = safe_name(outcome)
    tables = {f"effects_{stem}": effects, f"describe_{stem}": by_level}
    return OutcomeResult(outcome, tables, effects, None, "not applicable (descriptive design)",
                         noise, pv, regression_notes(effects))


def write_outputs(tmp: Path, study: Study, results: list[OutcomeResult],
                  on_failure: str | None, found: Failures) -> None:
    """Tables, figures, seed noise and the summary, into the temporary output folder."""
    for result in results:
        for stem, table in result.tables.items():
            table.to_csv(tmp / f"{stem}.csv", index=False)
        sa_plots.plot_outcome(tmp, study.method, result)
    noise = pd.DataFrame([r.noise for r in results])
    noise.to_csv(tmp / "seed_noise.csv", index=False)
    sa_report.write_summary(tmp / "summary.md", study, results, on_failure, found)


def read_indices(folder: str | Path, outcome: str) -> pd.DataFrame:
    """The ranked indices table of one outcome from an analysis (or study) folder."""
    folder = Path(folder)
    if (folder / "analysis").is_dir():
        folder = folder / "analysis"
    stem = safe_name(outcome)
    found = [p for m in ("sobol", "morris", "fast", "effects")
             if (p := folder / f"{m}_{stem}.csv").is_file()]
    if not found:
        raise AnalysisError(f"no indices for {outcome!r} in {folder}")
    return pd.read_csv(found[0])
