"""What is calibrated: the base scenario, the free parameters, the targets, the seeds."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from sim.analysis import validation
from sim.evaluate import Result, Run
from sim.params import REGISTRY, ParameterError
from sim.scenario import Scenario


class CalibrationError(ValueError):
    """A calibration asks for a parameter, target or setting that cannot be used."""


def calibratable_targets(targets: pd.DataFrame, programme_months: int | None = None
                         ) -> pd.DataFrame:
    """Targets one baseline run measures: all but the paired lever effects, which need a
    second run per lever (validation measures those; calibrating them triples the cost),
    and, given the programme's length, the firm survival rates it is too short to see."""
    from sim.outcomes.run import SURVIVAL_YEARS

    left_out = set(validation.PAIRED_EFFECTS)
    if programme_months is not None:
        left_out |= {f"firm_survival_{y}y" for y in SURVIVAL_YEARS if programme_months <= 12 * y}
    return targets[~targets["target"].isin(left_out)].reset_index(drop=True)


@dataclass(frozen=True)
class Problem:
    """A calibration problem.

    Attributes:
        scenario: the baseline the parameters are fitted in (sim.analysis.validation).
        names: the free parameters; each ranges over its registry bounds.
        targets: target rows (calibration-targets.csv layout) the distance is taken over.
        seeds: the replicate seeds every trial runs (the same for all: common random
            numbers make trials' distances differ by their parameters, not their luck).
    """

    scenario: Scenario
    names: tuple[str, ...]
    targets: pd.DataFrame
    seeds: tuple[int, ...]

    def __post_init__(self):
        for name in self.names:
            param = REGISTRY.get(name)
            if param is None or param.kind is bool or param.low is None or param.high is None:
                raise CalibrationError(f"--params: {name!r} is not a bounded numeric parameter "
                                       "of the registry")
        if len(set(self.names)) != len(self.names) or not self.names:
            raise CalibrationError(f"--params: expected distinct names, got {self.names}")
        if self.targets.empty:
            raise CalibrationError("--targets: no target to calibrate to")

    def bounds(self) -> dict[str, tuple[float, float]]:
        return {n: (float(REGISTRY[n].low), float(REGISTRY[n].high)) for n in self.names}

    def with_values(self, values: dict) -> Scenario:
        """The base scenario with the free parameters set to `values`."""
        try:
            params = self.scenario.params.replace(where="calibration", **values)
        except ParameterError as exc:
            raise CalibrationError(str(exc)) from None
        return replace(self.scenario, params=params)

    def units(self, values: dict) -> list[Run]:
        scenario = self.with_values(values)
        return [Run(scenario, seed) for seed in self.seeds]

    def simulated(self, results: list[Result]) -> dict[str, float]:
        """Each target's mean over the replicate runs."""
        per_seed = [seed_targets(r, self.targets) for r in results]
        return {t: float(np.mean([s[t] for s in per_seed])) for t in self.targets["target"]}

    def distance(self, simulated: dict[str, float]) -> float:
        """Root mean square of each target's miss in units of its half-range (a target at
        the edge of its range misses by 1); infinite if a target is undefined."""
        t = self.targets
        half = (t["high"] - t["low"]).to_numpy(float) / 2
        miss = (np.array([simulated[n] for n in t["target"]]) - t["value"].to_numpy(float))
        z = miss / np.where(half > 0, half, np.abs(t["value"].to_numpy(float)) + 1e-12)
        return float(np.sqrt(np.mean(z**2))) if np.isfinite(z).all() else math.inf


def seed_targets(result: Result, targets: pd.DataFrame) -> dict[str, float]:
    """One baseline run's value of each target (run-level targets from its summary)."""
    monthly = result.arm_monthly()
    for target in validation.RUN_TARGETS:
        monthly[target] = result.value(target)
    return validation.seed_values(monthly, targets)
