"""The rest of the travel-to-work area: stocks that add up and jobs that follow demand."""

import numpy as np

from sim.markets import ttwa
from sim.params import Params

P = Params.from_preset("town")
INCOMMUTERS, RESIDENTS_IN_TTWA_JOBS = 1_000, 2_000


def start():
    return ttwa.Ttwa.start(P, district_residents=10_000, incommuters=INCOMMUTERS,
                           residents_in_ttwa_jobs=RESIDENTS_IN_TTWA_JOBS,
                           rng=np.random.default_rng(7))


def month(market, demand, rng):
    """The TTWA's month, then its unemployed fill every job it left open."""
    market.demand = demand
    ttwa.own_market(P, market, RESIDENTS_IN_TTWA_JOBS, rng)
    market.move(min(market.vacancies, int(market.unemployed)))


def test_the_ttwa_starts_at_its_rates_and_its_jobs_are_those_held():
    market = start()
    assert abs(market.unemployment_rate(INCOMMUTERS) - P.ttwa_unemployment_rate) < 1e-9
    assert market.jobs_at_start == market.employed + RESIDENTS_IN_TTWA_JOBS
    rng = np.random.default_rng(0)
    people = market.employed + market.unemployed
    for _ in range(120):
        month(market, 1.0, rng)
    assert market.employed + market.unemployed == people  # nobody is created or lost
    assert abs(market.unemployment_rate(INCOMMUTERS) - P.ttwa_unemployment_rate) < 0.005


def test_lower_demand_lays_people_off_and_leaves_no_jobs_open():
    rng = np.random.default_rng(1)
    steady, slump = start(), start()
    for _ in range(60):
        month(steady, 1.0, rng)
        month(slump, 0.9, rng)
    assert slump.unemployment_rate(INCOMMUTERS) > steady.unemployment_rate(INCOMMUTERS) + 0.05
    layoff = ttwa.own_market(P, slump, RESIDENTS_IN_TTWA_JOBS, rng)
    assert layoff == 0 and slump.vacancies < steady.vacancies  # settled at the lower level
    assert ttwa.own_market(P, start(), RESIDENTS_IN_TTWA_JOBS + 500, rng) > 0  # residents share


def test_demand_falls_fast_into_a_recession_and_recovers_slowly():
    demand, path = 1.0, []
    for m in range(60):
        demand = ttwa.next_demand(P, demand, 0.5 if m < 12 else 0.0)
        path.append(demand)
    depth = 1 - P.recession_demand_fall * 0.5
    assert abs(path[11] - depth) < 0.02  # most of the fall within a year
    assert path[11] < path[23] < path[59] < 1.0  # still recovering four years after the end
