"""The rest of the travel-to-work area (TTWA): its labour market in aggregate.

The district sits inside a TTWA whose other residents compete for the same
jobs. Its workers are not agents: the TTWA is a few stocks (working-age
population, employed, unemployed, open TTWA vacancies) moved by flows each
month. TTWA jobs are posted at a rate that follows demand, so a recession
depletes them; residents and the TTWA's own unemployed both fill them, so a
vacancy one takes is gone for the other. The TTWA's unemployed also apply for
district vacancies (as would-be in-commuters), on the same scores as residents.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.params import Params


@dataclass(slots=True)
class Ttwa:
    """Stocks of the rest of the TTWA (people and jobs outside the district).

    Attributes:
        population: working-age people living in the TTWA outside the district.
        employed: those of them in work, in TTWA jobs or commuting into the district.
        unemployed: those of them unemployed and searching.
        jobs_at_start: TTWA jobs (filled or open) outside the district at the start.
        efficiency: matching efficiency of the TTWA's own market, set at the start so that
            its hires replace its separations there.
        demand: labour demand across the TTWA and the district relative to the start.
        vacancies: TTWA jobs open after this month's TTWA hires (for the district round).
        wage_index: the TTWA's wage level relative to the start (the wage curve).
    """

    population: float
    employed: float
    unemployed: float
    jobs_at_start: float
    efficiency: float
    demand: float = 1.0
    vacancies: int = 0
    wage_index: float = 1.0

    @classmethod
    def start(cls, p: Params, district_residents: int, incommuters: int,
              residents_in_ttwa_jobs: int) -> Ttwa:
        """The TTWA at the start: its people in proportion to the district's, its
        unemployment and vacancy rates as given, its jobs those its people and the
        district's TTWA workers hold plus the open ones."""
        population = p.ttwa_population_ratio * district_residents
        active = population * p.ttwa_activity_rate
        unemployed = active * p.ttwa_unemployment_rate
        employed = active - unemployed
        filled = employed - incommuters + residents_in_ttwa_jobs
        open_jobs = p.ttwa_vacancy_rate * filled / (1 - p.ttwa_vacancy_rate)
        outside = max(employed - incommuters, 1.0)
        efficiency = p.ttwa_separation_rate * outside / np.sqrt(unemployed * open_jobs)
        return cls(population, employed, unemployed, filled + open_jobs, efficiency,
                   vacancies=int(round(open_jobs)))

    @property
    def employment_rate(self) -> float:
        """Working-age employment rate of the rest of the TTWA."""
        return self.employed / self.population

    @property
    def unemployment_rate(self) -> float:
        return self.unemployed / max(self.employed + self.unemployed, 1.0)

    def move(self, into_work: float) -> None:
        """`into_work` TTWA people leave unemployment for work (negative: the other way)."""
        self.employed += into_work
        self.unemployed -= into_work


def own_market(p: Params, ttwa: Ttwa, incommuters: int, residents_in_ttwa_jobs: int,
               rng) -> float:
    """A month of the TTWA's own market before the district round.

    Its jobs follow demand; TTWA employers shed a share of any excess (the district's
    layoff speed), and return the share of the excess that falls on residents in TTWA
    jobs as a per-worker lay-off probability. Its employed separate at the TTWA
    separation rate; open jobs are what demand leaves unfilled; its unemployed fill
    some with the aggregate matching function m = efficiency * U^0.5 * V^0.5 [S]
    Petrongolo and Pissarides 2001. What is left is open to residents this month.
    """
    outside = max(ttwa.employed - incommuters, 0.0)
    jobs = ttwa.demand * ttwa.jobs_at_start
    excess = max(outside + residents_in_ttwa_jobs - jobs, 0.0)
    layoff_share = min(p.layoff_speed * excess / max(outside + residents_in_ttwa_jobs, 1.0), 1.0)
    lost = rng.binomial(int(outside), min(p.ttwa_separation_rate + layoff_share, 1.0))
    ttwa.move(-int(lost))
    outside -= lost
    open_jobs = max(jobs - outside - residents_in_ttwa_jobs, 0.0)
    matches = rng.poisson(ttwa.efficiency * np.sqrt(max(ttwa.unemployed, 0.0) * open_jobs))
    hires = int(min(matches, open_jobs, max(ttwa.unemployed, 0.0)))
    ttwa.move(hires)
    ttwa.vacancies = int(open_jobs) - hires
    return layoff_share


def next_demand(p: Params, demand: float, recession_size: float) -> float:
    """Demand relative to the start after a month: it falls towards the recession's depth
    while one lasts and climbs back afterwards, each at its own pace (months to close
    the gap by about 63%), so a recession's vacancies and jobs come back gradually."""
    target = 1.0 - p.recession_demand_fall * recession_size
    months = p.recession_onset_months if target < demand else p.recession_recovery_months
    return demand + (target - demand) / max(months, 1.0)
