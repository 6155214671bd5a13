"""The monthly table: one row per month of named columns, in groups.

Each group function computes several columns in one pass over the arrays, and
its `Group` declares them (name, label, unit, direction, whether a net effect is
meaningful). Group columns come as `<name>_district`, `<name>_deprived` and
`<name>_rest`. Besides the declared outcomes every row has `month` and `phase`
("burn_in" or "programme").
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from sim.agents.public_body import PARTNERS
from sim.cohort import HORIZONS
from sim.outcomes.base import HIGHER, LOWER, MONTHLY, Group, o
from sim.policy import regimes
from sim.policy.levers import registry
from sim.population import EMPLOYED, INACTIVE, SICK, STUDENT, TTWA_EMPLOYER, UNEMPLOYED

STATES = {EMPLOYED: "E", UNEMPLOYED: "U", INACTIVE: "I"}
STATE_NAMES = {"E": "employment", "U": "unemployment", "I": "inactivity"}
GROUPS = ("district", "deprived", "rest")
WHERE = {"district": "district", "deprived": "deprived neighbourhoods",
         "rest": "other neighbourhoods"}


def _rate(num: float, den: float) -> float:
    return float(num / den) if den > 0 else float("nan")


class Tally(NamedTuple):
    """Counts and sums over residents at the end of a month, from one pass (`tally`).

    Attributes:
        status: [deprived (1) or not (0), status] residents.
        flows: [last month's status, status] of residents whose household did not change.
        sick_inactive_deprived, inactive_deprived, long_term_unemployed, students: residents.
        at_firm: resident workers by district firm.
        in_ttwa_jobs, employed: residents.
        commute_km, wages: sums over employed residents.
        household_income, household_workers: by household.
        wellbeing: sums [rest, deprived]; health: sum over residents.
        movers, movers_employed: [stayers, internal movers, in-movers] relative to the
            programme start (during burn-in: to the start of the run).
        on_programme: residents on a programme.
    """

    status: np.ndarray
    flows: np.ndarray
    sick_inactive_deprived: int
    inactive_deprived: int
    long_term_unemployed: int
    students: int
    at_firm: np.ndarray
    in_ttwa_jobs: int
    employed: int
    commute_km: float
    wages: float
    household_income: np.ndarray
    household_workers: np.ndarray
    wellbeing: np.ndarray
    health: float
    movers: np.ndarray
    movers_employed: np.ndarray
    on_programme: int


def tally(model) -> Tally:
    res, c = model.residents, model.counters
    since = model.p.burn_in_months if model.in_programme else 0
    counts = _tally_counts(res.status, model.prev_status, c.moved, res.deprived, res.reason,
                           res.spell, res.employer, res.arrived, res.moved_within,
                           res.programme, since)
    at_firm, hh_income, hh_workers, wellbeing, health, commute, wages = _tally_sums(
        res.status, res.employer, res.work_zone, res.hood, model.hoods.distance, res.wage,
        res.household, c.income, res.wellbeing, res.deprived, res.health, model.firms.n,
        model.households.n)
    status, flows, sick, inactive_dep, ltu, students, in_ttwa, employed = counts[:8]
    movers, movers_employed, on_programme = counts[8:]
    return Tally(status, flows, sick, inactive_dep, ltu, students, at_firm, in_ttwa, employed,
                 commute, wages, hh_income, hh_workers, wellbeing, health, movers,
                 movers_employed, on_programme)


@njit(cache=True)
def _tally_counts(status, prev_status, moved, deprived, reason, spell, employer, arrived,
                  moved_within, programme, since):
    """The tally's counts of residents, summed in scalars without a branch: a resident's
    status is unpredictable from one slot to the next, and mispredicted branches (or
    increments of a few array cells) cost several times the arithmetic."""
    rest_e = rest_u = dep_e = dep_u = n_dep = 0  # status by deprived (0/1)
    ee = eu = ei = ue = uu = ui = ie = iu = ii = 0  # flows of stayers, last month -> now
    sick = inactive_dep = ltu = students = in_ttwa = on_programme = 0
    arrivals = within = arrivals_employed = within_employed = employed_all = 0
    for i in range(len(status)):
        s, d, r = status[i], np.int64(deprived[i]), reason[i]
        e, u, x = np.int64(s == EMPLOYED), np.int64(s == UNEMPLOYED), np.int64(s == INACTIVE)
        n_dep += d
        dep_e += e * d
        dep_u += u * d
        rest_e += e * (1 - d)
        rest_u += u * (1 - d)
        stay = 1 - np.int64(moved[i])
        pe, pu = np.int64(prev_status[i] == EMPLOYED), np.int64(prev_status[i] == UNEMPLOYED)
        pe, pu, px = pe * stay, pu * stay, (1 - pe - pu) * stay
        ee += pe * e
        eu += pe * u
        ei += pe * x
        ue += pu * e
        uu += pu * u
        ui += pu * x
        ie += px * e
        iu += px * u
        ii += px * x
        inactive_dep += x * d
        sick += x * d * np.int64(r == SICK)
        students += x * np.int64(r == STUDENT)
        ltu += u * np.int64(spell[i] >= 12)
        in_ttwa += np.int64(employer[i] == TTWA_EMPLOYER)
        on_programme += np.int64(programme[i] >= 0)
        arrived_since = np.int64(arrived[i] > since)
        within_since = (1 - arrived_since) * np.int64(moved_within[i] > since)
        arrivals += arrived_since
        within += within_since
        arrivals_employed += arrived_since * e
        within_employed += within_since * e
        employed_all += e
    n = len(status)
    status_counts = np.array([[rest_e, rest_u, n - n_dep - rest_e - rest_u],
                              [dep_e, dep_u, n_dep - dep_e - dep_u]], np.int64)
    flows = np.array([[ee, eu, ei], [ue, uu, ui], [ie, iu, ii]], np.int64)
    movers = np.array([n - arrivals - within, within, arrivals], np.int64)
    movers_employed = np.array([employed_all - arrivals_employed - within_employed,
                                within_employed, arrivals_employed], np.int64)
    return (status_counts, flows, sick, inactive_dep, ltu, students, in_ttwa, employed_all,
            movers, movers_employed, on_programme)


@njit(cache=True)
def _tally_sums(status, employer, work_zone, hood, distance, wage, household, income,
                wellbeing, deprived, health, n_firms, n_households):
    """The tally's totals (in slot order, as outputs have always been summed), workers by
    firm and income and workers by household."""
    at_firm = np.zeros(n_firms, np.int64)
    hh_income, hh_workers = np.zeros(n_households), np.zeros(n_households, np.int64)
    wb = np.zeros(2)
    commute = wages = health_sum = 0.0
    for i in range(len(status)):
        if status[i] == EMPLOYED:
            commute += distance[hood[i], work_zone[i]]
            wages += wage[i]
            hh_workers[household[i]] += 1
        if employer[i] >= 0:
            at_firm[employer[i]] += 1
        hh_income[household[i]] += income[i]
        wb[1 if deprived[i] else 0] += wellbeing[i]
        health_sum += health[i]
    return at_firm, hh_income, hh_workers, wb, health_sum, commute, wages


def labour_rates(model) -> dict:
    counts = model.counters.tally.status
    groups = {"district": counts.sum(axis=0), "deprived": counts[1], "rest": counts[0]}
    row = {}
    for g, (e, u, i) in groups.items():
        total = e + u + i
        row[f"employment_rate_{g}"] = _rate(e, total)
        row[f"unemployment_rate_{g}"] = _rate(u, e + u)
        row[f"inactivity_rate_{g}"] = _rate(i, total)
        row[f"working_age_{g}"] = int(total)
    row["employment_gap"] = row["employment_rate_rest"] - row["employment_rate_deprived"]
    return row


def _labour_rates():
    for g in GROUPS:
        yield o(f"employment_rate_{g}", f"employment rate, {WHERE[g]}", "share", HIGHER, True)
        yield o(f"unemployment_rate_{g}", f"unemployment rate (of the active), {WHERE[g]}",
                "share", LOWER, True)
        yield o(f"inactivity_rate_{g}", f"inactivity rate, {WHERE[g]}", "share", LOWER, True)
        yield o(f"working_age_{g}", f"working-age residents, {WHERE[g]}", "residents")
    yield o("employment_gap", "employment gap, other neighbourhoods minus deprived", "share",
            LOWER, True)


def flows(model) -> dict:
    """Transitions between labour states since last month (stayers only; movers excluded)."""
    matrix = model.counters.tally.flows
    row = {f"flow_{STATES[a]}_{STATES[b]}": int(matrix[a, b])
           for a in STATES for b in STATES if a != b}
    row["job_finding_rate"] = _rate(matrix[UNEMPLOYED, EMPLOYED], matrix[UNEMPLOYED].sum())
    row["separation_rate"] = _rate(matrix[EMPLOYED, UNEMPLOYED], matrix[EMPLOYED].sum())
    return row


def _flows():
    for a in STATES.values():
        for b in STATES.values():
            if a != b:
                yield o(f"flow_{a}_{b}", f"residents moving from {STATE_NAMES[a]} to "
                        f"{STATE_NAMES[b]} this month", "residents")
    yield o("job_finding_rate", "job-finding rate of the unemployed", "share a month", HIGHER,
            True)
    yield o("separation_rate", "separation rate from work into unemployment", "share a month",
            LOWER, True)


def inactivity_detail(model) -> dict:
    t = model.counters.tally
    return {
        "long_term_sick_share_of_inactive_deprived": _rate(t.sick_inactive_deprived,
                                                           t.inactive_deprived),
        "long_term_unemployed_share": _rate(t.long_term_unemployed,
                                            t.status[:, UNEMPLOYED].sum()),
        "students": int(t.students),
    }


def _inactivity_detail():
    # composition shares: helping one group of the unemployed or inactive moves them either
    # way, so neither direction is better
    return (o("long_term_sick_share_of_inactive_deprived", "long-term sick share of the "
              "inactive, deprived neighbourhoods", "share", net=True),
            o("long_term_unemployed_share", "share of the unemployed out of work a year or more",
              "share", net=True),
            o("students", "inactive residents in education", "residents"))


def jobs(model) -> dict:
    """District jobs by sector and who holds them; vacancies and the fill rate."""
    firms, f = model.firms, model.counters
    n, t = firms.n, model.counters.tally
    total = t.at_firm + firms.incommuters[:n]
    tradable = firms.tradable[:n]
    jobs_total = int(total.sum())
    hires = f.resident_hires + f.incommuter_hires
    return {
        "jobs_total": jobs_total,
        "jobs_tradable": int(total[tradable].sum()),
        "jobs_nontradable": int(total[~tradable].sum()),
        "tradable_share_of_jobs": _rate(total[tradable].sum(), jobs_total),
        "in_commuter_share_of_jobs": _rate(firms.incommuters[:n].sum(), jobs_total),
        "residents_in_ttwa_jobs": int(t.in_ttwa_jobs),
        "vacancies": int(f.vacancies),
        "hires_residents": int(f.resident_hires),
        "hires_incommuters": int(f.incommuter_hires),
        "hires_residents_ttwa": int(f.resident_hires_ttwa),
        "hires_job_to_job": int(f.resident_hires_job_to_job),
        "fill_rate": _rate(hires, f.vacancies),
        "mean_commute_km": _rate(t.commute_km, t.employed),
        "micro_firm_share": _rate(np.count_nonzero((total >= 1) & (total <= 9)),
                                  np.count_nonzero(total >= 1)),
    }


def _jobs():
    return (o("jobs_total", "district jobs", "jobs", HIGHER, True),
            o("jobs_tradable", "tradable (exporting) jobs in the district", "jobs", HIGHER, True),
            o("jobs_nontradable", "local-service jobs in the district", "jobs", HIGHER, True),
            o("tradable_share_of_jobs", "tradable share of district jobs", "share"),
            o("in_commuter_share_of_jobs", "in-commuters' share of district jobs", "share",
              net=True),
            o("residents_in_ttwa_jobs", "residents working elsewhere in the travel-to-work area",
              "residents"),
            o("vacancies", "open vacancies before matching", "vacancies"),
            o("hires_residents", "residents hired by district firms", "hires", HIGHER, True),
            o("hires_incommuters", "in-commuters hired by district firms", "hires"),
            o("hires_residents_ttwa", "residents hired into travel-to-work-area jobs", "hires",
              HIGHER, True),
            o("hires_job_to_job", "resident hires of people in work the month before",
              "hires"),
            o("fill_rate", "share of open vacancies filled this month", "share"),
            o("mean_commute_km", "mean commute of employed residents", "km"),
            o("micro_firm_share", "share of employing businesses with 1-9 employees",
              "share"))


def businesses(model) -> dict:
    firms, f = model.firms, model.counters
    alive = firms.alive[: firms.n]
    n_projects = model.records["projects"][model.counters.first_project:]
    return {
        "businesses": int(firms.alive[: firms.n].sum()),
        "business_births": f.births,
        "business_deaths": f.deaths,
        "gva": float(f.value_added),
        "projects_arrived": len(n_projects),
        "projects_went_ahead": sum(pr["went_ahead"] for pr in n_projects),
        "private_investment": float(f.private_investment),
        "public_gap_funding": float(sum(pr["help_gbp"] for pr in n_projects)),
        "business_supported_share": float(firms.supported[: firms.n][alive].mean()),
        "business_engagement_share": float(firms.engaged[: firms.n][alive].mean()),
        "one_stop_shop_cases": model.one_stop_shop.cases,
        "one_stop_shop_projects_helped": model.one_stop_shop.helped,
        "gap_funded_projects": sum(pr["help_gbp"] > 0 for pr in n_projects),
        "gap_funded_viable_anyway": sum(pr["gap_deadweight"] for pr in n_projects),
        "fill_rate_other_firms": _rate(f.fills_by_engagement[0], f.vacancies_by_engagement[0]),
        "fill_rate_engaged_firms": _rate(f.fills_by_engagement[1], f.vacancies_by_engagement[1]),
    }


def _businesses():
    return (o("businesses", "live businesses", "businesses", HIGHER, True),
            o("business_births", "business births", "businesses a month", HIGHER, True),
            o("business_deaths", "business closures", "businesses a month", LOWER, True),
            o("gva", "GVA (firms' revenue less bought-in fixed costs)", "GBP a month",
              HIGHER, True),
            o("projects_arrived", "investment projects arriving", "projects a month"),
            o("projects_went_ahead", "investment projects going ahead", "projects a month",
              HIGHER, True),
            o("private_investment", "private investment in projects going ahead",
              "GBP a month", HIGHER, True),
            o("public_gap_funding", "public gap funding paid to projects", "GBP a month"),
            o("business_supported_share", "share of businesses advised", "share"),
            o("business_engagement_share", "share of businesses engaged", "share", HIGHER),
            o("one_stop_shop_cases", "projects the one stop shop took on as cases",
              "cases a month"),
            o("one_stop_shop_projects_helped", "one stop shop cases that went ahead only "
              "with its friction cut", "projects a month", HIGHER),
            o("gap_funded_projects", "projects paid gap funding", "projects a month"),
            o("gap_funded_viable_anyway", "gap-funded projects viable without the grant "
              "(deadweight)", "projects a month", LOWER),
            o("fill_rate_other_firms", "share of open vacancies filled, firms not engaged",
              "share"),
            o("fill_rate_engaged_firms", "share of open vacancies filled, engaged firms",
              "share"))


def incomes(model) -> dict:
    t = model.counters.tally
    return {
        "mean_wage": _rate(t.wages, t.employed),
        "mean_household_income": float(t.household_income.mean()),
        "workless_household_share": float(np.mean(t.household_workers == 0)),
    }


def _incomes():
    return (o("mean_wage", "mean wage of employed residents", "GBP a month", HIGHER, True),
            o("mean_household_income", "mean household income", "GBP a month", HIGHER, True),
            o("workless_household_share", "share of households with nobody in work", "share",
              LOWER, True))


def places(model) -> dict:
    hoods, t = model.hoods, model.counters.tally
    dep = hoods.deprived
    by_group = t.status.sum(axis=1)
    row = {
        "crime_deprived": float(hoods.crime[dep].mean()),
        "crime_rest": float(hoods.crime[~dep].mean()) if (~dep).any() else float("nan"),
        "environment_deprived": float(hoods.environment[dep].mean()),
        "environment_rest": float(hoods.environment[~dep].mean()) if (~dep).any() else float("nan"),
        "wellbeing_district": _rate(t.wellbeing.sum(), by_group.sum()),
        "wellbeing_deprived": _rate(t.wellbeing[1], by_group[1]),
        "wellbeing_rest": _rate(t.wellbeing[0], by_group[0]),
        "mean_health": _rate(t.health, by_group.sum()),
        "households_moved": int(model.counters.households_moved),
    }
    return row


def _places():
    return (o("crime_deprived", "recorded crime, deprived neighbourhoods",
              "per 1,000 residents a year", LOWER, True),
            o("crime_rest", "recorded crime, other neighbourhoods", "per 1,000 residents a year",
              LOWER, True),
            o("environment_deprived", "environment quality, deprived neighbourhoods", "0-1",
              HIGHER, True),
            o("environment_rest", "environment quality, other neighbourhoods", "0-1", HIGHER,
              True),
            *(o(f"wellbeing_{g}", f"well-being, {WHERE[g]}", "0-10", HIGHER, True)
              for g in GROUPS),
            o("mean_health", "mean health of working-age residents", "0-1", HIGHER, True),
            o("households_moved", "households moving out of the district", "households a month"))


MOVER_GROUPS = {"stayers": "stayers (in the same dwelling since the programme start)",
                "internal_movers": "internal movers (moved within the district since the "
                                   "programme start)",
                "inmovers": "in-movers (arrived in the district since the programme start)"}


def mobility(model) -> dict:
    """Residential mobility this month and employment of stayers, internal movers and
    in-movers (sim.dynamics.places)."""
    c = model.counters
    row = {}
    # stayers, internal movers and in-movers relative to the programme start (during burn-in:
    # to the start of the run)
    for name, n, e in zip(MOVER_GROUPS, c.tally.movers.tolist(), c.tally.movers_employed.tolist(),
                          strict=True):
        row[f"residents_{name}"] = n
        row[f"employed_{name}"] = e
        row[f"employment_rate_{name}"] = _rate(e, n)
    row.update({
        "households_moved_out": int(c.households_moved),
        "households_moved_within": int(c.households_moved_within),
        "households_moved_in": int(c.households_moved_in),
        "households_moved_in_for_work": int(c.households_moved_in_for_work),
        "inmover_employment_at_arrival": _rate(c.inmovers_employed, c.inmovers),
        "inmovers_in_district_jobs": int(c.inmovers_district_jobs),
        "housing_pressure_mean": float(model.housing.excess.mean()),
    })
    return row


def _mobility():
    for name, label in MOVER_GROUPS.items():
        yield o(f"residents_{name}", f"working-age {label}", "residents")
        yield o(f"employed_{name}", f"{label} in work", "residents")
        yield o(f"employment_rate_{name}", f"employment rate of {label}", "share", HIGHER)
    yield o("households_moved_out", "households moving out of the district", "households a month")
    yield o("households_moved_within", "households moving to another dwelling in the district",
            "households a month")
    yield o("households_moved_in", "households moving into the district", "households a month")
    yield o("households_moved_in_for_work", "households moving into the district for a "
            "district job (in-commuters keeping theirs, recruits to unfilled vacancies)",
            "households a month")
    yield o("inmover_employment_at_arrival", "employment rate of this month's working-age "
            "in-movers on arrival", "share")
    yield o("inmovers_in_district_jobs", "this month's in-movers working at a district firm",
            "residents a month")
    yield o("housing_pressure_mean", "housing pressure above its first-month level, mean of "
            "neighbourhoods", "log ratio")


def partners(model) -> dict:
    row = {"partner_engagement_mean": float(np.mean([b.engagement for b in model.partners])),
           "partner_trust_mean": float(np.mean([b.trust for b in model.partners]))}
    for b in model.partners:
        row[f"engagement_{b.name}"] = float(b.engagement)
    return row


def _partners():
    return (o("partner_engagement_mean", "partner engagement", "0-1", HIGHER),
            o("partner_trust_mean", "partner trust", "0-1", HIGHER),
            *(o(f"engagement_{name}", f"engagement of the {name.replace('_', ' ')}", "0-1",
                HIGHER) for name in PARTNERS))


def programme(model) -> dict:
    """Spending by lever this month (regeneration and aligned mainstream money), the
    re-engagement of the cohort, and programme activity."""
    spent = model.ledger.spent_this_month
    f = model.counters
    row = {f"spend_{lever.name}": float(spent[:, :, i].sum())
           for i, lever in enumerate(model.levers)}
    row["spend_regeneration"] = float(spent[0].sum())
    row["spend_mainstream_aligned"] = float(spent[1].sum())
    row["aligned_forgone_reengaged"] = regimes.forgone_reengaged(
        model.p, row["spend_mainstream_aligned"])
    row["one_stop_shop_spend"] = float(f.one_stop_shop_spend)
    row["gap_funding"] = float(f.gap_funding)
    row["subsidised_hires"] = int(f.subsidised_hires)
    row["training_completions"] = int(f.training_completions)
    row["on_programme"] = int(f.tally.on_programme)
    row["referral_precision"] = float(model.referral_precision)
    shares = model.cohort.shares() if model.cohort is not None else dict.fromkeys(
        (f"reengaged_{k}m_share" for k in HORIZONS), float("nan"))
    row.update(shares)
    return row


def _programme():
    return (*(o(f"spend_{lever.name}", f"spending on {lever.label.lower()} (regeneration and "
                "aligned money)", "GBP a month") for lever in registry.levers()),
            o("spend_regeneration", "regeneration money spent", "GBP a month"),
            o("spend_mainstream_aligned", "aligned mainstream money spent", "GBP a month"),
            o("aligned_forgone_reengaged", "residents the aligned money would have re-engaged "
              "through mainstream services elsewhere", "residents a month", LOWER),
            o("one_stop_shop_spend", "one stop shop spending", "GBP a month"),
            o("gap_funding", "gap funding paid", "GBP a month"),
            o("subsidised_hires", "hires with a wage-subsidy voucher", "hires a month"),
            o("training_completions", "courses completed with a skill gained",
              "residents a month", HIGHER),
            o("on_programme", "residents on a programme", "residents"),
            o("referral_precision", "referral precision (share of places reaching people "
              "the programme fits)", "share", HIGHER),
            *(o(f"reengaged_{k}m_share", f"share of the cohort re-engaged ({k} months in work)",
                "share", HIGHER, True) for k in HORIZONS))


def labour_market(model) -> dict:
    """The TTWA around the district, job-to-job moves and posted wages."""
    ttwa, firms, f = model.ttwa, model.firms, model.counters
    alive = firms.alive[: firms.n]
    incommuters = int(firms.incommuters[: firms.n].sum())
    return {
        "ttwa_unemployment_rate": ttwa.unemployment_rate(incommuters),
        "ttwa_employment_rate": ttwa.employment_rate(incommuters),
        "ttwa_vacancies": int(ttwa.vacancies),
        "labour_demand_index": float(ttwa.demand),
        "wage_index": float(ttwa.wage_index),
        "job_to_job_moves": int(f.job_to_job_moves),
        "mean_wage_premium": float(firms.wage_premium[: firms.n][alive].mean())
        if alive.any() else 0.0,
    }


def _labour_market():
    return (o("ttwa_unemployment_rate", "unemployment rate in the rest of the travel-to-work "
              "area", "share", LOWER, True),
            o("ttwa_employment_rate", "employment rate in the rest of the travel-to-work area",
              "share", HIGHER, True),
            o("ttwa_vacancies", "travel-to-work-area jobs open to residents after its own "
              "hires", "vacancies"),
            o("labour_demand_index", "labour demand relative to the start (recessions lower it)",
              "index"),
            o("wage_index", "travel-to-work-area wage level relative to the start (the wage "
              "curve)", "index"),
            o("job_to_job_moves", "residents who moved straight from one job to another",
              "moves", net=True),
            o("mean_wage_premium", "mean rise of firms' posted wages over their base wage",
              "share"))


def job_entries(model) -> dict:
    """Entries into work from unemployment or inactivity, and how they turned out six
    months on (sim.cohort.JobEntries)."""
    entries = model.job_entries
    return {"job_entries": entries.entered, "job_entries_churned_6m": entries.churned,
            "job_entries_sustained_6m": entries.sustained}


def _job_entries():
    return (o("job_entries", "residents entering work from unemployment or inactivity",
              "residents a month"),
            o("job_entries_churned_6m", "entrants out of work again within six months",
              "residents a month"),
            o("job_entries_sustained_6m", "entrants still in work six months on",
              "residents a month", HIGHER))


GROUPS_OF_THE_MONTH = (
    Group("labour_rates", MONTHLY, lambda: tuple(_labour_rates()), labour_rates),
    Group("flows", MONTHLY, lambda: tuple(_flows()), flows),
    Group("inactivity_detail", MONTHLY, _inactivity_detail, inactivity_detail),
    Group("jobs", MONTHLY, _jobs, jobs),
    Group("businesses", MONTHLY, _businesses, businesses),
    Group("incomes", MONTHLY, _incomes, incomes),
    Group("places", MONTHLY, _places, places),
    Group("mobility", MONTHLY, lambda: tuple(_mobility()), mobility),
    Group("partners", MONTHLY, _partners, partners),
    Group("programme", MONTHLY, _programme, programme),
    Group("job_entries", MONTHLY, _job_entries, job_entries),
    Group("labour_market", MONTHLY, _labour_market, labour_market),
)


def monthly_row(model) -> dict:
    """Everything observed at the end of a month, as one flat dict."""
    row = {"month": model.month, "phase": "programme" if model.in_programme else "burn_in"}
    model.counters.tally = tally(model)
    for group in GROUPS_OF_THE_MONTH:
        row.update(group.compute(model))
    return row
