"""Named outcome functions and the monthly observation row.

The monthly table (model-spec section 6) is one row per month of named
columns. Group columns come as `<name>_district`, `<name>_deprived` and
`<name>_rest`. The same names are used by validation, experiments and the
dashboard.
"""

from __future__ import annotations

import numpy as np

from sim.cohort import HORIZONS
from sim.population import EMPLOYED, INACTIVE, SICK, STUDENT, TTWA_EMPLOYER, UNEMPLOYED

STATES = {EMPLOYED: "E", UNEMPLOYED: "U", INACTIVE: "I"}
GROUPS = ("district", "deprived", "rest")


def _rate(num: float, den: float) -> float:
    return float(num / den) if den > 0 else float("nan")


def status_counts(model) -> np.ndarray:
    """Counts [group (deprived=1, rest=0), status] of working-age residents."""
    res = model.residents
    deprived = res.deprived.view(np.int8)
    return np.bincount(deprived * 3 + res.status, minlength=6).reshape(2, 3)


def labour_rates(model) -> dict:
    counts = status_counts(model)
    groups = {"district": counts.sum(axis=0), "deprived": counts[1], "rest": counts[0]}
    row = {}
    for g, (e, u, i) in groups.items():
        total = e + u + i
        row[f"employment_rate_{g}"] = _rate(e, total)
        row[f"unemployment_rate_{g}"] = _rate(u, e + u)
        row[f"inactivity_rate_{g}"] = _rate(i, total)
        row[f"working_age_{g}"] = int(total)
    return row


def flows(model) -> dict:
    """Transitions between labour states since last month (stayers only; movers excluded)."""
    res = model.residents
    stay = ~model.counters.moved
    prev, now = model.prev_status[stay], res.status[stay]
    matrix = np.bincount(prev * 3 + now, minlength=9).reshape(3, 3)
    row = {f"flow_{STATES[a]}_{STATES[b]}": int(matrix[a, b])
           for a in STATES for b in STATES if a != b}
    row["job_finding_rate"] = _rate(matrix[UNEMPLOYED, EMPLOYED], matrix[UNEMPLOYED].sum())
    row["separation_rate"] = _rate(matrix[EMPLOYED, UNEMPLOYED], matrix[EMPLOYED].sum())
    return row


def inactivity_detail(model) -> dict:
    res = model.residents
    dep = res.deprived
    inactive_dep = (res.status == INACTIVE) & dep
    unemployed = res.status == UNEMPLOYED
    return {
        "long_term_sick_share_of_inactive_deprived": _rate(
            np.count_nonzero(inactive_dep & (res.reason == SICK)), np.count_nonzero(inactive_dep)),
        "long_term_unemployed_share": _rate(
            np.count_nonzero(unemployed & (res.spell >= 12)), np.count_nonzero(unemployed)),
        "students": int(np.count_nonzero((res.status == INACTIVE) & (res.reason == STUDENT))),
    }


def jobs(model) -> dict:
    """District jobs by sector and who holds them; vacancies and the fill rate."""
    res, firms, f = model.residents, model.firms, model.counters
    n = firms.n
    at_firm = res.employer >= 0
    residents_at = np.bincount(res.employer[at_firm], minlength=n)
    total = residents_at + firms.incommuters[:n]
    tradable = firms.tradable[:n]
    jobs_total = int(total.sum())
    hires = f.resident_hires + f.incommuter_hires
    return {
        "jobs_total": jobs_total,
        "jobs_tradable": int(total[tradable].sum()),
        "jobs_nontradable": int(total[~tradable].sum()),
        "tradable_share_of_jobs": _rate(total[tradable].sum(), jobs_total),
        "in_commuter_share_of_jobs": _rate(firms.incommuters[:n].sum(), jobs_total),
        "residents_in_ttwa_jobs": int(np.count_nonzero(res.employer == TTWA_EMPLOYER)),
        "vacancies": int(f.vacancies),
        "hires_residents": int(f.resident_hires),
        "hires_incommuters": int(f.incommuter_hires),
        "hires_residents_ttwa": int(f.resident_hires_ttwa),
        "fill_rate": _rate(hires, f.vacancies),
        "mean_commute_km": commute_km(model),
    }


def commute_km(model) -> float:
    res = model.residents
    working = np.flatnonzero(res.status == EMPLOYED)
    return float(model.hoods.distance[res.hood[working], res.work_zone[working]].mean())


def businesses(model) -> dict:
    firms, f = model.firms, model.counters
    alive = firms.alive[: firms.n]
    n_projects = model.records["projects"][model.counters.first_project:]
    return {
        "businesses": int(firms.alive[: firms.n].sum()),
        "business_births": f.births,
        "business_deaths": f.deaths,
        "gva": float(f.revenue),
        "projects_arrived": len(n_projects),
        "projects_went_ahead": sum(pr["went_ahead"] for pr in n_projects),
        "private_investment": float(f.private_investment),
        "public_gap_funding": float(sum(pr["help_gbp"] for pr in n_projects)),
        "business_supported_share": float(firms.supported[: firms.n][alive].mean()),
        "business_engagement_share": float(firms.engaged[: firms.n][alive].mean()),
    }


