"""Latent investment projects and the frictions that stop them.

Projects (expansions of district firms and inward investors) arrive at
random. Each has jobs, a skill need and a private value; frictions cut that
value: an unready site (remediation and delay), planning delay, recruitment
difficulty given the skills within reach, crime, a finance premium in
deprived neighbourhoods, and rent rises where improvements were capitalised. A
project goes ahead when its value after frictions is positive. Every project is
recorded with the frictions it met, so that deadweight (would it have gone ahead
anyway?) is measured, not assumed.
"""

from __future__ import annotations

import numpy as np

from sim.params import Params
from sim.residents import crime_index
from sim.space import CAR, Neighbourhoods


def lognormal_jobs(p: Params, rng, k: int) -> np.ndarray:
    """Jobs per project: lognormal with the given median and mean."""
    sigma = np.sqrt(2 * np.log(max(p.project_jobs_mean / p.project_jobs_median, 1.0)))
    return np.maximum(1, np.round(rng.lognormal(np.log(p.project_jobs_median), sigma, k)))


def skilled_share_in_reach(hoods: Neighbourhoods, skill_counts: np.ndarray, need: int, hood: int):
    """Share of working-age residents within car reach of `hood` with at least skill `need`."""
    reachable = hoods.reach[CAR, hood, : hoods.n]
    counts = skill_counts[reachable].sum(axis=0)
    return counts[need:].sum() / max(counts.sum(), 1)


def frictions(p: Params, hoods: Neighbourhoods, project: dict, skill_counts,
              rent_rise: np.ndarray) -> dict:
    """GBP cost of each friction for one project; `rent_rise` is each neighbourhood's rise
    in rents since the start (a share), paid on the project's premises over the horizon."""
    h, jobs = project["hood"], project["jobs"]
    readiness = hoods.site_readiness[h]
    delay_months = p.planning_delay_months * (1.5 - readiness)
    skilled = skilled_share_in_reach(hoods, skill_counts, project["skill_need"], h)
    return {
        "site": p.remediation_cost_per_job * jobs * (1 - readiness),
        "delay": project["gross_value"] * p.delay_cost_per_month * delay_months,
        "recruitment": p.recruitment_cost_per_job * jobs * (1 - skilled),
        "crime": p.crime_cost_per_job * jobs * crime_index(hoods)[h],
        "finance": (p.finance_premium_pp / 100 * p.capital_per_job * jobs
                    * p.finance_horizon_years * hoods.deprived[h]),
        "premises": p.premises_rent_per_job * jobs * rent_rise[h] * p.finance_horizon_years,
    }, delay_months


def new_projects(p: Params, hoods: Neighbourhoods, month: int, rng, next_id: int) -> list[dict]:
    """This month's latent projects, before appraisal."""
    k = rng.poisson(p.projects_per_year_per_100k * p.scale_per_100k / 12)
    if k == 0:
        return []
    jobs = lognormal_jobs(p, rng, k)
    value = jobs * p.project_value_per_job * rng.lognormal(
        -0.5 * p.project_value_sd**2, p.project_value_sd, k)
    hood = rng.integers(0, hoods.n, k)
    inward = rng.random(k) < p.inward_share
    need = np.clip(np.round(rng.normal(2.5, 1.0, k)), 0, 4).astype(int)
    return [dict(project_id=next_id + i, month=month, hood=int(hood[i]),
                 deprived=bool(hoods.deprived[hood[i]]),
                 kind="inward" if inward[i] else "expansion", jobs=int(jobs[i]),
                 skill_need=int(need[i]), gross_value=float(value[i])) for i in range(k)]


SHOP_CUTS = ("site", "delay", "recruitment")  # search, planning and recruitment frictions


def appraise(p: Params, hoods: Neighbourhoods, project: dict, skill_counts,
             rent_rise: np.ndarray, friction_cut: float = 0.0, case_months: float = 0.0,
             gap_funding: float = 0.0) -> dict:
    """Decide a project with the help on offer and complete its record.

    `friction_cut` is the one stop shop's share cut in the site-search, delay and
    recruitment frictions; `case_months` the delay its case process adds (it costs value
    like any delay, so a shop that cuts little makes the project worse off). `gap_funding`
    is the most public money on offer. The appraiser
    sees the project's value after frictions with an error (`appraisal_error_sd` of its
    gross value, times the project's standard normal `appraisal_error`) and offers the
    shortfall it sees, if that is within the money on offer; the grant is paid only if the
    project goes ahead. So some funded projects would have gone ahead anyway (deadweight:
    `gap_deadweight`), some get more than they need and some too little. The record keeps the
    value with no help at all, so deadweight is measured: `would_have_gone_ahead`.
    """
    cost, delay = frictions(p, hoods, project, skill_counts, rent_rise)
    net_unhelped = project["gross_value"] - sum(cost.values())
    shop_value = (friction_cut * sum(cost[k] for k in SHOP_CUTS)
                  - project["gross_value"] * p.delay_cost_per_month * case_months)
    net_with_shop = net_unhelped + shop_value
    offer = gap_offer(p, project, net_with_shop, gap_funding)
    ahead = net_with_shop + offer > 0
    help_gbp = offer if ahead else 0.0
    worst = max(cost, key=cost.get)
    project.update({f"friction_{k}": float(v) for k, v in cost.items()})
    project.update(
        net_value=float(net_with_shop + help_gbp), went_ahead=bool(ahead),
        would_have_gone_ahead=bool(net_unhelped > 0), help_gbp=float(help_gbp),
        gap_deadweight=bool(help_gbp > 0 and net_with_shop > 0),
        one_stop_shop_value=float(shop_value), helped=bool(ahead and net_unhelped <= 0),
        private_investment=float(p.capital_per_job * project["jobs"] * ahead),
        start_month=(int(project["month"] + round(delay * (1 - friction_cut) + case_months))
                     if ahead else -1),
        reason="viable" if ahead else f"{worst} friction",
    )
    return project


def gap_offer(p: Params, project: dict, net_value: float, gap_funding: float) -> float:
    """The grant the appraiser offers (GBP): the shortfall it sees, plus GBP 1, when it sees
    one no larger than the money on offer; nothing otherwise. What it sees is the true value
    after frictions plus its error [A] (HM Treasury Green Book: appraise additionality)."""
    seen = net_value + p.appraisal_error_sd * project["gross_value"] * project[
        "appraisal_error"]
    return -seen + 1.0 if -gap_funding < seen <= 0 else 0.0
