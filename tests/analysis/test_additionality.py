"""The additionality account adds up seed by seed, measures nothing where nothing differs,
and costs per net outcome divide realised spending, aligned money included."""

from dataclasses import replace

import numpy as np
import pytest
from town_scenarios import town_scenario

from sim.analysis import additionality as account
from sim.analysis import value_for_money as vfm
from sim.evaluate import COMPARISON, SCENARIO, Pair, evaluate


@pytest.fixture(scope="module")
def pairs():
    """An LSP with aligned money against its counterfactual, three seeds (town, 3 years)."""
    return _lsp_pairs(burn_in=6)


@pytest.fixture(scope="module")
def settled_pairs():
    """The same after the model's own 36-month burn-in: a short burn-in leaves the start's
    transient in the programme, too noisy a net effect for a ratio with three seeds."""
    return _lsp_pairs(burn_in=36)


def _lsp_pairs(burn_in: int):
    s = town_scenario(name="lsp", regime="lsp", programme=36, burn_in=burn_in)
    s = replace(s, params=s.params.replace(alignable_share=0.05))
    return evaluate([Pair(s, seed) for seed in (1, 2, 3)])


@pytest.fixture(scope="module")
def null_pair():
    """A scenario with no programme against its counterfactual: the same run twice."""
    return evaluate([Pair(town_scenario(name="none", regime="none", programme=24), 1)])[0]


def test_every_account_adds_up_exactly_for_every_seed(pairs):
    frame = account.account_frame(pairs)
    gaps = account.identity_gaps(frame)
    assert len(gaps) == 3 * 3  # per seed: jobs subtotal and total, people total
    assert (gaps["gap"] == 0).all()
    totals = frame[frame["term"] == "net"].pivot(index="seed", columns="account", values="value")
    np.testing.assert_array_equal(totals["jobs"], totals["people"])  # one net, two routes


def test_gross_less_deadweight_is_the_assisted_firms_net_gain(pairs):
    frame = account.account_frame(pairs).set_index(["account", "term", "seed"])["value"]
    for p in pairs:
        net_direct = frame["jobs", "gross", p.seed] - frame["jobs", "deadweight", p.seed]
        assert net_direct == p.value("assisted_jobs") - p.value("assisted_jobs", COMPARISON)
        assert frame["people", "gross", p.seed] > frame["people", "deadweight", p.seed] > 0


def test_without_a_programme_every_term_is_zero(null_pair):
    """Matching the same firms and people across the runs: a mismatch (a shifted firm row, a
    person found in the wrong slot) would show as spurious displacement or multiplier."""
    frame = account.account_frame([null_pair])
    measured = frame[frame["sign"].notna()]
    assert (measured["value"] == 0).all()


def test_substitution_is_reported_as_not_measured(pairs):
    table = account.account_table(pairs).set_index(["account", "term"])
    assert np.isnan(table.loc[("jobs", "substitution"), "estimate"])
    assert np.isnan(table.loc[("people", "substitution"), "sign"])


def test_costs_are_realised_public_spending_with_aligned_money(pairs):
    for p in pairs:
        undiscounted = vfm.spend_by_group(p, rate=0.0)
        assert p.value("mainstream_aligned_spend") > 0
        assert undiscounted["total"] == pytest.approx(p.value("public_cost"))
        assert undiscounted["total"] > p.value("regeneration_cost")
        assert vfm.spend_by_group(p, rate=0.035)["total"] < undiscounted["total"]
        assert p.value("unspent_balance_end", SCENARIO) > 0  # shown apart, not a cost


def test_employment_years_are_the_summed_monthly_difference_in_residents_in_work(pairs):
    p = pairs[0]
    rows = [p.arm_monthly(arm) for arm in (SCENARIO, COMPARISON)]
    employed = [(r["employment_rate_district"] * r["working_age_district"])[
        r["phase"] == "programme"].sum() for r in rows]
    assert vfm.employment_years(p, rate=0.0) == pytest.approx((employed[0] - employed[1]) / 12)


def test_cost_table_gives_the_headline_with_a_fieller_interval(settled_pairs):
    table = vfm.cost_table(settled_pairs).set_index("measure")
    row = table.loc["cost_per_net_employment_year"]
    assert row.method == "Fieller"
    frame = vfm.seed_frame(settled_pairs)
    assert row.estimate == pytest.approx(frame["cost_total"].mean()
                                         / frame["net_employment_years"].mean())
    assert not (table["estimate"] < 0).loc[list(vfm.RATIOS)].any()  # never a negative cost


def test_money_groups_follow_the_lever_registry():
    assert vfm.money_group("employment_support") == vfm.PEOPLE
    assert vfm.money_group("skills") == vfm.PEOPLE  # people and growth: it buys places
    assert vfm.money_group("business_support") == vfm.BUSINESS
    assert vfm.money_group("sites_transport") == vfm.BUSINESS
    assert vfm.money_group("community_safety") == vfm.PLACE
