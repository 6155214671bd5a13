"""Stage 4 of the month: separations, activation, search, matching, in-commuters."""

from __future__ import annotations

import numpy as np

from sim.markets import labour
from sim.policy import shocks
from sim.population import (
    CARING,
    EMPLOYED,
    INACTIVE,
    OTHER,
    SICK,
    STUDENT,
    TTWA_EMPLOYER,
    UNEMPLOYED,
    inactivity_reason,
)


def shock_effects(model) -> dict:
    """Multipliers that active shocks put on separations and demand this month."""
    t = model.month - model.p.burn_in_months
    recession = shocks.active(model.shocks, "recession", t)
    size = recession.size if recession else 0.0
    return {"separations": 1 + size, "demand": 1 - 0.3 * size}


def run_labour_market(model) -> None:
    reason_draw = model.streams["inactivity_reason"].random(model.residents.n)
    separate(model, reason_draw)
    activate_and_discourage(model, reason_draw)
    search_and_match(model)
    fill_with_incommuters(model)


def separate(model, reason_draw: np.ndarray) -> None:
    """Exits from work: to unemployment (with early-tenure churn), sickness, other inactivity."""
    p, res = model.p, model.residents
    u = model.streams["separation"].random(res.n)
    emp = np.flatnonzero(res.status == EMPLOYED)
    to_unemployed, to_sick, to_inactive = labour.separation_hazards(
        p, res.spell[emp], res.health[emp])
    to_u, to_sick, to_inactive = labour.split_by_hazards(
        u[emp], to_unemployed * shock_effects(model)["separations"], to_sick, to_inactive)
    at_district_firm = res.employer[emp] >= 0
    leaving = to_u | to_sick | to_inactive
    model.counters.district_quit_rate = (
        np.count_nonzero(leaving & at_district_firm) / max(np.count_nonzero(at_district_firm), 1))
    res.leave_job(emp[to_u], UNEMPLOYED)
    res.leave_job(emp[to_sick], INACTIVE, SICK)
    leavers = emp[to_inactive]
    res.leave_job(leavers, INACTIVE, other_reason(p, reason_draw[leavers]))


def other_reason(p, u: np.ndarray) -> np.ndarray:
    """Caring, study or other, by LFS shares, from a uniform draw."""
    return np.select([u < p.caring_share, u < p.caring_share + p.student_share],
                     [CARING, STUDENT], OTHER).astype(np.int8)


def activate_and_discourage(model, reason_draw: np.ndarray) -> None:
    """The inactive re-enter search; the unemployed with fading attachment give up."""
    p, res = model.p, model.residents
    u = model.streams["activation"].random(res.n)
    inactive = np.flatnonzero(res.status == INACTIVE)
    unemployed = np.flatnonzero(res.status == UNEMPLOYED)
    boost = res.activation_boost[inactive] * np.where(
        res.childcare_left[inactive] > 0, p.childcare_activation, 1.0)
    start = inactive[u[inactive] < boost * labour.activation_probability(
        p, res.reason[inactive], res.health[inactive], res.attachment[inactive])]
    give_up = unemployed[u[unemployed] < labour.discouragement_probability(
        p, res.attachment[unemployed])]
    res.status[start], res.reason[start], res.spell[start] = UNEMPLOYED, 0, 0
    res.status[give_up], res.spell[give_up] = INACTIVE, 0
    res.reason[give_up] = inactivity_reason(p, res.health[give_up], reason_draw[give_up])


def vacancy_slots(model):
    """One slot per open vacancy, grouped by zone (neighbourhoods, then the TTWA)."""
    firms, hoods, p = model.firms, model.hoods, model.p
    n = firms.n
    open_rows = np.flatnonzero(firms.vacancies[:n] > 0)
    open_rows = open_rows[np.argsort(firms.hood[open_rows], kind="stable")]
    slot_firm = np.repeat(open_rows, firms.vacancies[open_rows])
    n_ttwa = int(round(p.ttwa_vacancies_per_resident * model.residents.n))
    slot_firm = np.concatenate([slot_firm, np.full(n_ttwa, TTWA_EMPLOYER)])
    slot_zone = np.where(slot_firm >= 0, firms.hood[np.maximum(slot_firm, 0)], hoods.ttwa)
    per_zone = np.bincount(slot_zone, minlength=hoods.n + 1)
    return slot_firm, per_zone


def split_uniforms(raw: np.ndarray) -> np.ndarray:
    """Four uniforms in (0, 1) with 16-bit resolution from each 64-bit random integer."""
    parts = (raw[None, :] >> np.array([0, 16, 32, 48], np.uint64)[:, None]) & np.uint64(0xFFFF)
    return (parts.astype(np.float64) + 0.5) / 65536.0


