"""Stage 4 of the month: separations, activation, search, matching, in-commuters."""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.markets import labour
from sim.markets import ttwa as ttwa_market
from sim.policy import shocks
from sim.population import (
    EMPLOYED,
    INACTIVE,
    NO_EMPLOYER,
    NO_REASON,
    SICK,
    TTWA_EMPLOYER,
    UNEMPLOYED,
    inactivity_reason,
)


def recession_size(model) -> float:
    """The size of the recession under way this programme month (0 if none)."""
    recession = shocks.active(model.shocks, "recession", model.month - model.p.burn_in_months)
    return recession.size if recession else 0.0


def run_labour_market(model) -> None:
    exits_and_entries(model)
    search_and_match(model)
    incommuters_quit(model)
    update_wage_offers(model)


def exits_and_entries(model) -> None:
    """The month's moves between states before search, each resident in turn: lay-offs in
    TTWA jobs (the TTWA's own month decides their rate), exits from work (to unemployment,
    with early-tenure churn, to sickness or other inactivity), the inactive re-entering
    search and the unemployed with fading attachment giving up."""
    p, res, c = model.p, model.residents, model.counters
    in_ttwa = int(np.count_nonzero(res.employer == TTWA_EMPLOYER))
    ttwa_layoff = ttwa_market.own_market(p, model.ttwa, in_ttwa, model.streams["ttwa"])
    reason_draw = model.streams["inactivity_reason"].random(res.n)
    u_ttwa = model.streams["ttwa_layoffs"].random(res.n)
    u_exit = model.streams["separation"].random(res.n)
    u_entry = model.streams["activation"].random(res.n)
    laid_off, at_firms, quits, give_up = _exits_and_entries(
        labour.rates(p), res.status, res.reason, res.spell, res.employer, res.work_zone,
        res.wage, res.health, res.attachment, res.activation_boost, res.childcare_left,
        ttwa_layoff, u_ttwa, u_exit, u_entry, reason_draw)
    c.job_losses += laid_off
    c.district_quit_rate = quits / max(at_firms, 1)
    res.reason[give_up] = inactivity_reason(p, res.health[give_up], reason_draw[give_up])


@njit(cache=True)
def leave_job(i, status, reason, spell, employer, work_zone, wage, new_status, why):
    """Resident `i` leaves work for `new_status` (compiled `Residents.leave_job`)."""
    status[i], reason[i], spell[i] = new_status, why, 0
    employer[i], work_zone[i], wage[i] = NO_EMPLOYER, -1, 0.0


@njit(cache=True)
def _exits_and_entries(r, status, reason, spell, employer, work_zone, wage, health, attachment,
                       activation_boost, childcare_left, ttwa_layoff, u_ttwa, u_exit, u_entry,
                       reason_draw):
    """`exits_and_entries` for every resident. Returns (residents laid off from TTWA jobs,
    residents in district jobs before exits, those of them leaving work, the slots of the
    unemployed who gave up: their reason is set by the caller)."""
    laid_off = at_firms = quits = 0
    give_up = np.empty(len(status), np.int64)
    n_give_up = 0
    job = (status, reason, spell, employer, work_zone, wage)
    for i in range(len(status)):
        if status[i] == EMPLOYED and employer[i] == TTWA_EMPLOYER and u_ttwa[i] < ttwa_layoff:
            leave_job(i, *job, UNEMPLOYED, NO_REASON)
            laid_off += 1
        if status[i] == EMPLOYED:
            to_u, to_sick, to_other = labour.separation_hazards(r, spell[i], health[i])
            event = labour.competing_event(u_exit[i], to_u, to_sick, to_other)
            if employer[i] >= 0:
                at_firms += 1
                quits += event > 0
            if event == 1:
                leave_job(i, *job, UNEMPLOYED, NO_REASON)
            elif event == 2:
                leave_job(i, *job, INACTIVE, SICK)
            elif event == 3:
                leave_job(i, *job, INACTIVE, labour.other_reason(r, reason_draw[i]))
        if status[i] == INACTIVE:
            boost = np.float64(activation_boost[i]) * (
                r.childcare_activation if childcare_left[i] > 0 else 1.0)
            if u_entry[i] < boost * labour.activation_probability(r, reason[i], health[i],
                                                                   attachment[i]):
                status[i], reason[i], spell[i] = UNEMPLOYED, NO_REASON, 0
        elif status[i] == UNEMPLOYED:
            if u_entry[i] < labour.discouragement_probability(r, attachment[i]):
                status[i], spell[i] = INACTIVE, 0
                give_up[n_give_up] = i
                n_give_up += 1
    return laid_off, at_firms, quits, give_up[:n_give_up]


