"""Shocks switched on in scenario files act when and how they should."""

import pandas as pd
import pytest

from sim.model import LocalEconomy
from sim.policy.shocks import Shock
from sim.policy.spec import Policy


def _monthly(params, shocks=(), policy=None):
    m = LocalEconomy(params, rng=8, policy=policy, shocks=shocks).run()
    return pd.DataFrame(m.records["monthly"]).set_index("month")


def test_recession_raises_separations_while_it_lasts(town_params):
    p = town_params.replace(burn_in_months=12, programme_months=36)
    base = _monthly(p)
    hit = _monthly(p, (Shock("recession", start=6, months=12, size=1.0),))
    during = slice(12 + 6, 12 + 17)
    rate = "separation_rate"
    assert hit.loc[during, rate].mean() > 1.5 * base.loc[during, rate].mean()
    assert hit.loc[30, "jobs_total"] < base.loc[30, "jobs_total"]


def test_plant_closure_removes_the_largest_exporter(town_params):
    p = town_params.replace(burn_in_months=12, programme_months=12)
    base = _monthly(p)
    hit = _monthly(p, (Shock("plant_closure", start=3),))
    assert hit.loc[15, "jobs_tradable"] < base.loc[15, "jobs_tradable"] - 20
    assert (hit.loc[:14, "jobs_total"] == base.loc[:14, "jobs_total"]).all()


def test_pot_ending_stops_new_money(town_params):
    p = town_params.replace(burn_in_months=6, programme_months=48)
    m = LocalEconomy(p, rng=8, policy=Policy("lsp"), shocks=(Shock("pot_ends", start=13),))
    m.run()
    assert m.ledger.allocated[0].sum() == pytest.approx(p.regeneration_budget)  # first year only
