"""Stage 6 of the month: crime, and residential moves out of, within and into the district.

Dwellings are fixed: each has a neighbourhood and a number of working-age slots. Every
month some households leave the district and some move to another dwelling in it; an
internal mover takes a dwelling of its size vacated this month (by an out-mover or by an
earlier internal mover: a chain), carrying every per-person column with it. The dwellings
left empty at the end of the chains are let to in-movers from the travel-to-work area
(TTWA): some move in for a job in the district (in-commuters keeping their job, workers
taking an unfilled vacancy), the others are drawn from the TTWA population, whose
employment follows the TTWA market. Job-led demand that housing cannot absorb raises a
housing-pressure index, which prices out households without a worker and tilts
in-movers towards people in work.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from sim import neighbourhood as rules
from sim.population import (
    EMPLOYED,
    NO_EMPLOYER,
    NO_REASON,
    TTWA_EMPLOYER,
    UNEMPLOYED,
    draw_people,
)

MAX_CHAIN_ROUNDS = 8  # rounds of internal moves a month; movers without a dwelling wait [A]


@dataclass
class HousingPressure:
    """Housing pressure by neighbourhood and its reference (the first month's level).

    Attributes:
        pressure: log of (ordinary re-lets + job-led demand) over ordinary re-lets,
            smoothed (`pressure_adjust`).
        reference: the level in the first month; effects act on the excess over it.
        relets: ordinary re-lets a month by neighbourhood (households with a worker moving
            out at the base rates); fixed, since dwellings never change neighbourhood.
    """

    pressure: np.ndarray
    reference: np.ndarray | None = None
    relets: np.ndarray | None = None

    @property
    def excess(self) -> np.ndarray:
        if self.reference is None:
            return np.zeros_like(self.pressure)
        return self.pressure - self.reference


def update_neighbourhoods(model) -> None:
    update_crime(model)
    rules.depreciate_environment(model.p, model.hoods, model.ref)
    move_households(model)


def workless_rate_by_hood(model) -> np.ndarray:
    res, n = model.residents, model.hoods.n
    return (_count_by_group(res.hood, res.status, n, False)
            / np.maximum(model.residents_by_hood, 1))


@njit(cache=True)
def _count_by_group(group, status, n_groups, in_work):
    """Residents in work (`in_work`) or out of it, by group (neighbourhood, household): one
    pass, no temporaries, no branch (status is unpredictable from one slot to the next)."""
    count = np.zeros(n_groups, np.int64)
    for i in range(len(group)):
        count[group[i]] += (status[i] == EMPLOYED) == in_work
    return count


def update_crime(model) -> None:
    rules.update_crime(model.p, model.hoods, workless_rate_by_hood(model), model.ref)


def marked_rows(n: int, include: tuple[np.ndarray, ...], exclude: np.ndarray) -> np.ndarray:
    """The rows (of `n`) in any of `include` and not in `exclude`, ascending and distinct:
    `np.setdiff1d` by a mask, without its sorts."""
    mark = np.zeros(n, bool)
    for rows in include:
        mark[rows] = True
    mark[exclude] = False
    return np.flatnonzero(mark)


def member_slots(first: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Resident slots of the households with these first slots and sizes."""
    total = int(size.sum())
    offsets = np.arange(total) - np.repeat(np.cumsum(size) - size, size)
    return np.repeat(first, size) + offsets


def move_households(model) -> None:
    """The month's residential moves: out-moves, chains of internal moves, in-moves.

    One uniform per dwelling row (stream `move_choices`, monthly) decides whether its
    household leaves, moves within the district or stays, so a policy does not reshuffle
    everyone's luck.
    """
    p, res, hh, hoods = model.p, model.residents, model.households, model.hoods
    draws = model.streams.monthly("move_choices", model.month)
    u = draws.random(hh.n)
    has_worker = _count_by_group(res.household, res.status, hh.n, True) > 0
    q = rules.quality(hoods)
    wanting = job_led_demand(model)
    update_pressure(model, q, float(wanting.sum()))
    excess = model.housing.excess
    # The chances depend only on the neighbourhood and on having a worker: a table, gathered.
    out_table, within_table = rules.move_probabilities(p, hoods.deprived[None, :],
                                                       np.array([[False], [True]]),
                                                       excess[None, :])
    leaving, within = _move_choices(u, has_worker, hh.hood, out_table.ravel(),
                                    within_table.ravel(), hoods.n)
    c = model.counters
    c.households_moved = len(leaving)
    if len(leaving) == 0:
        return
    keep_jobs_as_incommuters(model, member_slots(hh.first[leaving], hh.size[leaving]))
    src, dst = chain_moves(model, within, leaving, has_worker, q, excess, draws)
    move_between_dwellings(model, src, dst)
    c.households_moved_within = len(src)
    empty = marked_rows(hh.n, (leaving, src), dst)
    move_in(model, empty, q, excess)


@njit(cache=True)
def _move_choices(u, has_worker, hood, p_out_by_cell, p_within_by_cell, n_hoods):
    """Rows of the households leaving (`u` below their chance of leaving) and of those moving
    within (`u` in the next band), ascending; a household's chances are in cell
    `n_hoods * has_worker + hood` of the tables."""
    leaving = np.empty(len(u), np.int64)
    within = np.empty(len(u), np.int64)
    n_leaving = n_within = 0
    for h in range(len(u)):
        cell = n_hoods * np.int64(has_worker[h]) + hood[h]
        p_out = p_out_by_cell[cell]
        if u[h] < p_out:
            leaving[n_leaving] = h
            n_leaving += 1
        elif u[h] < p_out + p_within_by_cell[cell]:
            within[n_within] = h
            n_within += 1
    return leaving[:n_leaving], within[:n_within]


def job_led_demand(model) -> np.ndarray:
    """Expected households a month wanting to move into the district for a job there, by
    firm row: in-commuters moving closer to their work, and workers recruited from outside
    for vacancies the district's labour market left unfilled."""
    p, firms = model.p, model.firms
    n = firms.n
    return (firms.incommuters[:n] * (p.incommuter_move_in_rate / 12)
            + firms.vacancies[:n] * p.vacancy_move_in_rate)


def update_pressure(model, q: np.ndarray, wanting: float) -> None:
    """Housing pressure moves towards log(1 + job-led demand / ordinary re-lets) by
    neighbourhood; job-led demand goes to neighbourhoods by their re-lets and quality."""
    p, hh, hoods = model.p, model.households, model.hoods
    housing = model.housing
    if housing.relets is None:
        base_out, _ = rules.move_probabilities(p, hoods.deprived[hh.hood], np.full(hh.n, True),
                                               np.zeros(hh.n))
        housing.relets = np.maximum(np.bincount(hh.hood, base_out, hoods.n), 1e-9)
    relets = housing.relets
    weight = relets * np.exp(p.internal_sorting * q)
    target = np.log1p(wanting * weight / weight.sum() / relets)
    if housing.reference is None:
        housing.pressure[:] = target
        housing.reference = target.copy()
    else:
        housing.pressure += p.pressure_adjust * (target - housing.pressure)


def dwelling_weights(p, q: np.ndarray, excess: np.ndarray) -> dict[bool, np.ndarray]:
    """Weight of a free dwelling by its neighbourhood, for households with a worker (True:
    they sort towards quality) and without (False: they avoid pressured, dearer places)."""
    return {True: np.exp(p.internal_sorting * (q - q.mean())),
            False: np.exp(-p.priced_out_effect * np.clip(excess, -5, 5))}


def chain_moves(model, candidates: np.ndarray, free: np.ndarray, has_worker: np.ndarray,
                q: np.ndarray, excess: np.ndarray, draws) -> tuple[np.ndarray, np.ndarray]:
    """Internal movers take free dwellings of their size, in rounds: in each round every
    waiting household picks a free dwelling (weights by `dwelling_weights`), one winner
    per dwelling (a random key), and the winners' old dwellings are free in the next round.

    Returns:
        (source rows, destination rows) of the households that moved, in move order.
    """
    hh = model.households
    weights = dwelling_weights(model.p, q, excess)
    # One 64-bit draw per dwelling row for every two rounds, split into 16-bit uniforms for
    # the rows waiting (every row has its own whoever waits, so paired runs keep them).
    raw = draws.bit_generator.random_raw((MAX_CHAIN_ROUNDS + 1) // 2 * hh.n).reshape(-1, hh.n)
    return _chain_rounds(candidates.astype(np.int64), free.astype(np.int64), hh.size, hh.hood,
                         has_worker, weights[False], weights[True], raw, MAX_CHAIN_ROUNDS)


@njit(cache=True)
def _uniform16(raw, k):
    """The k-th 16-bit uniform of a 64-bit draw, as `split_uniforms` reads it."""
    return (((raw >> np.uint64(16 * k)) & np.uint64(0xFFFF)) + 0.5) / 65536.0


@njit(cache=True)
def _chain_rounds(waiting, free, size, hood, has_worker, weight_workless, weight_worker, raw,
                  rounds):
    """The rounds of `chain_moves`. In a round each waiting household draws a free dwelling
    of its size (cumulative weights over the free dwellings in their current order), the
    lowest key wins each dwelling (ties: the earlier waiting household); the dwellings left
    free stay in ascending order and the winners' old dwellings join at the end."""
    n = len(size)
    src = np.empty(len(waiting), np.int64)
    dst = np.empty(len(waiting), np.int64)
    moved = 0
    best_key = np.full(n, 2.0)
    best_at = np.full(n, -1, np.int64)
    max_size = size.max() + 1 if n else 1
    for round_ in range(rounds):
        if len(waiting) == 0 or len(free) == 0:
            break
        row, word = round_ // 2, 2 * (round_ % 2)
        choice = np.full(len(waiting), -1, np.int64)
        for s in range(max_size):
            options = free[size[free] == s]
            if len(options) == 0:
                continue
            for worker in (False, True):
                weight = weight_worker if worker else weight_workless
                cum = np.cumsum(weight[hood[options]])
                for i in range(len(waiting)):
                    h = waiting[i]
                    if size[h] != s or has_worker[h] != worker:
                        continue
                    target = _uniform16(raw[row, h], word) * cum[-1]
                    pick = np.searchsorted(cum, target, side="right")
                    choice[i] = options[min(pick, len(options) - 1)]
        for i in range(len(waiting)):
            d = choice[i]
            if d < 0:
                continue
            key = _uniform16(raw[row, waiting[i]], word + 1)
            if key < best_key[d]:
                best_key[d], best_at[d] = key, i
        won = np.unique(choice[choice >= 0])
        stays = np.ones(len(waiting), np.bool_)
        taken = np.zeros(n, np.bool_)
        for d in won:
            i = best_at[d]
            src[moved], dst[moved] = waiting[i], d
            moved += 1
            stays[i], taken[d] = False, True
            best_key[d], best_at[d] = 2.0, -1
        left = np.sort(free[~taken[free]])
        free = np.concatenate((left, waiting[~stays][np.argsort(choice[~stays])]))
        waiting = waiting[stays]
    return src[:moved], dst[:moved]


def move_between_dwellings(model, src_rows: np.ndarray, dst_rows: np.ndarray) -> None:
    """Households in `src_rows` move to `dst_rows` (same sizes): people, car and id go."""
    if len(src_rows) == 0:
        return
    hh = model.households
    assert np.array_equal(hh.size[src_rows], hh.size[dst_rows]), "moves need equal sizes"
    src = member_slots(hh.first[src_rows], hh.size[src_rows])
    dst = member_slots(hh.first[dst_rows], hh.size[dst_rows])
    move_people(model, src, dst)
    hh.car[dst_rows] = hh.car[src_rows]
    hh.uid[dst_rows] = hh.uid[src_rows]
    model.residents.moved_within[dst] = model.month


def move_people(model, src: np.ndarray, dst: np.ndarray) -> None:
    """Move the people in slots `src` to slots `dst`, all at once (chains are safe): every
    per-person column of the residents (`Residents.person_columns`, lever state included)
    and the model's per-slot records of them (last month's status, this month's income).
    The dwelling columns (household, neighbourhood, deprived) stay with the slot."""
    res = model.residents
    columns = [getattr(res, name) for name in res.person_columns()]
    columns.append(model.prev_status)
    if model.counters.income is not None:
        columns.append(model.counters.income)
    for column in columns:
        column[dst] = column[src]


def move_in(model, rows: np.ndarray, q: np.ndarray, excess: np.ndarray) -> None:
    """In-moving households take the empty dwellings `rows`.

    Job-led in-movers (in-commuters keeping their district job, workers taking an unfilled
    vacancy) take dwellings first, weighted towards quality; the rest come from the TTWA
    population: the advantaged profile in proportion to how the neighbourhood's quality
    compares with where it started, employment from the TTWA market, shifted up where
    housing pressure is high.
    """
    p, res, hh = model.p, model.residents, model.households
    rng = model.streams["moves"]
    if len(rows) == 0:
        return
    rows = np.sort(rows)
    slots = member_slots(hh.first[rows], hh.size[rows])
    advantaged_share = rules.advantaged_inmover_share(
        q, model.ref.quality_deprived, model.ref.quality_rest)
    advantaged = rng.random(len(rows)) < advantaged_share[hh.hood[rows]]
    shift = (p.pressure_employment_effect * excess[res.hood[slots]]
             - p.deprived_allocation_effect * res.deprived[slots])
    people = draw_people(p, np.repeat(~advantaged, hh.size[rows]), rng,
                         market=market_rates(model), shift=shift)
    for key, value in people.items():
        getattr(res, key)[slots] = value
    res.employer[slots], res.work_zone[slots], res.wage[slots] = NO_EMPLOYER, -1, 0.0
    leaders = job_led_arrivals(model, rows, q, rng)
    others = marked_rows(res.n, (slots[res.status[slots] == EMPLOYED],), leaders)
    place_inmover_workers(model, others, rng)
    join_ttwa(model.ttwa, res, slots, -1)  # they came from the rest of the TTWA
    # Ids depend only on the dwelling slot and the month, so paired runs agree on who is who.
    res.uid[slots] = res.n * model.month + slots
    hh.uid[rows] = hh.n * model.month + rows
    res.clear_programmes(slots)
    res.arrived[slots], res.moved_within[slots] = model.month, -1
    no_car = np.where(advantaged, p.no_car_share_rest, p.no_car_share_deprived)
    hh.car[rows] = rng.random(len(rows)) >= no_car
    c = model.counters
    c.moved[slots] = True
    c.households_moved_in = len(rows)
    c.inmovers = len(slots)
    c.inmovers_employed = int(np.count_nonzero(res.status[slots] == EMPLOYED))
    c.inmovers_district_jobs = int(np.count_nonzero(res.employer[slots] >= 0))


def job_led_arrivals(model, rows: np.ndarray, q: np.ndarray, rng) -> np.ndarray:
    """Households moving in for a district job take some of the dwellings `rows`; their
    first member holds the job (an in-commuter's, which stops being one, or an unfilled
    vacancy). Returns those members' slots."""
    p, res, hh, firms = model.p, model.residents, model.households, model.firms
    n = firms.n
    g = model.streams.monthly("job_moves", model.month)
    from_incommuters = g.binomial(firms.incommuters[:n], min(p.incommuter_move_in_rate / 12, 1))
    from_vacancies = g.binomial(firms.vacancies[:n], min(p.vacancy_move_in_rate, 1.0))
    firm = np.concatenate([np.repeat(np.arange(n), from_incommuters),
                           np.repeat(np.arange(n), from_vacancies)])
    had_job = np.concatenate([np.ones(from_incommuters.sum(), bool),
                              np.zeros(from_vacancies.sum(), bool)])
    k = min(len(firm), len(rows))
    model.counters.households_moved_in_for_work = k
    if k == 0:
        return np.zeros(0, np.int64)
    chosen = rng.permutation(len(firm))[:k]
    firm, had_job = firm[chosen], had_job[chosen]
    # Weighted sampling of dwellings without replacement (exponential keys), towards quality.
    weight = np.exp(p.internal_sorting * (q - q.mean()))[hh.hood[rows]]
    key = rng.exponential(size=len(rows)) / weight
    leaders = hh.first[rows[np.argsort(key, kind="stable")[:k]]]
    np.subtract.at(firms.incommuters, firm[had_job], 1)
    np.subtract.at(firms.vacancies, firm[~had_job], 1)
    res.status[leaders], res.reason[leaders], res.attachment[leaders] = EMPLOYED, NO_REASON, 1.0
    res.spell[leaders] = np.where(had_job, res.spell[leaders], 0)
    res.employer[leaders], res.work_zone[leaders] = firm, firms.hood[firm]
    res.wage[leaders] = firms.wage[firm]
    return leaders


def market_rates(model) -> tuple[float, float]:
    """The TTWA's employment and unemployment rates now: where in-movers come from."""
    incommuters = int(model.firms.incommuters[: model.firms.n].sum())
    return model.ttwa.employment_rate(incommuters), model.ttwa.unemployment_rate(incommuters)


def keep_jobs_as_incommuters(model, slots: np.ndarray) -> None:
    """Out-movers who work in the district keep their jobs, now as in-commuters; all of them
    join the rest of the TTWA, those in TTWA jobs with their job, the unemployed among its
    unemployed."""
    res, firms = model.residents, model.firms
    join_ttwa(model.ttwa, res, slots, +1)
    at_firm = slots[res.employer[slots] >= 0]
    firms.incommuters[: firms.n] += np.bincount(res.employer[at_firm], minlength=firms.n).astype(
        firms.incommuters.dtype)
    res.employer[slots], res.work_zone[slots], res.wage[slots] = -1, -1, 0.0


def join_ttwa(ttwa, res, slots: np.ndarray, sign: int) -> None:
    """Book residents `slots` into (sign +1, as they leave) or out of (sign -1, as they
    arrive) the rest of the TTWA's stocks: its people, those in TTWA jobs, its unemployed."""
    ttwa.population += sign * len(slots)
    in_job = np.count_nonzero(res.employer[slots] == TTWA_EMPLOYER)
    ttwa.employed = max(ttwa.employed + sign * in_job, 0.0)
    looking = np.count_nonzero(res.status[slots] == UNEMPLOYED)
    ttwa.unemployed = max(ttwa.unemployed + sign * looking, 0.0)


def place_inmover_workers(model, workers: np.ndarray, rng) -> None:
    """In-movers keep their jobs: in the TTWA, or in a district firm they commuted to.

    The split follows where employed residents work now, so moves alone do not
    shift jobs between residents and in-commuters [A].
    """
    res, firms, hoods, p = model.residents, model.firms, model.hoods, model.p
    employed = res.status == EMPLOYED
    ttwa_share = np.count_nonzero(employed & (res.employer == TTWA_EMPLOYER)) / max(
        np.count_nonzero(employed & (res.employer != -1)), 1)
    cum = np.cumsum(firms.incommuters[: firms.n])
    to_firm = rng.random(len(workers)) >= ttwa_share
    u = rng.random(len(workers))
    if len(cum) == 0 or cum[-1] == 0:
        to_firm[:] = False
        cum = np.zeros(1)
    firm = np.searchsorted(cum, u * cum[-1], side="right")[to_firm]
    over = np.bincount(firm, minlength=firms.n) > firms.incommuters[: firms.n]
    to_firm[to_firm] = ~over[firm]
    firm = firm[~over[firm]]
    local = workers[to_firm]
    firms.incommuters[: firms.n] -= np.bincount(firm, minlength=firms.n).astype(
        firms.incommuters.dtype)
    res.employer[local], res.work_zone[local] = firm, firms.hood[firm]
    res.wage[local] = firms.wage[firm]
    external = workers[~to_firm]
    res.employer[external], res.work_zone[external] = TTWA_EMPLOYER, hoods.ttwa
    res.wage[external] = p.ttwa_wage * rng.lognormal(-0.02, 0.2, len(external))
