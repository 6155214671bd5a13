"""Place effects that cut both ways (docs/odd.md 8.8): better places raise rents, safer
places cut crime's cost to firms, and both work with residential moves switched off."""

import numpy as np
import pytest

from sim import neighbourhood as rules
from sim.accounts import max_relative_residual
from sim.businesses import Businesses
from sim.markets import goods
from sim.model import LocalEconomy
from sim.params import Params
from sim.residents import update_wellbeing

P = Params.from_preset("town")
CLOSED = {"move_out_rate_deprived": 0.0, "move_out_rate_rest": 0.0,
          "move_within_rate_deprived": 0.0, "move_within_rate_rest": 0.0,
          "burn_in_months": 6, "programme_months": 12}


def _two_firms_in_two_hoods() -> Businesses:
    firms = Businesses(capacity=2)
    firms.add(hood=np.array([0, 1]), tradable=np.array([False, False]),
              weight=np.ones(2), productivity=np.full(2, 3000.0), wage=np.full(2, 1800.0))
    return firms


def test_rents_rise_where_the_environment_improved_and_firms_pay_them():
    firms = _two_firms_in_two_hoods()
    rent_rise, no_crime_change = np.array([0.1, 0.0]), np.zeros(2)
    costs = goods.place_costs(P, firms, np.array([10, 10]), rent_rise, no_crime_change)
    assert np.isclose(costs[0], 10 * P.premises_rent_per_job * 0.1 / 12) and costs[1] == 0.0


def test_firms_save_where_crime_fell_and_pay_where_it_rose():
    firms = _two_firms_in_two_hoods()
    costs = goods.place_costs(P, firms, np.array([5, 5]), np.zeros(2), np.array([-0.2, 0.3]))
    assert costs[0] < 0 < costs[1]
    assert np.isclose(costs[1], 5 * P.business_crime_cost * 0.3 / 12)


def test_place_changes_are_measured_from_the_start():
    model = LocalEconomy(Params.from_preset("town", CLOSED), rng=2)
    hoods = model.hoods
    assert not rules.rent_premium(model.p, hoods, model.ref).any()
    assert not rules.crime_change(model.p, hoods).any()
    hoods.environment[0] += 0.2
    hoods.crime[1] -= 0.5 * hoods.crime_reference
    assert np.isclose(rules.rent_premium(model.p, hoods, model.ref)[0],
                      0.2 * model.p.rent_environment_elasticity)
    assert np.isclose(rules.crime_change(model.p, hoods)[1], -0.5)


def _month_after_improving_deprived_places(changes: dict) -> dict:
    """The accounts of the month after deprived neighbourhoods' environment rose by 0.2 and
    their crime fell by a third, in a closed town (no residential moves)."""
    model = LocalEconomy(Params.from_preset("town", {**CLOSED, **changes}), rng=4)
    model.run(months=6)
    deprived = model.hoods.deprived
    model.hoods.environment[deprived] += 0.2
    model.hoods.crime[deprived] *= 2 / 3
    model.step()
    return model.records["accounts"][-1]


@pytest.fixture(scope="module")
def improved_months() -> dict:
    no_place_costs = {"rent_environment_elasticity": 0.0, "business_crime_cost": 0.0}
    return {"none": _month_after_improving_deprived_places(no_place_costs),
            "rents": _month_after_improving_deprived_places({"business_crime_cost": 0.0}),
            "crime": _month_after_improving_deprived_places({"rent_environment_elasticity": 0.0})}


def test_rent_rises_take_from_local_spending_and_add_to_firms_costs(improved_months):
    none, rents = improved_months["none"], improved_months["rents"]
    assert rents["household_local_spending"] < none["household_local_spending"]
    assert rents["fixed_costs"] > none["fixed_costs"]
    assert max_relative_residual([rents]) < 1e-9  # what residents pay in rent is accounted


def test_lower_crime_cuts_firms_costs_with_moves_switched_off(improved_months):
    assert improved_months["crime"]["fixed_costs"] < improved_months["none"]["fixed_costs"]


def test_rent_rises_lower_wellbeing_beside_the_better_environment():
    model = LocalEconomy(Params.from_preset("town", CLOSED), rng=2)
    res, hoods = model.residents, model.hoods
    per_adult = np.full(model.households.n, 1500.0)
    scores = []
    for rise in (0.0, 0.3):
        update_wellbeing(model.p, res, per_adult, hoods, np.full(hoods.n, rise))
        scores.append(res.wellbeing.mean())
    assert scores[1] < scores[0]