def search_and_match(model) -> None:
    """Applicants choose a zone in reach, then a vacancy there; employers pick the best.

    Every resident gets this month's matching draws whether they search or not, so a
    policy that changes who searches does not reshuffle everyone else's luck (common
    random numbers between paired runs).
    """
    p, res, firms, hoods = model.p, model.residents, model.firms, model.hoods
    rng = model.streams["matching"]
    u = model.streams["search"].random(res.n)
    raw = rng.bit_generator.random_raw(res.n)  # one 64-bit draw per resident, split in four
    unemployed = np.flatnonzero(res.status == UNEMPLOYED)
    eff = labour.search_effectiveness(p, res.skill[unemployed], res.health[unemployed],
                                      res.attachment[unemployed], res.spell[unemployed])
    eff *= res.search_boost[unemployed]
    applying = u[unemployed] < p.search_intensity * eff
    applicants, eff = unemployed[applying], eff[applying]
    u_zone, u_slot, u_accept, u_noise = split_uniforms(raw[applicants])
    slot_firm, per_zone = vacancy_slots(model)
    model.counters.vacancies = int((slot_firm >= 0).sum())
    if len(applicants) == 0 or len(slot_firm) == 0:
        return
    car = model.households.car[res.household[applicants]].astype(int)
    cdf = labour.zone_cdf(per_zone.astype(float), hoods.reach, hoods.distance,
                          p.search_distance_decay_km)
    home_row = car * hoods.n + res.hood[applicants]
    zone = labour.choose_zones(cdf, home_row, u_zone)
    zone_start = np.concatenate([[0], np.cumsum(per_zone)[:-1]])
    pick = np.minimum(np.floor(u_slot * per_zone[np.maximum(zone, 0)]).astype(int),
                      np.maximum(per_zone[np.maximum(zone, 0)] - 1, 0))
    slot = np.where(zone >= 0, zone_start[np.maximum(zone, 0)] + pick, -1)
    firm = slot_firm[np.maximum(slot, 0)]
    required = np.where(firm >= 0, firms.required_skill[np.maximum(firm, 0)], 0)
    brokered = np.where(firm >= 0, firms.engaged[np.maximum(firm, 0)], False)
    accepted = u_accept < labour.acceptance_probability(p, res.skill[applicants], required,
                                                        brokered)
    slot[~accepted] = -1
    gumbel = -np.log(-np.log(u_noise))
    score = (eff + gumbel * 0.3
             - p.employer_stigma * hoods.deprived[res.hood[applicants]]
             + p.wage_subsidy_score * (res.voucher_left[applicants] > 0))
    winners = labour.pick_winners(slot, score)
    hire(model, applicants[winners], slot_firm[slot[winners]], zone[winners],
         model.streams["wages"])


def hire(model, people: np.ndarray, employer: np.ndarray, zone: np.ndarray, rng) -> None:
    p, firms = model.p, model.firms
    at_firm = employer >= 0
    wage = np.where(at_firm, firms.wage[np.maximum(employer, 0)],
                    p.ttwa_wage * rng.lognormal(-0.02, 0.2, len(people)))
    res = model.residents
    subsidised = people[res.voucher_left[people] > 0]
    model.counters.subsidised_hires = len(subsidised)
    res.voucher_left[subsidised] = 0
    res.start_job(people, employer, zone, wage)
    filled = np.bincount(employer[at_firm], minlength=firms.n)
    firms.vacancies[: firms.n] -= filled.astype(firms.vacancies.dtype)
    model.counters.resident_hires = int(at_firm.sum())
    model.counters.resident_hires_ttwa = int((~at_firm).sum())
    model.counters.resident_hires_job_to_job = int(np.count_nonzero(
        model.prev_status[people] == EMPLOYED))


def fill_with_incommuters(model) -> None:
    """Vacancies residents did not fill may go to in-commuters; in-commuters leave their
    jobs at the rate residents in district jobs did this month."""
    p, firms = model.p, model.firms
    n = firms.n
    rng = model.streams["incommuters"]
    hired = rng.binomial(firms.vacancies[:n], p.incommuter_fill_rate)
    leaving = rng.binomial(firms.incommuters[:n], model.counters.district_quit_rate)
    firms.vacancies[:n] -= hired.astype(firms.vacancies.dtype)
    firms.incommuters[:n] += (hired - leaving).astype(firms.incommuters.dtype)
    model.counters.incommuter_hires = int(hired.sum())
