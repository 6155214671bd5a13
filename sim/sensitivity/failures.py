"""What keeps design points from having a value, and what the analysis may do about it.

Failed, missing or non-finite runs are never turned into numbers silently:
they stop the analysis unless the caller chooses a policy (`on_failure`),
and the policies that would bias an estimator are refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.sensitivity.study import MAX_LISTED, AnalysisError, Study

POLICIES = (None, "drop", "mean")
DROP_ALLOWED = ("morris", "grid", "lhs")


@dataclass
class Failures:
    """Everything that keeps a point from having a value, per kind.

    Attributes:
        total: simulations the design asks for (points x replicates).
        failed: (point, replicate, error) of runs whose status is not "ok".
        missing: (point, replicate) pairs with no row at all (an incomplete study).
        nonfinite: per outcome, the points with an ok run whose value is NaN or inf.
    """

    total: int
    failed: list[tuple[int, int, str]] = field(default_factory=list)
    missing: list[tuple[int, int]] = field(default_factory=list)
    nonfinite: dict[str, list[int]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.failed or self.missing or any(self.nonfinite.values()))

    def describe(self) -> str:
        """One sentence per kind of failure, with counts and point numbers."""
        parts = []
        if self.failed:
            error = _first_line(self.failed[0][2])
            parts.append(f"{len(self.failed)} of {self.total} runs failed (at "
                         f"{_points([p for p, _, _ in self.failed])}; first error: {error})")
        if self.missing:
            parts.append(f"{len(self.missing)} of {self.total} runs are missing, the study is "
                         f"incomplete (at {_points([p for p, _ in self.missing])})")
        for name, pts in self.nonfinite.items():
            if pts:
                parts.append(f"outcome {name!r} is NaN or infinite in ok runs at {_points(pts)}")
        return "; ".join(parts)


def _first_line(text) -> str:
    lines = str(text or "no error message").strip().splitlines()
    return lines[0] if lines else "no error message"


def _points(points: list[int]) -> str:
    """"point 3" or "points 3, 7 and 2 more": sorted unique numbers, the first few listed."""
    unique = sorted(set(int(p) for p in points))
    shown = ", ".join(str(p) for p in unique[:MAX_LISTED])
    more = len(unique) - MAX_LISTED
    return f"point{'s' * (len(unique) > 1)} {shown}" + (f" and {more} more" if more > 0 else "")


def failures(study: Study, outcomes: list[str]) -> Failures:
    """Failed, missing and non-finite runs of the study for the given outcomes."""
    runs = study.runs
    out = Failures(total=study.points * study.replicates)
    bad = runs[runs["status"] != "ok"]
    errors = bad["error"] if "error" in bad else pd.Series("", index=bad.index)
    out.failed = list(zip(bad["point"].astype(int), bad["replicate"].astype(int), errors,
                          strict=True))
    have = set(zip(runs["point"].astype(int), runs["replicate"].astype(int), strict=True))
    out.missing = [(p, r) for p in range(study.points) for r in range(study.replicates)
                   if (p, r) not in have]
    ok = runs[runs["status"] == "ok"]
    for name in outcomes:
        values = pd.to_numeric(ok[name], errors="coerce").to_numpy(dtype=float)
        out.nonfinite[name] = sorted(set(ok.loc[~np.isfinite(values), "point"].astype(int)))
    return out


def failure_error(study: Study, found: Failures) -> AnalysisError:
    """The refusal to analyse a study with failures, saying what to do instead."""
    drop = ("on_failure='drop' (Morris: drops the trajectories through failed points; "
            "grid/LHS: drops the points)")
    if study.method not in DROP_ALLOWED:
        drop = f"on_failure='drop' is not possible for a {study.method} design"
    return AnalysisError(
        f"study {study.folder} cannot be analysed as it stands: {found.describe()}. "
        "Sensitivity indices need a value at every design point. Rerun or resume the "
        "study until every run succeeds, or choose an explicit policy: "
        f"{drop}; on_failure='mean' fills failed points with the mean of the other points "
        "(this pulls indices towards zero, and the summary says so).")


def check_policy(method: str, on_failure: str | None) -> None:
    """Refuse unknown policies, and dropping points from designs that need them all."""
    if on_failure not in POLICIES:
        raise AnalysisError(f"on_failure must be one of {POLICIES}, not {on_failure!r}")
    if on_failure == "drop" and method not in DROP_ALLOWED:
        raise AnalysisError(
            f"on_failure='drop' is not valid for a {method} design: its estimators need "
            "every point of the sample (Saltelli's A/B/AB blocks, eFAST's search curves), "
            "and dropping points would bias every index. Rerun the failed points, or use "
            "on_failure='mean' and read the indices as approximate.")
