"""Stage 5 of the month: residents' health, attachment, income and well-being."""

from __future__ import annotations

import numpy as np

from sim import residents as rules
from sim.neighbourhood import rent_premium
from sim.policy.levers.common import release, run_down


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
    release(model.p, res, finishing)


def update_residents(model) -> None:
    p, res, hoods = model.p, model.residents, model.hoods
    progress_programmes(model)
    z = model.streams["health"].standard_normal(res.n, dtype=np.float32)
    model.counters.income, per_adult = rules.update_month(p, res, hoods, z,
                                                          model.households.size)
    rules.update_wellbeing(p, res, per_adult, hoods, rent_premium(p, hoods, model.ref))
