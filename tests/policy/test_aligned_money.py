"""Aligned mainstream money is not free: it is a public cost and it buys less elsewhere."""

import numpy as np
import pandas as pd
import pytest

from sim.analysis.compare import additionality
from sim.evaluate import COMPARISON, SCENARIO, Result
from sim.model import LocalEconomy
from sim.outcomes import run_summary
from sim.params import Params
from sim.policy.spec import Policy


def _run(regime="coalition", **params):
    """A short town run: six months of burn-in, two programme years."""
    p = Params.from_preset("town").replace(burn_in_months=6, programme_months=24, **params)
    return LocalEconomy(p, rng=4, policy=Policy(regime)).run()


@pytest.fixture(scope="module")
def aligned_run():
    return _run(alignable_share=0.05)  # the top of its range, so aligned money is large


def test_aligned_money_is_in_the_public_cost_beside_regeneration_money(aligned_run):
    s = run_summary(aligned_run)
    assert s["mainstream_aligned_spend"] > 0.05 * s["regeneration_spend"]
    assert s["regeneration_cost"] == pytest.approx(s["regeneration_spend"]
                                                   + s["one_stop_shop_spend"])
    assert s["public_cost"] == pytest.approx(s["regeneration_cost"]
                                             + s["mainstream_aligned_spend"])


def test_outcomes_forgone_elsewhere_follow_the_aligned_money(aligned_run):
    p, s = aligned_run.p, run_summary(aligned_run)
    forgone = s["mainstream_aligned_spend"] / p.mainstream_cost_per_reengaged
    assert s["aligned_forgone_reengaged"] == pytest.approx(forgone) and forgone > 0
    monthly = pd.DataFrame(aligned_run.records["monthly"])
    assert monthly["aligned_forgone_reengaged"].sum() == pytest.approx(forgone)
    assert s["reengaged_6m_net_of_forgone"] == pytest.approx(s["reengaged_6m"] - forgone)


def test_aligned_money_is_moved_within_mainstream_spending_not_added(aligned_run):
    """Each month the public sector spends its mainstream budget (aligned money included)
    and the regeneration money the accounts book: aligned money adds nothing to demand."""
    rows = pd.DataFrame(aligned_run.records["accounts"])
    rows = rows[rows["phase"] == "programme"]
    public = rows[["public_local", "public_outside", "programme_local",
                   "programme_outside"]].sum(axis=1)
    booked = (rows["programme_spend_ledger"] + rows["one_stop_shop_spend"]
              + rows["programme_spend_carried"].shift(1, fill_value=0.0))
    assert rows["mainstream_aligned_spend"].sum() > 0
    np.testing.assert_allclose(public, aligned_run.public_spend + booked
                               - rows["programme_spend_carried"], rtol=1e-9)


def _pair(seed: int, scenario: dict, comparison: dict) -> Result:
    zeros = dict.fromkeys(("jobs_total_end", "assisted_jobs", "gap_funding",
                           "one_stop_shop_spend", "private_investment_helped",
                           "projects_helped", "projects_helped_anyway",
                           "assisted_incommuter_share"), 0.0)
    summary = pd.DataFrame([{"arm": SCENARIO, "seed": seed, **zeros, **scenario},
                            {"arm": COMPARISON, "seed": seed, **zeros, **comparison}])
    panel = pd.DataFrame({"months_after": [6], "observed": [1], "employed_scenario": [1],
                          "employed_comparison": [0]})
    return Result(summary, pd.DataFrame(), panel)


def test_cost_per_net_reengaged_counts_aligned_money_and_nets_what_it_forgoes():
    """GBP 1m of regeneration cost and GBP 0.5m aligned buy 30 re-engaged, of whom 5 are
    forgone elsewhere: 1.5m / 25, not 1m / 30."""
    scenario = {"regeneration_cost": 1e6, "public_cost": 1.5e6, "reengaged_6m": 30.0,
                "reengaged_6m_net_of_forgone": 25.0}
    pairs = [_pair(seed, scenario, dict.fromkeys(scenario, 0.0)) for seed in (1, 2)]
    cost = additionality(pairs).set_index("measure").loc["cost_per_net_reengaged", "estimate"]
    assert cost == pytest.approx(1.5e6 / 25)


def test_when_mainstream_services_are_productive_aligning_money_loses_residents():
    """At the bottom of its range the opportunity cost exceeds what aligned money buys in
    the district, so re-engagement net of what is forgone falls as more money is aligned
    (the mechanism can count against the regime that aligns most)."""
    cheap = {"mainstream_cost_per_reengaged": 20_000.0}
    low = run_summary(_run(alignable_share=0.0, **cheap))
    high = run_summary(_run(alignable_share=0.05, **cheap))
    gained = high["reengaged_6m"] - low["reengaged_6m"]
    assert high["aligned_forgone_reengaged"] > gained
    assert high["reengaged_6m_net_of_forgone"] < low["reengaged_6m_net_of_forgone"]
