"""Calibration-target computation on synthetic monthly tables with known answers."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from sim.analysis import validation as v
from sim.backends import Backend

RATE_COLUMNS = [
    "employment_rate_district", "employment_rate_deprived", "employment_rate_rest",
    "unemployment_rate_deprived", "long_term_sick_share_of_inactive_deprived",
    "job_finding_rate", "separation_rate", "tradable_share_of_jobs",
    "in_commuter_share_of_jobs", "mean_commute_km", "long_term_unemployed_share",
    "micro_firm_share", "business_engagement_share",
]
ALIASES = {"job_finding_rate": "job_finding_rate_monthly",
           "separation_rate": "separation_rate_monthly",
           "business_engagement_share": "business_engagement_share_lsp"}


def synthetic(employment: list[float], births: list[int], deaths: list[int]) -> pd.DataFrame:
    """Two burn-in months with absurd values, then one programme month per list entry.

    Every rate column other than employment_rate_district sits at its published value.
    """
    targets = v.load_targets().set_index("target")["value"]
    n = len(employment)
    table = {"month": list(range(1, n + 3)), "phase": ["burn_in"] * 2 + ["programme"] * n}
    for column in RATE_COLUMNS:
        table[column] = [99.0, 99.0] + [targets[ALIASES.get(column, column)]] * n
    table["employment_rate_district"] = [0.0, 0.0] + employment
    table["businesses"] = [1, 1] + [100] * n
    table["business_births"] = [50, 50] + births
    table["business_deaths"] = [50, 50] + deaths
    for target in v.CONSTANT_TARGETS:
        table[target] = [99.0, 99.0] + [targets[target]] * n
    table["job_entries_churned_6m"] = [99, 99] + [4] * n  # 4 of 10 entrants: 0.40
    table["job_entries_sustained_6m"] = [0, 0] + [6] * n
    table["hires_job_to_job"] = [99, 99] + [9] * n  # 9 of 20 hires: 0.45
    table["hires_residents"], table["hires_residents_ttwa"] = [0, 0] + [15] * n, [0, 0] + [5] * n
    return pd.DataFrame(table)


SEED_1 = synthetic([0.60, 0.70, 0.66, 0.72], births=[1, 0, 2, 1], deaths=[0, 0, 0, 1])
SEED_2 = synthetic([0.50, 0.50, 0.50, 0.50], births=[1, 1, 1, 1], deaths=[1, 1, 1, 1])


def by_target(table: pd.DataFrame) -> pd.DataFrame:
    return table.set_index("target")


def test_rate_is_mean_over_programme_months():
    row = by_target(v.compute_targets([SEED_1])).loc["employment_rate_district"]
    assert row["mean"] == pytest.approx(0.67)
    assert row["status"] == v.PASS


def test_business_rates_are_annual_per_live_business():
    table = by_target(v.compute_targets([SEED_1]))
    # 4 births in 4 months -> 12 a year, over 100 live businesses.
    assert table.loc["business_birth_rate_annual", "mean"] == pytest.approx(0.12)
    assert table.loc["business_birth_rate_annual", "status"] == v.PASS
    # 1 death in 4 months -> 3 a year -> 0.03, below the 0.08-0.12 range.
    assert table.loc["business_death_rate_annual", "mean"] == pytest.approx(0.03)
    assert table.loc["business_death_rate_annual", "status"] == v.FAIL


def test_ratio_targets_sum_numerators_and_denominators_over_the_period():
    table = by_target(v.compute_targets([SEED_1]))
    assert table.loc["churn_6m_share", "mean"] == pytest.approx(0.40)
    assert table.loc["job_to_job_share_of_hires", "mean"] == pytest.approx(0.45)
    uneven = SEED_1.assign(job_entries_churned_6m=[99, 99, 1, 0, 0, 4],
                           job_entries_sustained_6m=[0, 0, 9, 0, 0, 1])
    summed = by_target(v.compute_targets([uneven])).loc["churn_6m_share", "mean"]
    assert summed == pytest.approx(5 / 15)  # not the mean of the monthly ratios (0.45)
    no_entries = SEED_1.assign(job_entries_churned_6m=0, job_entries_sustained_6m=0)
    assert by_target(v.compute_targets([no_entries])).loc["churn_6m_share", "status"] == v.NO_DATA


def test_every_target_at_its_published_value_passes():
    table = v.compute_targets([SEED_1.assign(employment_rate_district=0.68, business_deaths=1)])
    assert v.all_pass(table), table[table["status"] != v.PASS]
    assert len(table) == len(v.load_targets()) == 25


def test_monthly_suffix_targets_use_plain_columns():
    table = by_target(v.compute_targets([SEED_1]))
    assert table.loc["job_finding_rate_monthly", "mean"] == pytest.approx(0.08)
    assert table.loc["separation_rate_monthly", "mean"] == pytest.approx(0.005)


def test_mean_and_spread_across_seeds():
    row = by_target(v.compute_targets([SEED_1, SEED_2])).loc["employment_rate_district"]
    assert row["mean"] == pytest.approx((0.67 + 0.50) / 2)
    assert row["sd"] == pytest.approx(pd.Series([0.67, 0.50]).std())
    assert (row["min"], row["max"]) == (pytest.approx(0.50), pytest.approx(0.67))
    assert row["n_seeds"] == 2
    assert row["status"] == v.FAIL


def test_training_effects_are_judged_from_the_paired_runs_columns():
    outside = SEED_1.assign(training_effect_year2_pp=20.0)
    table = by_target(v.compute_targets([SEED_1, outside]))
    assert table.loc["training_effect_year1_pp", "status"] == v.PASS
    assert table.loc["training_effect_year2_pp", "mean"] == pytest.approx((5.4 + 20.0) / 2)
    assert table.loc["training_effect_year2_pp", "status"] == v.FAIL


def test_missing_column_is_no_output_and_fails():
    table = by_target(v.compute_targets([SEED_1.drop(columns="mean_commute_km")]))
    assert table.loc["mean_commute_km", "status"] == v.NO_OUTPUT
    assert not v.all_pass(table.reset_index())


def test_no_programme_months_is_no_data():
    burn_in_only = SEED_1[SEED_1["phase"] == "burn_in"]
    table = by_target(v.compute_targets([burn_in_only]))
    assert table.loc["employment_rate_district", "status"] == v.NO_DATA


def test_terminal_table_and_json_are_honest():
    table = v.compute_targets([SEED_1, SEED_2])
    text = v.format_table(table, "town", 2)
    assert "employment_rate_district" in text and "FAIL" in text
    doc = json.loads(v.to_json(table, "town", 2))
    assert doc["seeds"] == [1, 2] and doc["all_simulated_pass"] is False
    training = [t for t in doc["targets"] if t["target"] == "training_effect_year1_pp"][0]
    assert training["mean"] == pytest.approx(1.6) and training["status"] == v.PASS


def test_validate_does_not_depend_on_worker_count():
    short = {"burn_in_months": 3, "programme_months": 6}
    one = v.validate("town", seeds=2, overrides=short)
    two = v.validate("town", seeds=2, backend=Backend("processes", 2), overrides=short)
    pd.testing.assert_frame_equal(one, two)
    assert not math.isnan(one.set_index("target").loc["employment_rate_rest", "mean"])
