"""Stage 5 of the month: residents' health, attachment, income and well-being."""

from __future__ import annotations

import numpy as np

from sim import residents as rules
from sim.policy.levers.common import release, run_down


def new_month_flags(model) -> dict:
    """Per-month counters the stages fill in and the observation reads."""
    return {
        "revenue": 0.0, "job_losses": 0, "vacancies": 0, "resident_hires": 0,
        "incommuter_hires": 0, "resident_hires_ttwa": 0, "district_quit_rate": 0.0,
        "private_investment": 0.0, "pots": (0.0, 0.0), "households_moved": 0, "births": 0,
        "deaths": 0, "first_project": len(model.records["projects"]), "income": None,
        "moved": np.zeros(model.residents.n, bool), "subsidised_hires": 0,
        "subsidised_hires_last_month": model.month_flags["subsidised_hires"]
        if hasattr(model, "month_flags") else 0,
        "training_completions": 0, "gap_funding": 0.0, "one_stop_shop_spend": 0.0,
    }


def household_income_per_adult(model) -> np.ndarray:
    res, hh = model.residents, model.households
    total = np.bincount(res.household, model.month_flags["income"], hh.n)
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
    model.month_flags["income"] = model.resident_income()
    rules.update_wellbeing(p, res, household_income_per_adult(model), hoods)
