"""Typed state the stages share: this month's counters and the references fixed at the start.

`MonthCounters` are written by the stages during a month and read by the observation
(sim.outcomes); the model makes a fresh set at the start of every month.
`References` are levels measured once when the model is built, against which
responses are scaled.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(slots=True)
class MonthCounters:
    """What happened this month, as the stages count it.

    Attributes:
        value_added: firms' revenue less their bought-in fixed costs this month, GBP (stage
            businesses; the GVA column).
        pots: demand pots (non-tradable, tradable), GBP/month (businesses).
        job_losses: residents who lost a job at a closing or shrinking firm (businesses).
        births: business births (businesses).
        deaths: business closures (businesses).
        private_investment: private investment of projects that went ahead, GBP
            (businesses).
        gap_funding: public gap funding paid to projects, GBP (businesses).
        first_project: index in records["projects"] of this month's first project.
        district_quit_rate: share of residents in district jobs who left them
            (labour_market; in-commuters leave at this rate).
        vacancies: open vacancies, district and TTWA, before matching (labour_market).
        resident_hires: residents hired by district firms (labour_market).
        resident_hires_ttwa: residents hired into TTWA jobs (labour_market).
        resident_hires_job_to_job: resident hires of people in work at the end of last month
            (labour_market).
        job_to_job_moves: residents who moved straight from one job to another this month
            (labour_market).
        incommuter_hires: vacancies filled by in-commuters (labour_market).
        subsidised_hires: hires that used a wage-subsidy voucher (labour_market).
        subsidised_hires_last_month: last month's subsidised hires, which the wage subsidy
            pays for this month (delivery).
        training_completions: trainees who completed a course and gained a skill
            (residents, the skills lever's progress hook).
        income: each resident's income this month, GBP (residents).
        moved: resident slots whose household was replaced this month (neighbourhoods).
        households_moved: households that left the district (neighbourhoods).
        households_moved_within: households that moved to another dwelling in the district.
        households_moved_in: households that moved into the district (as many as left).
        households_moved_in_for_work: in-moving households that came for a district job (an
            in-commuter keeping their job, or a worker taking an unfilled vacancy).
        inmovers: working-age in-movers this month; inmovers_employed: those of them in
            work on arrival; inmovers_district_jobs: those working at a district firm.
        one_stop_shop_spend: one stop shop spending this month, GBP (partnership).
        vacancies_by_engagement, fills_by_engagement: district vacancies open before
            matching and filled in it, at firms (not engaged, engaged) (labour_market).
        tally: the month's counts over residents, for its outcomes (observation,
            sim.outcomes.monthly.Tally).
    """

    moved: np.ndarray
    first_project: int = 0
    subsidised_hires_last_month: int = 0
    value_added: float = 0.0
    pots: tuple[float, float] = (0.0, 0.0)
    job_losses: int = 0
    births: int = 0
    deaths: int = 0
    private_investment: float = 0.0
    gap_funding: float = 0.0
    district_quit_rate: float = 0.0
    vacancies: int = 0
    resident_hires: int = 0
    resident_hires_ttwa: int = 0
    resident_hires_job_to_job: int = 0
    job_to_job_moves: int = 0
    incommuter_hires: int = 0
    subsidised_hires: int = 0
    training_completions: int = 0
    income: np.ndarray | None = None
    tally: object = None
    households_moved: int = 0
    households_moved_within: int = 0
    households_moved_in: int = 0
    households_moved_in_for_work: int = 0
    inmovers: int = 0
    inmovers_employed: int = 0
    inmovers_district_jobs: int = 0
    one_stop_shop_spend: float = 0.0
    vacancies_by_engagement: tuple[int, int] = (0, 0)
    fills_by_engagement: tuple[int, int] = (0, 0)

    @classmethod
    def new_month(cls, model, last: MonthCounters | None = None) -> MonthCounters:
        """Fresh counters for a month that follows `last` (None before the first month)."""
        return cls(moved=np.zeros(model.residents.n, bool),
                   first_project=len(model.records["projects"]),
                   subsidised_hires_last_month=last.subsidised_hires if last else 0)


@dataclass(frozen=True)
class References:
    """Levels at the start of the run (sim.dynamics.setup.initial_references).

    Attributes:
        nontradable_pot: local spending pot at the start, GBP/month.
        nontradable_revenue_at_start: non-tradable firms' revenue at the start, GBP/month.
        demand_per_firm: demand per firm at the start (non-tradable, tradable), GBP/month.
        workless: workless rate by neighbourhood at the start (crime responds to changes).
        environment: environment quality by neighbourhood at the start.
        location_weights: where new firms locate, by neighbourhood (sums to 1).
        quality_deprived: mean neighbourhood quality of deprived neighbourhoods at the start.
        quality_rest: the same for the other neighbourhoods (1 if there are none).
        skill_of_employed: mean skill level of employed residents at the start, the level
            posted wages pay for (sim.markets.labour.skill_pay).
    """

    nontradable_pot: float
    nontradable_revenue_at_start: float
    demand_per_firm: tuple[float, float]
    workless: np.ndarray = field(repr=False)
    environment: np.ndarray = field(repr=False)
    location_weights: np.ndarray = field(repr=False)
    quality_deprived: float = 0.0
    quality_rest: float = 1.0
    skill_of_employed: float = 2.0
