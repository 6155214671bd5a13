"""Named outcome functions and the monthly observation row.

The monthly table (model-spec section 6) is one row per month of named
columns. Group columns come as `<name>_district`, `<name>_deprived` and
`<name>_rest`. The same names are used by validation, experiments and the
dashboard.
"""

from __future__ import annotations

import numpy as np

from sim.population import EMPLOYED, INACTIVE, SICK, STUDENT, TTWA_EMPLOYER, UNEMPLOYED

STATES = {EMPLOYED: "E", UNEMPLOYED: "U", INACTIVE: "I"}
GROUPS = ("district", "deprived", "rest")


def _rate(num: float, den: float) -> float:
    return float(num / den) if den > 0 else float("nan")


def status_counts(model) -> np.ndarray:
    """Counts [group (deprived=1, rest=0), status] of working-age residents."""
    res = model.residents
    deprived = model.hoods.deprived[res.hood].astype(int)
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
    stay = ~model.month_flags["moved"]
    prev, now = model.prev_status[stay], res.status[stay]
    matrix = np.bincount(prev * 3 + now, minlength=9).reshape(3, 3)
    row = {f"flow_{STATES[a]}_{STATES[b]}": int(matrix[a, b])
           for a in STATES for b in STATES if a != b}
    row["job_finding_rate"] = _rate(matrix[UNEMPLOYED, EMPLOYED], matrix[UNEMPLOYED].sum())
    row["separation_rate"] = _rate(matrix[EMPLOYED, UNEMPLOYED], matrix[EMPLOYED].sum())
    return row


def inactivity_detail(model) -> dict:
    res = model.residents
    dep = model.hoods.deprived[res.hood]
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
    res, firms, f = model.residents, model.firms, model.month_flags
    n = firms.n
    at_firm = res.employer >= 0
    residents_at = np.bincount(res.employer[at_firm], minlength=n)
    total = residents_at + firms.incommuters[:n]
    tradable = firms.tradable[:n]
    jobs_total = int(total.sum())
    hires = f["resident_hires"] + f["incommuter_hires"]
    return {
        "jobs_total": jobs_total,
        "jobs_tradable": int(total[tradable].sum()),
        "jobs_nontradable": int(total[~tradable].sum()),
        "tradable_share_of_jobs": _rate(total[tradable].sum(), jobs_total),
        "in_commuter_share_of_jobs": _rate(firms.incommuters[:n].sum(), jobs_total),
        "residents_in_ttwa_jobs": int(np.count_nonzero(res.employer == TTWA_EMPLOYER)),
        "vacancies": int(f["vacancies"]),
        "hires_residents": int(f["resident_hires"]),
        "hires_incommuters": int(f["incommuter_hires"]),
        "hires_residents_ttwa": int(f["resident_hires_ttwa"]),
        "fill_rate": _rate(hires, f["vacancies"]),
        "mean_commute_km": commute_km(model),
    }


def commute_km(model) -> float:
    res = model.residents
    working = np.flatnonzero(res.status == EMPLOYED)
    return float(model.hoods.distance[res.hood[working], res.work_zone[working]].mean())


def businesses(model) -> dict:
    firms, f = model.firms, model.month_flags
    n_projects = model.records["projects"][model.month_flags["first_project"]:]
    return {
        "businesses": int(firms.alive[: firms.n].sum()),
        "business_births": f["births"],
        "business_deaths": f["deaths"],
        "gva": float(f["revenue"]),
        "projects_arrived": len(n_projects),
        "projects_went_ahead": sum(pr["went_ahead"] for pr in n_projects),
        "private_investment": float(f["private_investment"]),
        "public_gap_funding": float(sum(pr["help_gbp"] for pr in n_projects)),
        "business_engagement_share": float(firms.engaged[: firms.n][firms.alive[: firms.n]].mean()),
    }


def incomes(model) -> dict:
    res = model.residents
    working = res.status == EMPLOYED
    hh_income = np.bincount(res.household, model.month_flags["income"], model.households.n)
    workless = np.bincount(res.household, working, model.households.n) == 0
    return {
        "mean_wage": float(res.wage[working].mean()) if working.any() else float("nan"),
        "mean_household_income": float(hh_income.mean()),
        "workless_household_share": float(workless.mean()),
    }


def places(model) -> dict:
    hoods, res = model.hoods, model.residents
    dep = hoods.deprived
    wb_dep = hoods.deprived[res.hood]
    row = {
        "crime_deprived": float(hoods.crime[dep].mean()),
        "crime_rest": float(hoods.crime[~dep].mean()) if (~dep).any() else float("nan"),
        "environment_deprived": float(hoods.environment[dep].mean()),
        "environment_rest": float(hoods.environment[~dep].mean()) if (~dep).any() else float("nan"),
        "wellbeing_district": float(res.wellbeing.mean()),
        "wellbeing_deprived": float(res.wellbeing[wb_dep].mean()),
        "wellbeing_rest": float(res.wellbeing[~wb_dep].mean()) if (~wb_dep).any() else float("nan"),
        "mean_health": float(res.health.mean()),
        "households_moved": int(model.month_flags["households_moved"]),
    }
    return row


def partners(model) -> dict:
    from sim.agents import PublicBody

    bodies = model.agents_by_type.get(PublicBody, [])
    return {
        "partner_engagement_mean": float(np.mean([b.engagement for b in bodies])),
        "partner_trust_mean": float(np.mean([b.trust for b in bodies])),
    }


def monthly_row(model) -> dict:
    """Everything observed at the end of a month, as one flat dict."""
    row = {"month": model.month, "phase": "programme" if model.in_programme else "burn_in"}
    for part in (labour_rates, flows, inactivity_detail, jobs, businesses, incomes, places,
                 partners):
        row.update(part(model))
    return row
