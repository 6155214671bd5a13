"""The labour market in a whole model: one round shared with the TTWA, recessions by demand."""

from sim.model import LocalEconomy
from sim.params import Params
from sim.policy.shocks import Shock


def short(**overrides) -> Params:
    return Params.from_preset("town", {"burn_in_months": 6, "programme_months": 36, **overrides})


def test_without_ttwa_interest_in_district_jobs_nobody_commutes_in_even_in_a_slump():
    # a severe recession leaves no TTWA job open for months: seekers then have nowhere to go
    model = LocalEconomy(short(incommuter_search_weight=0.0), rng=3,
                         shocks=(Shock("recession", 1, 24, 1.0),)).run()
    rows = model.records["monthly"]
    assert sum(r["hires_incommuters"] for r in rows) == 0
    assert any(r["ttwa_vacancies"] == 0 for r in rows)


def test_a_recession_lowers_demand_and_raises_ttwa_unemployment_until_it_recovers():
    calm = LocalEconomy(short(), rng=4).run().records["monthly"]
    slump = LocalEconomy(short(), rng=4, shocks=(Shock("recession", 1, 12, 0.5),)).run()
    rows = slump.records["monthly"]
    during = rows[6 + 11]  # the recession's last month
    assert during["labour_demand_index"] < 0.9
    assert during["ttwa_unemployment_rate"] > calm[6 + 11]["ttwa_unemployment_rate"] + 0.01
    assert during["jobs_total"] < calm[6 + 11]["jobs_total"]
    after = [r["labour_demand_index"] for r in rows[6 + 12:]]
    assert all(a < b for a, b in zip(after, after[1:], strict=False))  # a steady recovery
    assert after[-1] < 1.0