def vacancy_slots(model):
    """One slot per open vacancy, grouped by zone (neighbourhoods, then the TTWA's open
    jobs), and the number of district slots (they come first)."""
    firms, hoods = model.firms, model.hoods
    n = firms.n
    open_rows = np.flatnonzero(firms.vacancies[:n] > 0)
    open_rows = open_rows[np.argsort(firms.hood[open_rows], kind="stable")]
    slot_firm = np.repeat(open_rows, firms.vacancies[open_rows])
    n_district = len(slot_firm)
    slot_firm = np.concatenate([slot_firm, np.full(model.ttwa.vacancies, TTWA_EMPLOYER)])
    slot_zone = np.where(slot_firm >= 0, firms.hood[np.maximum(slot_firm, 0)], hoods.ttwa)
    per_zone = np.bincount(slot_zone, minlength=hoods.n + 1)
    return slot_firm, per_zone, n_district


def split_uniforms(raw: np.ndarray) -> np.ndarray:
    """Four uniforms in (0, 1) with 16-bit resolution from each 64-bit random integer: row k
    from bits 16k to 16k + 15 (read as little-endian 16-bit words, whatever the machine)."""
    parts = np.ascontiguousarray(raw, dtype="<u8").view("<u2").reshape(len(raw), 4).T
    return (parts + 0.5) / 65536.0


def searchers(model, u: np.ndarray):
    """Residents who apply this month and how well: the unemployed who search, and employed
    residents looking for a better job (on-the-job search)."""
    p, res = model.p, model.residents
    return _searchers(u, res.status, res.health, res.attachment, res.search_boost,
                      np.float32(p.search_intensity), float(p.on_the_job_search))


@njit(cache=True)
def _searchers(u, status, health, attachment, search_boost, intensity, on_the_job):
    """`searchers` in one pass per group: unemployed searchers in slot order, then on-the-job
    searchers; effectiveness in float32 as `labour.search_effectiveness` computes it."""
    people = np.empty(len(status), np.int64)
    eff = np.empty(len(status), np.float32)
    k = 0
    for i in range(len(status)):
        if status[i] == UNEMPLOYED:
            e = np.sqrt(health[i] * attachment[i]) / np.float32(0.8) * search_boost[i]
            if u[i] < intensity * e:
                people[k], eff[k] = i, e
                k += 1
    for i in range(len(status)):
        if status[i] == EMPLOYED and u[i] < on_the_job:
            people[k] = i
            eff[k] = np.sqrt(health[i] * attachment[i]) / np.float32(0.8)
            k += 1
    return people[:k], eff[:k]


def search_and_match(model) -> None:
    """One matching round for the district's and the TTWA's open jobs.

    Resident applicants (unemployed searchers and on-the-job searchers) choose a zone in
    reach, then a vacancy there; TTWA job seekers apply for district vacancies as would-be
    in-commuters. An applicant takes an offer that pays at least their reservation wage
    (benefits, or their wage plus a switching gain when in work); the employer screens for
    skill and hires the best-scored applicant to each vacancy. Every resident gets this
    month's draws whether they search or not, so a policy that changes who searches does
    not reshuffle everyone else's luck (common random numbers between paired runs).
    """
    p, res, firms, hoods = model.p, model.residents, model.firms, model.hoods
    u = model.streams["search"].random(res.n)
    raw = model.streams["matching"].bit_generator.random_raw(res.n)
    wage_noise = model.streams["wages"].standard_normal(res.n)
    applicants, eff = searchers(model, u)
    slot_firm, per_zone, n_district = vacancy_slots(model)
    model.counters.vacancies = n_district
    u_zone, u_slot, u_accept, u_noise = split_uniforms(raw[applicants])
    car = model.households.car[res.household[applicants]].astype(int)
    cdf = labour.zone_cdf(per_zone.astype(float), hoods.reach, hoods.distance,
                          p.search_distance_decay_km)
    zone = labour.choose_zones(cdf, car * hoods.n + res.hood[applicants], u_zone)
    zone_start = np.concatenate([[0], np.cumsum(per_zone)[:-1]])
    pick = np.minimum(np.floor(u_slot * per_zone[np.maximum(zone, 0)]).astype(int),
                      np.maximum(per_zone[np.maximum(zone, 0)] - 1, 0))
    slot = np.where(zone >= 0, zone_start[np.maximum(zone, 0)] + pick, -1)
    firm = slot_firm[np.maximum(slot, 0)] if len(slot_firm) else np.full(len(slot), -1)
    wage = offered_wages(model, firm, res.skill[applicants], wage_noise[applicants])
    takes = labour.takes_offer(p, wage, res.wage[applicants],
                               res.status[applicants] == EMPLOYED)
    takes &= (firm != res.employer[applicants]) | (firm < 0)  # not their own firm again
    required = np.where(firm >= 0, firms.required_skill[np.maximum(firm, 0)], 0)
    brokered = np.where(firm >= 0, firms.engaged[np.maximum(firm, 0)], False)
    screened_in = u_accept < labour.acceptance_probability(p, res.skill[applicants], required,
                                                           brokered)
    slot[~(takes & screened_in)] = -1
    score = (eff + labour.score_noise(u_noise)
             - p.employer_stigma * hoods.deprived[res.hood[applicants]]
             + p.wage_subsidy_score * (res.voucher_left[applicants] > 0))
    outsiders = outsider_applicants(model, slot_firm, n_district)
    all_slots = np.concatenate([slot, outsiders["slot"]])
    winners = labour.pick_winners(all_slots, np.concatenate([score, outsiders["score"]]))
    count_fills_by_engagement(model, slot_firm[:n_district], all_slots[winners])
    residents_won = winners[winners < len(applicants)]
    hire(model, applicants[residents_won], firm[residents_won], zone[residents_won],
         wage[residents_won])
    outsiders_won = winners[winners >= len(applicants)] - len(applicants)
    hire_outsiders(model, slot_firm[outsiders["slot"][outsiders_won]])


