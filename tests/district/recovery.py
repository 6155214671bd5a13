"""Parameter recovery: calibrate to targets the model produced at known values."""

from __future__ import annotations

import pandas as pd

from sim.analysis import validation
from sim.calibrate import Problem, posterior_from_trials
from sim.calibrate.problem import seed_targets
from sim.calibrate.study import calibrate
from sim.evaluate import Run, evaluate

TRUTH = {"search_intensity": 0.15, "health_mean_deprived": 0.5}
# search_intensity is taken where the job-finding rate still responds: above about 0.3,
# matching is limited by vacancies and the rate flattens (see docs/calibration.md); the
# health of deprived residents sets the long-term sick share of their inactive.
TARGETS = ("job_finding_rate_monthly", "long_term_sick_share_of_inactive_deprived")


def synthetic_targets(scenario, truth: dict, seeds, half_width: float) -> pd.DataFrame:
    """Targets whose values are the model's own at `truth` (mean over `seeds`), with a
    range of +-`half_width` of each value."""
    general = validation.load_targets()
    rows = general[general["target"].isin(TARGETS)].reset_index(drop=True)
    truth_scenario = Problem(scenario, tuple(truth), rows, tuple(seeds)).with_values(truth)
    results = evaluate([Run(truth_scenario, s) for s in seeds])
    values = pd.DataFrame([seed_targets(r, rows) for r in results]).mean()
    rows["value"] = rows["target"].map(values)
    rows["low"], rows["high"] = rows["value"] * (1 - half_width), rows["value"] * (1 + half_width)
    return rows


def recover(folder, trials: int, accept: float, months: tuple[int, int],
            truth_seeds=(99,), seeds=(1,), half_width: float = 0.15):
    """Calibrate the two parameters of TRUTH on town; return (posterior, problem)."""
    scenario = validation.baseline_scenario(
        "town", {"burn_in_months": months[0], "programme_months": months[1]})
    targets = synthetic_targets(scenario, TRUTH, truth_seeds, half_width)
    problem = Problem(scenario, tuple(TRUTH), targets, tuple(seeds))
    trials_table = calibrate(problem, trials, folder)
    return posterior_from_trials(trials_table, problem.names, accept), problem
