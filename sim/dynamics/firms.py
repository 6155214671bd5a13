"""Stage 3 of the month: demand, employment plans, exits, births and investment projects."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from sim import investment
from sim.businesses import draw_firm_traits, monthly_costs, starting_cash
from sim.dynamics.labour import leave_job, recession_size
from sim.markets import goods
from sim.markets.ttwa import next_demand
from sim.neighbourhood import crime_change, rent_premium
from sim.population import NO_REASON, UNEMPLOYED


def update_businesses(model) -> None:
    p, firms = model.p, model.firms
    shocks = model.streams.monthly("firm_demand", model.month).standard_normal(firms.n)
    goods.drift_demand_weights(p, firms, model.month, shocks)
    model.ttwa.demand = next_demand(p, model.ttwa.demand, recession_size(model))
    model.tradable_pot *= 1 - p.tradable_erosion / 12
    apply_business_shocks(model)
    start_due_projects(model)
    resident_workers, resident_wages, resident_labour = resident_staff(model)
    wages = WageBill(resident_wages, firms.incommuters[: firms.n] * firms.wage[: firms.n])
    rent_rise = rent_premium(p, model.hoods, model.ref)  # this month's, for every use below
    demand = firm_demand_now(model, wages, rent_rise)
    employees = resident_workers + firms.incommuters[: firms.n]
    labour = resident_labour + firms.incommuters[: firms.n]  # in-commuters: TTWA mean health
    fixed = goods.fixed_costs(p, firms) + goods.place_costs(
        p, firms, employees, rent_rise, crime_change(p, model.hoods))
    revenue = goods.settle_accounts(p, firms, demand, labour, wages.total, fixed)
    payout = goods.pay_dividends(p, firms, wages.total + fixed)
    model.accounts.book_firms(p, firms, demand, revenue, wages.residents, wages.incommuters,
                              fixed, payout)
    model.counters.value_added = float(revenue.sum() - fixed.sum())  # fixed: live firms only
    u_exit = model.streams.monthly("firm_exit", model.month).random(firms.n)
    closing = goods.exits(p, firms, u_exit, employees)
    close_firms(model, closing, employees)
    employees[closing] = 0
    per_worker = np.divide(labour, employees, out=np.ones(firms.n), where=employees > 0)
    firms.desired[: firms.n] = np.where(firms.alive[: firms.n],  # staff to cover time lost
                                        demand / (firms.productivity[: firms.n] * per_worker),
                                        0.0)
    employees = lay_off_excess(model, employees)
    set_vacancies(model, employees)
    start_firms(model)
    consider_projects(model, rent_rise)


class WageBill(NamedTuple):
    """Each firm's wages this month (GBP): to its resident workers and to its in-commuters."""

    residents: np.ndarray
    incommuters: np.ndarray

    @property
    def total(self) -> np.ndarray:
        return self.residents + self.incommuters


def resident_staff(model):
    """Resident workers, their wages and their effective labour by district firm."""
    p, res = model.p, model.residents
    return _resident_staff(res.employer, res.wage, res.health, p.health_time_lost,
                           p.health_mean_rest, model.firms.n)


@njit(cache=True)
def _resident_staff(employer, wage, health, time_lost, reference_health, n_firms):
    """Resident workers, their wages and their effective labour by district firm: the one
    place firms' wage bills are counted (residents are paid their own wage; in-commuters
    the firm's, `WageBill`). A worker's effective labour is the working time not lost to
    ill health, relative to a worker at the reference health that firms' productivity is
    measured at: ill workers are paid in full but produce less (absence, presenteeism)."""
    # Row 0 gathers the residents not at a district firm and is dropped: no branch on
    # the employer (unpredictable from one slot to the next); firm f is row f + 1.
    workers = np.zeros(n_firms + 1, np.int64)
    wages = np.zeros(n_firms + 1)
    labour = np.zeros(n_firms + 1)
    reference = 1.0 - time_lost * (1.0 - reference_health)
    for i in range(len(employer)):
        row = max(employer[i] + 1, 0)
        workers[row] += 1
        wages[row] += wage[i]
        labour[row] += (1.0 - time_lost * (1.0 - health[i])) / reference
    return workers[1:], wages[1:], labour[1:]