def count_fills_by_engagement(model, district_slot_firm: np.ndarray, won_slots: np.ndarray):
    """Open vacancies and those filled this month at firms not engaged and engaged with the
    partnership (whose applicants come through the brokerage), so what engagement does for
    recruitment is measured, not assumed."""
    engaged = model.firms.engaged[district_slot_firm]
    filled = np.zeros(len(district_slot_firm), bool)
    filled[won_slots[won_slots < len(district_slot_firm)]] = True
    c = model.counters
    c.vacancies_by_engagement = (int(np.count_nonzero(~engaged)), int(np.count_nonzero(engaged)))
    c.fills_by_engagement = (int(np.count_nonzero(filled & ~engaged)),
                             int(np.count_nonzero(filled & engaged)))


def offered_wages(model, firm: np.ndarray, skill: np.ndarray, noise: np.ndarray):
    """The wage each applicant is offered: the firm's posted wage (TTWA jobs: the TTWA's
    mean with a spread), scaled by the applicant's skill against that of a typical worker
    (so a firm's wage bill stays near its posted wages on average)."""
    p = model.p
    at_firm = firm >= 0
    posted = np.where(at_firm, posted_wages(model, np.maximum(firm, 0)),
                      p.ttwa_wage * model.ttwa.wage_index * np.exp(0.2 * noise - 0.02))
    return posted * labour.skill_pay(p, skill, model.ref.skill_of_employed)


def posted_wages(model, rows: np.ndarray) -> np.ndarray:
    """Firms' posted wages: base wage, raised while vacancies go unfilled, times the TTWA's
    wage level."""
    firms = model.firms
    return firms.wage[rows] * (1 + firms.wage_premium[rows]) * model.ttwa.wage_index


