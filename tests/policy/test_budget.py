"""Money: never more spent than available, every pound attributed to a lever and a partner."""

import numpy as np
import pandas as pd
import pytest

from sim.model import LocalEconomy
from sim.policy.levers import registry
from sim.policy.spec import Policy

LEVERS = registry.names()


@pytest.fixture(scope="module")
def coalition_run(town_params):
    return LocalEconomy(town_params, rng=6, policy=Policy("coalition")).run()


def test_spending_never_exceeds_money_allocated(coalition_run):
    ledger = coalition_run.ledger
    assert (ledger.spent <= ledger.allocated + 1e-6).all()
    assert (ledger.balance >= -1e-6).all()
    assert ledger.spent[0].sum() > 0.5 * ledger.allocated[0].sum()


def test_every_pound_is_attributed_to_a_lever_and_a_partner(coalition_run):
    monthly = pd.DataFrame(coalition_run.records["monthly"])
    by_lever = monthly[[f"spend_{lever}" for lever in LEVERS]].to_numpy().sum()
    by_source = monthly[["spend_regeneration", "spend_mainstream_aligned"]].to_numpy().sum()
    assert by_lever == pytest.approx(coalition_run.ledger.spent.sum())
    assert by_source == pytest.approx(by_lever)
    assert coalition_run.ledger.spent.shape == (2, 7, len(LEVERS))


def test_allocation_spends_the_regeneration_budget_each_year(town_params):
    m = LocalEconomy(town_params, rng=1, policy=Policy("lsp")).run()
    years = town_params.programme_months / 12
    assert m.ledger.allocated[0].sum() == pytest.approx(town_params.regeneration_budget * years)


def test_no_money_spent_without_a_regime(town_params):
    m = LocalEconomy(town_params, rng=1, policy=Policy("none")).run()
    assert m.ledger.spent.sum() == 0 and m.ledger.allocated.sum() == 0


def test_a_lever_that_spends_nothing_leaves_output_identical(town_params):
    """Common random numbers: a zero-share lever equals a run without that lever."""
    mix = {"employment_support": 0.3, "skills": 0.3, "health": 0.2, "business_support": 0.2}
    mix = {lever: mix.get(lever, 0.0) for lever in LEVERS}
    policy = Policy("coalition", mix)
    short = town_params.replace(burn_in_months=6, programme_months=30)
    a = LocalEconomy(short, rng=9, policy=policy).run()
    b = LocalEconomy(short, rng=9, policy=policy, disabled_levers=("wage_subsidy",)).run()
    pd.testing.assert_frame_equal(pd.DataFrame(a.records["monthly"]),
                                  pd.DataFrame(b.records["monthly"]))
    assert np.array_equal(a.residents.status, b.residents.status)