def firm_demand_now(model, wages: WageBill, rent_rise: np.ndarray) -> np.ndarray:
    """Each firm's demand this month; books the month's spending in the accounts.

    The non-tradable pot is spent by residents (of their income and of last month's
    payouts from firms they own), in-commuters, mainstream public bodies and the
    programme (sim.accounts)."""
    p, firms, accounts = model.p, model.firms, model.accounts
    incommuter_wages = float(wages.incommuters.sum())
    incomes = model.resident_income()
    resident_income = float(incomes.sum())
    household_income = resident_income + accounts.capital_income_last
    rent_paid = housing_rent_rise(p, model.residents.hood, incomes, rent_rise)
    programme = accounts.programme_spend_now(model)
    parts = goods.local_spending_parts(p, household_income - rent_paid, incommuter_wages,
                                       model.public_spend, programme)
    pot_nt = sum(parts.values())
    model.counters.pots = (pot_nt, model.tradable_pot)
    factor = model.ttwa.demand
    accounts.book_demand(model, parts, factor, resident_income, programme, incommuter_wages,
                         float(wages.residents.sum()), rent_paid)
    return goods.firm_demand(firms, (pot_nt * factor, model.tradable_pot * factor))


def housing_rent_rise(p, hood: np.ndarray, incomes: np.ndarray, rent_rise: np.ndarray) -> float:
    """What residents pay this month in rent rises where improvements were capitalised
    (GBP): the exposed share of their income times their neighbourhood's `rent_rise`. It
    goes to landlords, taken as outside the district [A], so it leaves local spending."""
    if not rent_rise.any():
        return 0.0  # no improvement yet: skip the pass over residents
    by_hood = np.bincount(hood, incomes, len(rent_rise))
    return float(p.housing_cost_exposed_share * by_hood @ rent_rise)


def apply_business_shocks(model) -> None:
    """Shocks starting this month: a plant closure, a lasting change in external demand."""
    t = model.month - model.p.burn_in_months
    for shock in model.shocks:
        if shock.start != t:
            continue
        if shock.kind == "tradable_demand":
            model.tradable_pot *= 1 + shock.size
        elif shock.kind == "plant_closure":
            firms = model.firms
            employees = employees_by_firm(model)
            tradable = firms.alive[: firms.n] & firms.tradable[: firms.n]
            if tradable.any():
                largest = int(np.argmax(np.where(tradable, employees, -1)))
                close_firms(model, np.array([largest]), employees)


def employees_by_firm(model) -> np.ndarray:
    workers = resident_staff(model)[0]
    return workers + model.firms.incommuters[: model.firms.n]


def close_firms(model, rows: np.ndarray, employees: np.ndarray) -> None:
    """Firms that exit: their workers lose their jobs, their agents leave the model."""
    if len(rows) == 0:
        return
    firms, res = model.firms, model.residents
    sizes = employees[rows]
    model.accounts.book_exit(model.p, firms.cash[rows])
    closing = np.zeros(firms.n)
    closing[rows] = 1.0
    lost = leave_jobs_at_firms(res, closing, np.zeros(res.n))
    model.counters.job_losses += int(lost.sum())
    model.ttwa.unemployed += int(firms.incommuters[rows].sum())  # in-commuters lose theirs too
    firms.alive[rows], firms.death_month[rows] = False, model.month
    firms.incommuters[rows], firms.vacancies[rows], firms.desired[rows] = 0, 0, 0.0
    model.counters.deaths += len(rows)
    for row in rows.tolist():
        model.business_agents.pop(row).remove()
    model.records["business_events"].extend(_events(model, rows, "death", sizes))


def _events(model, rows: np.ndarray, kind: str, sizes: np.ndarray) -> list[dict]:
    """One business-event record per firm row (columns read once, not per row)."""
    f, month = model.firms, model.month
    return [dict(month=month, business_id=row, event=kind, tradable=tradable, hood=hood,
                 age_months=month - born, employees=size)
            for row, tradable, hood, born, size in zip(
                rows.tolist(), f.tradable[rows].tolist(), f.hood[rows].tolist(),
                f.birth_month[rows].tolist(), np.asarray(sizes).astype(int).tolist(),
                strict=True)]


