"""The default parameters reproduce the calibration targets (town preset, eight seeds).

The fifteen targets of release 0.1 must pass, and so must the new rows the model already
meets (5-year firm survival, the employment-support effects). The other rows added for
issue 9 are measured on the same runs, but the economy is not yet rebuilt to meet them
(the labour market, firms and mobility of issue 9): this test checks that each is
measured, and docs/calibration.md lists where each stands. When a row is met, it joins
CALIBRATED.
"""

import math

from sim.analysis.validation import PASS, load_targets, validate
from sim.backends import Backend

CALIBRATED = ("employment_rate_district", "employment_rate_deprived", "employment_rate_rest",
              "unemployment_rate_deprived", "long_term_sick_share_of_inactive_deprived",
              "job_finding_rate_monthly", "separation_rate_monthly",
              "business_birth_rate_annual", "business_death_rate_annual",
              "tradable_share_of_jobs", "in_commuter_share_of_jobs", "mean_commute_km",
              "training_effect_year1_pp", "training_effect_year2_pp",
              "training_effect_year3_pp", "firm_survival_5y",
              "employment_support_effect_year1_pp", "employment_support_effect_year3_pp")


def test_town_baseline_meets_the_calibrated_targets_and_measures_the_rest():
    # training effects on a town are noisy: eight seeds
    table = validate("town", seeds=8, backend=Backend("processes", 2)).set_index("target")
    assert list(table.index) == list(load_targets()["target"])
    calibrated = table.loc[list(CALIBRATED)]
    failing = calibrated[calibrated["status"] != PASS]
    assert failing.empty, f"targets out of range:\n{failing.to_string()}"
    assert all(math.isfinite(m) for m in table["mean"]), table[["mean", "status"]]
