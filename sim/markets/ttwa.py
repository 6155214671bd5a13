"""The rest of the travel-to-work area (TTWA): its people and jobs as a few stocks.

The district sits inside a TTWA whose other residents compete for the same
jobs. They are not agents: the TTWA is a few stocks (working-age population,
employed, unemployed, jobs) moved by flows each month. Its jobs follow demand,
so a recession removes some; its unemployed apply for TTWA and district
vacancies in the same matching round as residents (sim.dynamics.labour), so a
vacancy one takes is gone for the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.params import Params
from sim.population import skill_from_uniform


@dataclass(slots=True)
class Ttwa:
    """Stocks of the rest of the TTWA (people and jobs outside the district).

    Attributes:
        population: working-age people living in the TTWA outside the district (movers
            to and from the district leave and join it, sim.dynamics.places.join_ttwa).
        employed: those of them in TTWA jobs (in-commuters to district firms are counted by
            the firms, `Businesses.incommuters`).
        unemployed: those of them unemployed and searching.
        jobs_at_start: TTWA jobs (filled or open) outside the district at the start.
        demand: labour demand across the TTWA and the district relative to the start.
        vacancies: TTWA jobs open this month (for the matching round).
        wage_index: the TTWA's wage level relative to the start (the wage curve).
        seekers: health, attachment and skill of its job seekers, drawn once for twice as
            many as it starts with unemployed (more if unemployment grows beyond that); the
            first `unemployed` of them search each month.
    """

    population: float
    employed: float
    unemployed: float
    jobs_at_start: float
    demand: float = 1.0
    vacancies: int = 0
    wage_index: float = 1.0
    seekers: dict = field(default_factory=dict, repr=False)

    @classmethod
    def start(cls, p: Params, district_residents: int, incommuters: int,
              residents_in_ttwa_jobs: int, rng) -> Ttwa:
        """The TTWA at the start: its people in proportion to the district's, its
        unemployment rate as given, its jobs those its people and the district's TTWA
        workers hold (jobs open in a month are those freed or added since)."""
        population = p.ttwa_population_ratio * district_residents
        active = population * p.ttwa_activity_rate
        unemployed = active * p.ttwa_unemployment_rate
        employed = active - unemployed
        outside = employed - incommuters
        seekers = job_seekers(p, int(2 * unemployed), rng)
        return cls(population, outside, unemployed, outside + residents_in_ttwa_jobs,
                   seekers=seekers)

    def employment_rate(self, incommuters: int) -> float:
        """Working-age employment rate of the rest of the TTWA, given the in-commuters."""
        return (self.employed + incommuters) / self.population

    def unemployment_rate(self, incommuters: int) -> float:
        return self.unemployed / max(self.employed + incommuters + self.unemployed, 1.0)

    def move(self, into_work: float) -> None:
        """`into_work` TTWA people leave unemployment for TTWA jobs (negative: the other way)."""
        self.employed += into_work
        self.unemployed -= into_work


def job_seekers(p: Params, k: int, rng) -> dict:
    """Traits of `k` TTWA job seekers: health from the other neighbourhoods' Beta, the
    attachment of someone `Geometric(1/12)` months out of work, a skill level from the
    other neighbourhoods' profile (sim.population)."""
    health = rng.beta(8 * p.health_mean_rest, 8 * (1 - p.health_mean_rest), k)
    attachment = (1 - p.attachment_decay) ** rng.geometric(1 / 12, k)
    skill = skill_from_uniform(p, rng.random(k), np.zeros(k, bool))
    return {"health": health, "attachment": attachment, "skill": skill}


def enough_seekers(p: Params, ttwa: Ttwa, searching: int, rng) -> dict:
    """The pool of job seekers, grown (for good) if more are unemployed than it holds."""
    have = len(ttwa.seekers["health"])
    if searching > have:
        more = job_seekers(p, searching - have, rng)
        ttwa.seekers = {key: np.concatenate([ttwa.seekers[key], more[key]]) for key in more}
    return ttwa.seekers


def own_market(p: Params, ttwa: Ttwa, residents_in_ttwa_jobs: int, rng) -> float:
    """The TTWA's jobs and separations this month, before the matching round.

    Its jobs follow demand; TTWA employers shed a share of any excess (the district's
    layoff speed). Its employed separate at the TTWA separation rate. Sets the jobs open
    this month (what demand leaves unfilled) and returns the lay-off probability that
    falls on each resident in a TTWA job.
    """
    outside = max(ttwa.employed, 0.0)
    jobs = ttwa.demand * ttwa.jobs_at_start
    excess = max(outside + residents_in_ttwa_jobs - jobs, 0.0)
    layoff_share = min(p.layoff_speed * excess / max(outside + residents_in_ttwa_jobs, 1.0), 1.0)
    lost = int(rng.binomial(int(outside), min(p.ttwa_separation_rate + layoff_share, 1.0)))
    ttwa.move(-lost)
    ttwa.vacancies = int(max(jobs - (outside - lost) - residents_in_ttwa_jobs, 0.0))
    return layoff_share


def next_demand(p: Params, demand: float, recession_size: float) -> float:
    """Demand relative to the start after a month: it falls towards the recession's depth
    while one lasts and climbs back afterwards, each at its own pace (months to close
    the gap by about 63%), so a recession's vacancies and jobs come back gradually."""
    target = 1.0 - p.recession_demand_fall * recession_size
    months = p.recession_onset_months if target < demand else p.recession_recovery_months
    return demand + (target - demand) / max(months, 1.0)