def outsider_applicants(model, slot_firm: np.ndarray, n_district: int) -> dict:
    """The TTWA's unemployed who apply this month, at residents' rule (8.5.3), each for one
    open job: a TTWA job, or a district vacancy, each district vacancy weighted by
    `incommuter_search_weight` against a TTWA one. District employers screen them for skill
    (no brokerage: it vouches for residents). Slot -1: no application or screened out.

    Every seeker of the TTWA's pool gets this month's draws (two 64-bit numbers, in eight
    uniforms), searching or not, so paired runs share them."""
    p, firms = model.p, model.firms
    searching = int(max(model.ttwa.unemployed, 0.0))
    seekers = ttwa_market.enough_seekers(p, model.ttwa, searching, model.streams["ttwa"])
    k = len(seekers["health"])
    raw = model.streams.monthly("ttwa_seekers", model.month).bit_generator.random_raw(2 * k)
    u_apply = ((raw[:searching] & np.uint64(0xFFFF)) + 0.5) / 65536.0  # split_uniforms' first
    eff = labour.search_effectiveness(p, seekers["health"][:searching],
                                      seekers["attachment"][:searching])
    who = np.flatnonzero(u_apply < p.search_intensity * eff)
    _, u_kind, u_slot, u_screen = split_uniforms(raw[who])
    u_noise = split_uniforms(raw[k + who])[0]
    n_ttwa = len(slot_firm) - n_district
    district_weight = n_district * p.incommuter_search_weight
    to_district = u_kind * (district_weight + n_ttwa) < district_weight
    slot = np.where(to_district, np.floor(u_slot * n_district),
                    n_district + np.floor(u_slot * n_ttwa)).astype(np.int64)
    slot[(to_district & (n_district == 0)) | (~to_district & (n_ttwa == 0))] = -1
    if len(slot_firm) == 0:
        return {"slot": np.full(len(who), -1, np.int64), "score": eff[who]}
    firm = slot_firm[np.clip(slot, 0, len(slot_firm) - 1)]
    required = np.where(firm >= 0, firms.required_skill[np.maximum(firm, 0)], 0)
    screened_in = u_screen < labour.acceptance_probability(p, seekers["skill"][who], required)
    return {"slot": np.where(screened_in & (slot >= 0), slot, -1),
            "score": eff[who] + labour.score_noise(u_noise)}


def hire(model, people: np.ndarray, employer: np.ndarray, zone: np.ndarray,
         wage: np.ndarray) -> None:
    """Residents start the jobs they won; those who were in work leave their old job (its
    firm posts the vacancy next month: a vacancy chain) but keep their months in work."""
    firms, res = model.firms, model.residents
    at_firm = employer >= 0
    subsidised = people[res.voucher_left[people] > 0]
    model.counters.subsidised_hires = len(subsidised)
    res.voucher_left[subsidised] = 0
    moving = res.status[people] == EMPLOYED
    months_in_work = res.spell[people]
    res.start_job(people, employer, zone, wage)
    res.spell[people[moving]] = months_in_work[moving]
    filled = np.bincount(employer[at_firm], minlength=firms.n)
    firms.vacancies[: firms.n] -= filled.astype(firms.vacancies.dtype)
    model.ttwa.vacancies -= int((~at_firm).sum())
    model.counters.resident_hires = int(at_firm.sum())
    model.counters.resident_hires_ttwa = int((~at_firm).sum())
    model.counters.resident_hires_job_to_job = int(np.count_nonzero(
        model.prev_status[people] == EMPLOYED))
    model.counters.job_to_job_moves = int(moving.sum())


def hire_outsiders(model, employer: np.ndarray) -> None:
    """TTWA job seekers who won: in TTWA jobs, or commuting in to district firms."""
    firms = model.firms
    at_firm = employer[employer >= 0]
    hired = np.bincount(at_firm, minlength=firms.n).astype(firms.vacancies.dtype)
    firms.vacancies[: firms.n] -= hired
    firms.incommuters[: firms.n] += hired
    model.ttwa.vacancies -= len(employer) - len(at_firm)
    model.ttwa.move(len(employer) - len(at_firm))
    model.ttwa.unemployed -= len(at_firm)
    model.counters.incommuter_hires = len(at_firm)


def incommuters_quit(model) -> None:
    """In-commuters leave their district jobs at the rate residents in district jobs did
    this month, back into the TTWA's unemployed."""
    firms = model.firms
    n = firms.n
    leaving = model.streams["incommuters"].binomial(firms.incommuters[:n],
                                                    model.counters.district_quit_rate)
    firms.incommuters[:n] -= leaving.astype(firms.incommuters.dtype)
    model.ttwa.unemployed += int(leaving.sum())


def update_wage_offers(model) -> None:
    """After the round: firms still short of staff raise their posted wage a step, others
    let a past rise fade, within bounds [S~] vacancy duration and wage posting; the TTWA's
    wage level follows its unemployment (the wage curve) [S] Blanchflower and Oswald 1994."""
    p, firms, ttwa = model.p, model.firms, model.ttwa
    n = firms.n
    short = firms.alive[:n] & (firms.vacancies[:n] > 0)
    firms.vacancy_months[:n] = np.where(short, firms.vacancy_months[:n] + 1, 0)
    step = np.where(short, p.wage_offer_step, -p.wage_offer_step)
    firms.wage_premium[:n] = np.clip(firms.wage_premium[:n] + step, 0.0, p.wage_offer_max_rise)
    ttwa.wage_index = labour.wage_level(p, ttwa.wage_index,
                                        ttwa.unemployment_rate(int(firms.incommuters.sum())))
