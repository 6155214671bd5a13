"""Stage 5 of the month: residents' health, attachment, income and well-being."""

from __future__ import annotations

import numpy as np

from sim import residents as rules
from sim.policy.levers.common import release, run_down


def household_income_per_adult(model) -> np.ndarray:
    res, hh = model.residents, model.households
    total = np.bincount(res.household, model.counters.income, hh.n)
    return total / hh.size


def progress_programmes(model) -> None:
    """Programmes run down; each lever's `progress` hook (in lever order) sees the residents
    whose enrolment on it ends this month (skills: training completion; wage subsidy and
    childcare: their months run down); then finishers leave and job-search help fades."""
    if not model.policy.funded:
        return  # nobody is ever on a programme
    res = model.residents
    finishing = run_down(res)
    on_lever = res.programme[finishing]
    for i, lever in enumerate(model.levers):
        lever.progress(model, finishing[on_lever == i])
    release(res, finishing)


def update_residents(model) -> None:
    p, res, hoods = model.p, model.residents, model.hoods
    progress_programmes(model)
    rules.update_health(p, res, hoods,
                        model.streams["health"].standard_normal(res.n, dtype=np.float32))
    rules.update_attachment(p, res)
    res.spell += 1
    model.counters.income = model.resident_income()
    rules.update_wellbeing(p, res, household_income_per_adult(model), hoods)
