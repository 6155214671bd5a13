"""The outcome registry declares exactly what the model computes, and its projections
(labels, objectives, experiment names, headlines) follow it."""

from __future__ import annotations

import pytest
from town_scenarios import town_scenario

from sim import outcomes
from sim.analysis import optimise, report
from sim.analysis.compare import DIFFERENCES, difference_label
from sim.evaluate import COMPARISON, Pair, counterfactual
from sim.viz.paired import HEADLINES


@pytest.fixture(scope="module")
def pair():
    return Pair(town_scenario(seed=2, burn_in=3, programme=9), 2).execute()


def test_the_registry_declares_every_monthly_column_in_order(pair):
    columns = [c for c in pair.monthly.columns if c not in ("arm", "month", "phase")]
    assert columns == list(outcomes.names(outcomes.MONTHLY))


def test_the_registry_declares_every_run_and_pair_outcome(pair):
    keys = [c for c in pair.summary.columns if c not in ("arm", "seed")]
    run = list(outcomes.names(outcomes.RUN))
    assert keys[:len(run)] == run
    assert set(keys[len(run):]) < set(outcomes.names(outcomes.PAIR))


def test_every_outcome_has_a_label_a_unit_and_a_unique_name_in_its_level():
    for level in outcomes.LEVELS:
        defs = outcomes.outcomes(level)
        assert defs and len({d.name for d in defs}) == len(defs)
        assert all(d.label and d.unit and d.group and d.level == level for d in defs)
    with pytest.raises(KeyError, match="did you mean 'jobs_total_end'"):
        outcomes.lookup("jobs_totl_end")


def test_direction_says_which_way_is_better():
    crime, jobs = outcomes.lookup("crime_deprived_end"), outcomes.lookup("jobs_total_end")
    assert crime.better(70.0, 80.0) and not jobs.better(70.0, 80.0)
    assert outcomes.lookup("cohort_size").better(1, 2) is None


def test_projections_follow_the_registry():
    assert all(difference_label(key) for key in DIFFERENCES)
    assert all(outcomes.lookup(name, outcomes.MONTHLY) for name, _ in HEADLINES)
    assert report.headline_label("reengaged_6m", "net") == (
        "Net re-engaged residents (6 months in work)")
    assert report.headline_label("cost_per_net_job", "ratio") == (
        "Public cost per net additional district job [GBP]")
    assert optimise.objective_of("reengaged").name == "reengaged_6m"
    assert optimise.objective_of("crime_deprived_end").direction == outcomes.LOWER
    with pytest.raises(ValueError, match="unknown objective 'cohort_size'"):
        optimise.objective_of("cohort_size")  # no net effect, no direction


def test_counterfactual_arm_spends_nothing(pair):
    spend = [f"spend_{name}" for name in ("skills", "health")]
    assert all(pair.value(c, COMPARISON) == 0 for c in spend)
    assert counterfactual(town_scenario(seed=2, burn_in=3, programme=9)).policy.regime == "none"
