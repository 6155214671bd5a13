"""Sensitivity analysis of one study folder: every scalar outcome, written atomically.

`analyze_study(folder)` reads what the experiment runner wrote (through
`sim.sensitivity.study`), averages replicates per design point and measures
seed noise (`points`), then per scalar outcome computes the method's indices
(`indices`) and their convergence (`convergence`), or for grid and Latin
hypercube designs descriptive statistics and standardised regression
coefficients (`describe`). Everything is written atomically to
`<folder>/analysis/`: CSV tables, PNG figures (`plots`) and `summary.md`
(`report`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.io import atomic_folder
from sim.sensitivity import plots, report
from sim.sensitivity.convergence import convergence, convergence_verdict
from sim.sensitivity.describe import describe_points, regression_notes
from sim.sensitivity.failures import Failures, check_policy, failure_error, failures
from sim.sensitivity.indices import index_notes, method_indices
from sim.sensitivity.points import PointValues, point_values, seed_noise
from sim.sensitivity.study import AnalysisError, Study, load_study, safe_name


@dataclass
class OutcomeResult:
    """The analysis of one outcome.

    Attributes:
        outcome: the outcome's name.
        tables: CSV stem -> table, e.g. "sobol_gva_end" -> indices ranked by ST.
        main: the ranked indices table (the first of `tables`), None if constant.
        convergence: indices at growing sample fractions (SALib methods), or None.
        verdict: the convergence verdict, one line.
        noise: seed-noise measures (see `sim.sensitivity.points.seed_noise`).
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
        plots.plot_outcome(tmp, study.method, result)
    noise = pd.DataFrame([r.noise for r in results])
    noise.to_csv(tmp / "seed_noise.csv", index=False)
    report.write_summary(tmp / "summary.md", study, results, on_failure, found)


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
