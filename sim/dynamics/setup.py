"""Starting state that links populations: who works where, and reference levels."""

from __future__ import annotations

import numpy as np

from sim.businesses import location_weights
from sim.dynamics.state import References
from sim.markets import goods
from sim.markets.labour import choose_zones, zone_cdf
from sim.neighbourhood import quality as neighbourhood_quality
from sim.population import EMPLOYED, TTWA_EMPLOYER

# [S] calibration target in_commuter_share_of_jobs: the starting split of district jobs.
START_INCOMMUTER_SHARE = 0.30


def _district_or_ttwa(model, workers, car, rng) -> np.ndarray:
    """True for employed residents who start in a TTWA job (only if the TTWA is in reach)."""
    hoods, firms = model.hoods, model.firms
    district_jobs = firms.desired[: firms.n].sum()
    n_ttwa = max(len(workers) - (1 - START_INCOMMUTER_SHARE) * district_jobs, 0)
    can_reach = hoods.reach[car.astype(int), model.residents.hood[workers], hoods.ttwa]
    share = min(n_ttwa / max(can_reach.sum(), 1), 1.0)
    return can_reach & (rng.random(len(workers)) < share)


def employ_initial_workers(model, rng) -> None:
    """Place employed residents in TTWA jobs or district firms; in-commuters fill the rest."""
    res, firms, hoods, p = model.residents, model.firms, model.hoods, model.p
    workers = np.flatnonzero(res.status == EMPLOYED)
    car = model.households.car[res.household[workers]]
    in_ttwa = _district_or_ttwa(model, workers, car, rng)
    ttwa = workers[in_ttwa]
    res.employer[ttwa], res.work_zone[ttwa] = TTWA_EMPLOYER, hoods.ttwa
    res.wage[ttwa] = p.ttwa_wage * rng.lognormal(-0.02, 0.2, len(ttwa))

    local = workers[~in_ttwa]
    size = firms.desired[: firms.n]
    jobs_by_zone = np.append(np.bincount(firms.hood[: firms.n], size, hoods.n), 0.0)
    cdf = zone_cdf(jobs_by_zone, hoods.reach, hoods.distance, p.search_distance_decay_km)
    row = car[~in_ttwa].astype(int) * hoods.n + res.hood[local]
    zone = choose_zones(cdf, row, rng.random(len(local)))
    zone = np.where(zone < 0, res.hood[local], zone)  # nothing in reach: work locally
    firm = _firm_in_zone(firms, size, zone, rng)
    res.employer[local], res.work_zone[local], res.wage[local] = firm, zone, firms.wage[firm]

    residents_at = np.bincount(firm, minlength=firms.n)
    firms.desired[: firms.n] = np.maximum(size, residents_at)
    firms.incommuters[: firms.n] = np.round(firms.desired[: firms.n] - residents_at).astype(int)


def _firm_in_zone(firms, size, zone, rng) -> np.ndarray:
    """A firm in each worker's zone, chosen in proportion to firm size."""
    order = np.argsort(firms.hood[: firms.n], kind="stable")
    sorted_hood = firms.hood[: firms.n][order]
    cum = np.concatenate([[0.0], np.cumsum(size[order])])
    first = np.searchsorted(sorted_hood, zone, side="left")
    last = np.searchsorted(sorted_hood, zone, side="right") - 1
    target = cum[first] + rng.random(len(zone)) * (cum[last + 1] - cum[first])
    pick = np.clip(np.searchsorted(cum, target, side="right") - 1, first, last)
    return order[pick]


def initial_references(model) -> References:
    """Demand pots and reference levels at the start, against which responses are scaled."""
    firms, p = model.firms, model.p
    n = firms.n
    revenue = firms.desired[:n] * firms.productivity[:n]
    tradable = firms.tradable[:n]
    firms.weight[:n] = revenue  # each firm starts with the demand that fits its size
    model.public_spend = p.mainstream_per_resident * p.n_residents_all_ages / 12
    pot_nt = goods.local_spending(
        p, model.resident_income().sum(),
        (firms.incommuters[:n] * firms.wage[:n]).sum(), model.public_spend)
    model.tradable_pot = float(revenue[tradable].sum())
    workless = model.residents.status != EMPLOYED
    hood_n = np.bincount(model.residents.hood, minlength=model.hoods.n)
    quality = neighbourhood_quality(model.hoods)
    return References(
        nontradable_pot=pot_nt,
        nontradable_revenue_at_start=float(revenue[~tradable].sum()),
        demand_per_firm=(pot_nt / max((~tradable).sum(), 1),
                         model.tradable_pot / max(tradable.sum(), 1)),
        workless=np.bincount(model.residents.hood, workless, model.hoods.n) / hood_n,
        environment=model.hoods.environment.copy(),
        location_weights=location_weights(p, model.hoods, hood_n),
        quality_deprived=float(quality[model.hoods.deprived].mean()),
        quality_rest=float(quality[~model.hoods.deprived].mean())
        if (~model.hoods.deprived).any() else 1.0,
        skill_of_employed=float(model.residents.skill[~workless].mean()),
    )