def incomes(model) -> dict:
    res = model.residents
    working = res.status == EMPLOYED
    hh_income = np.bincount(res.household, model.counters.income, model.households.n)
    workless = np.bincount(res.household, working, model.households.n) == 0
    return {
        "mean_wage": float(res.wage[working].mean()) if working.any() else float("nan"),
        "mean_household_income": float(hh_income.mean()),
        "workless_household_share": float(workless.mean()),
    }


def places(model) -> dict:
    hoods, res = model.hoods, model.residents
    dep = hoods.deprived
    wb_dep = res.deprived
    row = {
        "crime_deprived": float(hoods.crime[dep].mean()),
        "crime_rest": float(hoods.crime[~dep].mean()) if (~dep).any() else float("nan"),
        "environment_deprived": float(hoods.environment[dep].mean()),
        "environment_rest": float(hoods.environment[~dep].mean()) if (~dep).any() else float("nan"),
        "wellbeing_district": float(res.wellbeing.mean()),
        "wellbeing_deprived": float(res.wellbeing[wb_dep].mean()),
        "wellbeing_rest": float(res.wellbeing[~wb_dep].mean()) if (~wb_dep).any() else float("nan"),
        "mean_health": float(res.health.mean()),
        "households_moved": int(model.counters.households_moved),
    }
    return row


def partners(model) -> dict:
    row = {"partner_engagement_mean": float(np.mean([b.engagement for b in model.partners])),
           "partner_trust_mean": float(np.mean([b.trust for b in model.partners]))}
    for b in model.partners:
        row[f"engagement_{b.name}"] = float(b.engagement)
    return row


def programme(model) -> dict:
    """Spending by lever this month (regeneration and aligned mainstream money), the
    re-engagement of the cohort, and programme activity."""
    spent = model.ledger.spent_this_month
    f = model.counters
    row = {f"spend_{lever.name}": float(spent[:, :, i].sum())
           for i, lever in enumerate(model.levers)}
    row["spend_regeneration"] = float(spent[0].sum())
    row["spend_mainstream_aligned"] = float(spent[1].sum())
    row["one_stop_shop_spend"] = float(f.one_stop_shop_spend)
    row["gap_funding"] = float(f.gap_funding)
    row["subsidised_hires"] = int(f.subsidised_hires)
    row["training_completions"] = int(f.training_completions)
    row["on_programme"] = int(np.count_nonzero(model.residents.programme >= 0))
    row["referral_precision"] = float(model.referral_precision)
    shares = model.cohort.shares() if model.cohort is not None else dict.fromkeys(
        (f"reengaged_{k}m_share" for k in HORIZONS), float("nan"))
    row.update(shares)
    return row


def monthly_row(model) -> dict:
    """Everything observed at the end of a month, as one flat dict."""
    row = {"month": model.month, "phase": "programme" if model.in_programme else "burn_in"}
    for part in (labour_rates, flows, inactivity_detail, jobs, businesses, incomes, places,
                 partners, programme):
        row.update(part(model))
    return row


def _last_year_mean(monthly, column: str) -> float:
    return float(np.mean([row[column] for row in monthly[-12:]]))


def run_summary(model) -> dict:
    """Named scalar outcomes of a finished run, used by comparisons and experiments.

    "End" values are means over the last 12 months, to smooth monthly noise.
    """
    monthly = model.records["monthly"]
    projects = [pr for pr in model.records["projects"] if pr["month"] > model.p.burn_in_months]
    helped = [pr for pr in projects if pr["went_ahead"] and (
        pr["help_gbp"] > 0 or pr.get("one_stop_shop_value", 0) > 0)]
    cohort = model.cohort
    out = {
        "cohort_size": len(cohort.slot) if cohort is not None else 0,
        **(cohort.counts() if cohort is not None else {f"reengaged_{k}m": 0 for k in HORIZONS}),
        **(cohort.shares() if cohort is not None else {}),
        "regeneration_spend": float(model.ledger.spent[0].sum()),
        "mainstream_aligned_spend": float(model.ledger.spent[1].sum()),
        "one_stop_shop_spend": float(sum(r["one_stop_shop_spend"] for r in monthly)),
        "private_investment": float(sum(pr["private_investment"] for pr in projects)),
        "private_investment_helped": float(sum(pr["private_investment"] for pr in projects
                                               if pr.get("helped"))),
        "gap_funding": float(sum(pr["help_gbp"] for pr in projects)),
        "projects_helped": len(helped),
        "projects_helped_anyway": sum(pr["would_have_gone_ahead"] for pr in helped),
        "helped_project_jobs": float(sum(pr["jobs"] for pr in projects if pr.get("helped"))),
        "subsidised_hires": int(sum(r["subsidised_hires"] for r in monthly)),
        "participants": len(model.participants),
        "residents_employed_end": _last_year_mean(monthly, "employment_rate_district")
        * model.residents.n,
    }
    for column in ("employment_rate_deprived", "employment_rate_rest", "employment_rate_district",
                   "jobs_total", "wellbeing_deprived", "crime_deprived", "partner_engagement_mean",
                   "partner_trust_mean", "business_engagement_share", "gva"):
        out[f"{column}_end"] = _last_year_mean(monthly, column)
    out["incommuter_jobs_end"] = _last_year_mean(monthly, "in_commuter_share_of_jobs") * out[
        "jobs_total_end"]
    return out
