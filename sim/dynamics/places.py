"""Stage 6 of the month: crime, and residential moves that can change composition."""

from __future__ import annotations

import numpy as np

from sim import neighbourhood as rules
from sim.population import EMPLOYED, TTWA_EMPLOYER, draw_people


def update_neighbourhoods(model) -> None:
    update_crime(model)
    rules.depreciate_environment(model.p, model.hoods, model.ref)
    move_households(model)


def workless_rate_by_hood(model) -> np.ndarray:
    res, n = model.residents, model.hoods.n
    return (np.bincount(res.hood, res.status != EMPLOYED, n)
            / np.maximum(model.residents_by_hood, 1))


def update_crime(model) -> None:
    rules.update_crime(model.p, model.hoods, workless_rate_by_hood(model), model.ref)


def member_slots(first: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Resident slots of the households with these first slots and sizes."""
    total = int(size.sum())
    offsets = np.arange(total) - np.repeat(np.cumsum(size) - size, size)
    return np.repeat(first, size) + offsets


def move_households(model) -> None:
    """Households leave the district; in-movers take their dwellings.

    In-movers come from the advantaged profile in proportion to how the
    neighbourhood's quality compares with where it started, so areas can
    improve (or decline) by composition alone.
    """
    p, res, hh, hoods = model.p, model.residents, model.households, model.hoods
    rng = model.streams["moves"]
    u = rng.random(hh.n)
    has_worker = np.bincount(res.household, res.status == EMPLOYED, hh.n) > 0
    leaving = np.flatnonzero(u < rules.move_out_probability(
        p, hoods.deprived[hh.hood], has_worker))
    if len(leaving) == 0:
        return
    slots = member_slots(hh.first[leaving], hh.size[leaving])
    advantaged_share = rules.advantaged_inmover_share(
        rules.quality(hoods), model.ref.quality_deprived, model.ref.quality_rest)
    advantaged = rng.random(len(leaving)) < advantaged_share[hh.hood[leaving]]
    keep_jobs_as_incommuters(model, slots)
    people = draw_people(p, np.repeat(~advantaged, hh.size[leaving]), rng)
    for key, value in people.items():
        getattr(res, key)[slots] = value
    place_inmover_workers(model, slots[people["status"] == EMPLOYED], rng)
    # Ids depend only on the dwelling slot and the month, so paired runs agree on who is who.
    res.uid[slots] = res.n * model.month + slots
    hh.uid[leaving] = hh.n * model.month + leaving
    res.clear_programmes(slots)
    no_car = np.where(advantaged, p.no_car_share_rest, p.no_car_share_deprived)
    hh.car[leaving] = rng.random(len(leaving)) >= no_car
    model.counters.moved[slots] = True
    model.counters.households_moved = len(leaving)


def keep_jobs_as_incommuters(model, slots: np.ndarray) -> None:
    """Out-movers who work in the district keep their jobs, now as in-commuters."""
    res, firms = model.residents, model.firms
    at_firm = slots[res.employer[slots] >= 0]
    firms.incommuters[: firms.n] += np.bincount(res.employer[at_firm], minlength=firms.n).astype(
        firms.incommuters.dtype)
    res.employer[slots], res.work_zone[slots], res.wage[slots] = -1, -1, 0.0


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
    if cum[-1] == 0:
        to_firm[:] = False
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