def lay_off_excess(model, employees: np.ndarray) -> np.ndarray:
    """Firms above their desired size shed part of the excess each month; returns new sizes."""
    p, firms, res = model.p, model.firms, model.residents
    n = firms.n
    excess = employees - firms.desired[:n]
    rate = np.where((excess >= 1) & firms.alive[:n],
                    p.layoff_speed * excess / np.maximum(employees, 1), 0.0)
    lost = leave_jobs_at_firms(res, rate, model.streams["layoffs"].random(res.n))
    model.counters.job_losses += int(lost.sum())
    leaving_incommuters = model.streams["layoffs_incommuters"].binomial(
        firms.incommuters[:n], np.minimum(rate, 1.0))
    firms.incommuters[:n] -= leaving_incommuters.astype(firms.incommuters.dtype)
    model.ttwa.unemployed += int(leaving_incommuters.sum())
    return employees - leaving_incommuters - lost


def leave_jobs_at_firms(res, rate: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Residents working for district firms lose their job to unemployment where their draw
    `u` is below their firm's `rate`; returns the jobs lost by firm."""
    return _leave_jobs_at_firms(rate, u, res.status, res.reason, res.spell, res.employer,
                                res.work_zone, res.wage)


@njit(cache=True)
def _leave_jobs_at_firms(rate, u, status, reason, spell, employer, work_zone, wage):
    lost = np.zeros(len(rate), np.int64)
    if len(rate) == 0:
        return lost  # no district firms: nobody works at one
    for i in range(len(employer)):
        firm = employer[i]
        # One test without a branch on `firm >= 0` (unpredictable): the rare hits branch.
        if (firm >= 0) & (u[i] < rate[max(firm, 0)]):
            lost[firm] += 1
            leave_job(i, status, reason, spell, employer, work_zone, wage, UNEMPLOYED, NO_REASON)
    return lost


def set_vacancies(model, employees: np.ndarray) -> None:
    firms = model.firms
    n = firms.n
    gap = np.round(firms.desired[:n]) - employees
    firms.vacancies[:n] = np.where(firms.alive[:n], np.maximum(gap, 0), 0)


def start_firms(model) -> None:
    """Business births, more where demand per firm is high; located by markets, sites, finance."""
    p, firms, rng = model.p, model.firms, model.streams["firm_births"]
    n = firms.n
    pots = model.counters.pots
    weights = model.ref.location_weights
    for sector in (False, True):
        n_alive = int(np.count_nonzero(firms.alive[:n] & (firms.tradable[:n] == sector)))
        expected = goods.expected_births(p, max(n_alive, 1), pots[sector] / max(n_alive, 1),
                                         model.ref.demand_per_firm[sector])
        k = rng.poisson(expected)
        if k:
            hoods = rng.choice(len(weights), size=k, p=weights)
            open_firms(model, np.full(k, sector), hoods, np.full(k, p.entry_size), rng)


def open_firms(model, tradable, hood, size, rng, new_market=False) -> np.ndarray:
    """New firms of planned `size`; with `new_market` they bring their own external demand."""
    p, firms = model.p, model.firms
    traits = draw_firm_traits(p, tradable, rng)
    revenue = size * traits["productivity"]
    if new_market:
        model.tradable_pot += revenue.sum()
    pots = (model.counters.pots[0], model.tradable_pot if new_market
            else model.counters.pots[1])
    weight = goods.weights_for_revenue(firms, tradable, revenue, pots)
    cash = starting_cash(p, monthly_costs(p, size, traits["wage"], traits["productivity"]), rng)
    model.accounts.book_entry(p, cash)
    rows = firms.add(hood=hood, tradable=tradable, birth_month=np.full(len(hood), model.month),
                     weight=weight, desired=size, cash=cash, **traits)
    model.counters.births += len(rows)
    for row in rows.tolist():
        model.add_business_agent(row)
    model.records["business_events"].extend(_events(model, rows, "birth", np.zeros(len(rows))))
    return rows


def consider_projects(model, rent_rise: np.ndarray) -> None:
    """Latent projects arrive and are appraised; those that go ahead start after their delay.

    Within the month the one stop shop takes on engaged firms' projects first, then inward
    investors' (`shop_priority`); records keep the order of arrival. Every arrival gets one
    appraisal-error draw whether or not gap funding is on offer (common random numbers)."""
    rng = model.streams["projects"]
    arrivals = investment.new_projects(model.p, model.hoods, model.month, rng,
                                       len(model.records["projects"]))
    if not arrivals:
        return
    errors = model.streams["gap_appraisal"].standard_normal(len(arrivals))
    res, n = model.residents, model.hoods.n
    skill_counts = np.bincount(res.hood * 5 + res.skill, minlength=n * 5).reshape(n, 5)
    for project, error in zip(arrivals, errors, strict=True):
        project["engaged_firm"] = has_engaged_expander(model, project)
        project["appraisal_error"] = float(error)
    for project in sorted(arrivals, key=shop_priority):
        appraise_with_help(model, project, skill_counts, rent_rise)
    for record in arrivals:
        model.records["projects"].append(record)
        model.counters.private_investment += record["private_investment"]
        if record["went_ahead"]:
            model.pending_projects.append(record)


def has_engaged_expander(model, project: dict) -> bool:
    """Whether an expansion project belongs to an engaged firm: an engaged tradable firm in
    its neighbourhood (the one that expands is drawn when it starts)."""
    firms = model.firms
    if project["kind"] != "expansion":
        return False
    expanding = (firms.alive[: firms.n] & firms.tradable[: firms.n]
                 & (firms.hood[: firms.n] == project["hood"]))
    return bool((firms.engaged[: firms.n] & expanding).any())


def shop_priority(project: dict) -> int:
    """0: an engaged firm's project; 1: an inward investor's; 2: not a case for the shop."""
    return 0 if project["engaged_firm"] else 1 if project["kind"] == "inward" else 2


def appraise_with_help(model, project: dict, skill_counts, rent_rise) -> dict:
    """Appraise a project with the help on offer: the one stop shop's friction cut, if it
    takes the project on as a case (engaged firms' and inward investors' projects, while its
    capacity lasts), and gap funding from the business support lever."""
    p, shop = model.p, model.one_stop_shop
    served = shop_priority(project) < 2 and shop.take_case()
    lever = model.lever_index["business_support"]
    pool = 0.0 if "business_support" in model.disabled_levers else model.ledger.available(lever)
    record = investment.appraise(
        p, model.hoods, project, skill_counts, rent_rise,
        friction_cut=p.oss_friction_cut * shop.authority * served,
        case_months=p.oss_case_months * served,
        gap_funding=min(pool, p.gap_funding_max_per_job * project["jobs"]))
    record["one_stop_shop_case"] = bool(served)
    if served:
        shop.record(record)
    if record["help_gbp"] > 0:
        model.ledger.spend(lever, record["help_gbp"])
        model.counters.gap_funding += record["help_gbp"]
    return record


def start_due_projects(model) -> None:
    """Projects reaching their start month add external demand: new firms or expansions."""
    due = [pr for pr in model.pending_projects if pr["start_month"] <= model.month]
    if not due:
        return
    model.pending_projects = [pr for pr in model.pending_projects
                              if pr["start_month"] > model.month]
    firms, rng = model.firms, model.streams["project_starts"]
    for pr in due:
        candidates = np.flatnonzero(firms.alive[: firms.n] & firms.tradable[: firms.n]
                                    & (firms.hood[: firms.n] == pr["hood"]))
        if pr["kind"] == "expansion" and len(candidates):
            row = int(rng.choice(candidates))
            revenue = pr["jobs"] * firms.productivity[row]
            model.tradable_pot += revenue
            firms.weight[row] += goods.weights_for_revenue(
                firms, np.array([True]), np.array([revenue]), (0.0, model.tradable_pot))[0]
        else:
            row = int(open_firms(model, np.array([True]), np.array([pr["hood"]]),
                                 np.array([float(pr["jobs"])]), rng, new_market=True)[0])
        pr["business_id"] = row
