"""The convergence check: indices recomputed on growing leading parts of the sample."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.sensitivity.indices import method_indices
from sim.sensitivity.points import PointValues
from sim.sensitivity.study import Study

FRACTIONS = (1 / 8, 1 / 4, 1 / 2, 1)
MIN_BASE = 4          # fewest base rows (Sobol) or trajectories (Morris) worth analysing
WIDE_CI = 0.1         # half-width beyond which an index (Morris: mu*/max mu*) is too uncertain
MAIN_INDEX = {"sobol": "ST", "fast": "ST", "morris": "mu_star"}
CONVERGENCE_COLUMNS = ["fraction", "size", "factor", "index", "value", "conf"]


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

