"""What a paired run measures for the additionality account (sim.analysis.additionality).

Everything is counted at the end of the last month in both runs, so that the account's
terms add up exactly to the net change in district jobs and in residents in work. Firms
and people are matched across the two runs only where they are the same: firm rows that
existed before the programme (the runs share their burn-in) and residents who lived in
the district before it; everyone and everything else is counted in bulk.
"""

from __future__ import annotations

import numpy as np

from sim.cohort import UidIndex
from sim.dynamics.firms import employees_by_firm
from sim.population import EMPLOYED, TTWA_EMPLOYER


def run_with_start_jobs(model):
    """Run `model` to its end and return it with the jobs of every firm row at the end of
    burn-in (the programme's start, common to both runs of a pair)."""
    model.run(model.p.burn_in_months)
    start = employees_by_firm(model)
    model.run(model.total_months - model.p.burn_in_months)
    return model, start


def workforce(model) -> dict:
    """Employed residents and where they work, district jobs and in-commuters' share."""
    res = model.residents
    employed = res.status == EMPLOYED
    return {"employed_residents_last": int(employed.sum()),
            "residents_in_district_jobs_last": int((employed & (res.employer >= 0)).sum()),
            "residents_in_ttwa_jobs_last": int((employed & (res.employer == TTWA_EMPLOYER))
                                               .sum()),
            "jobs_last": int(employees_by_firm(model).sum()),
            "incommuter_jobs_last": int(model.firms.incommuters[: model.firms.n].sum())}


def _pre_programme_rows(model, n_rows: int) -> np.ndarray:
    return model.firms.birth_month[:n_rows] <= model.p.burn_in_months


def _market_jobs(model, exclude: np.ndarray, n_hoods: int) -> np.ndarray:
    """Jobs by market (sector: tradable or local services, by neighbourhood) in every firm
    row but `exclude`."""
    jobs = employees_by_firm(model).astype(float)
    jobs[exclude[exclude < len(jobs)]] = 0.0
    firms = model.firms
    cell = firms.tradable[: firms.n].astype(np.int64) * n_hoods + firms.hood[: firms.n]
    return np.bincount(cell, jobs, 2 * n_hoods)


def other_firms(a, b, assisted: np.ndarray, matched: np.ndarray) -> dict:
    """Jobs gained and lost in the firms the scenario did not assist, market by market
    (sector by neighbourhood): the scenario's non-assisted firms against all the
    comparison's firms but the assisted ones it shares (`matched`). Netting within a
    market keeps competitors' losses (displacement) apart from other markets' gains (the
    demand chain) while the runs' random divergence between firms of a market cancels."""
    n_hoods = len(a.hoods.deprived)
    change = _market_jobs(a, assisted, n_hoods) - _market_jobs(b, matched, n_hoods)
    return {"other_firms_jobs_gained": float(change[change > 0].sum()),
            "other_firms_jobs_lost": float(-change[change < 0].sum())}


def matched_people(a, b) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Slots in `a`, their slots in `b` (-1 if gone), and whether each took a place in `a`,
    for the residents of `a` at the end who lived in the district before the programme."""
    res_a = a.residents
    before = np.flatnonzero(res_a.arrived <= a.p.burn_in_months)
    in_b = UidIndex(b.residents.uid).find(res_a.uid[before])
    took_part = np.isin(res_a.uid[before], a.participants.columns()["uid"])
    return before, in_b, took_part


def people(a, b) -> tuple[dict, dict]:
    """Residents in work at the end, in each run: the scenario's participants and the other
    residents present in both runs since before the programme (matched by id), and everyone
    else (in-movers, and people present in one run only) in bulk."""
    slots_a, slots_b, took_part = matched_people(a, b)
    both = slots_b >= 0
    work_a = a.residents.status[slots_a[both]] == EMPLOYED
    work_b = b.residents.status[slots_b[both]] == EMPLOYED
    part = took_part[both]
    rows = []
    for model, work in ((a, work_a), (b, work_b)):
        employed = int((model.residents.status == EMPLOYED).sum())
        rows.append({"participants_matched": int(part.sum()),
                     "participants_employed_last": int(work[part].sum()),
                     "unmatched_employed_last": employed - int(work.sum())})
    others = ~part
    rows[0].update(nonparticipants_gained_work=int((work_a & ~work_b & others).sum()),
                   nonparticipants_lost_work=int((~work_a & work_b & others).sum()))
    rows[1].update(nonparticipants_gained_work=float("nan"),
                   nonparticipants_lost_work=float("nan"))
    return rows[0], rows[1]


def firm_rows(a, b, assisted: np.ndarray, start: np.ndarray) -> tuple[dict, dict]:
    """The assisted firms' jobs at the programme's start (firms alive before it), and the
    other firms' gains and losses, for the scenario and comparison rows of a pair."""
    ja, jb = employees_by_firm(a), employees_by_firm(b)
    pre = assisted[(assisted < len(jb)) & (assisted < len(start))]
    pre = pre[_pre_programme_rows(a, len(ja))[pre] & _pre_programme_rows(b, len(jb))[pre]]
    started = float(start[pre].sum())
    gains = other_firms(a, b, assisted, pre)
    return ({"assisted_jobs_start": started, **gains},
            {"assisted_jobs_start": started, **dict.fromkeys(gains, float("nan"))})
