"""The rest of the travel-to-work area: a market whose stocks add up and respond to demand."""

import numpy as np

from sim.markets import ttwa
from sim.params import Params

P = Params.from_preset("town")


def start():
    return ttwa.Ttwa.start(P, district_residents=10_000, incommuters=1_000,
                           residents_in_ttwa_jobs=2_000)


def run(market, months, demand=1.0, seed=0):
    rng = np.random.default_rng(seed)
    for _ in range(months):
        market.demand = demand
        ttwa.own_market(P, market, 1_000, 2_000, rng)
    return market


def test_the_ttwa_starts_at_its_rates_and_stays_near_them_with_steady_demand():
    market = start()
    assert abs(market.unemployment_rate - P.ttwa_unemployment_rate) < 1e-9
    people = market.employed + market.unemployed
    run(market, 120)
    assert market.employed + market.unemployed == people  # nobody is created or lost
    assert abs(market.unemployment_rate - P.ttwa_unemployment_rate) < 0.01


def test_lower_demand_raises_ttwa_unemployment_and_empties_its_vacancies():
    steady, slump = run(start(), 60), run(start(), 60, demand=0.9)
    assert slump.unemployment_rate > steady.unemployment_rate + 0.03
    assert slump.vacancies < steady.vacancies


def test_demand_falls_fast_into_a_recession_and_recovers_slowly():
    demand, path = 1.0, []
    for month in range(60):
        demand = ttwa.next_demand(P, demand, 0.5 if month < 12 else 0.0)
        path.append(demand)
    depth = 1 - P.recession_demand_fall * 0.5
    assert abs(path[11] - depth) < 0.02  # most of the fall within a year
    assert path[11] < path[23] < path[59] < 1.0  # still recovering four years after the end
