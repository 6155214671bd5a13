"""Stage 5 of the month: residents' health, attachment, income and well-being."""

from __future__ import annotations

import numpy as np

from sim import residents as rules
from sim.policy.levers import LEVER_ID, complete_training


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
    """Programmes run down; finishing trainees may gain a skill; job-search help fades."""
    res = model.residents
    if not model.policy.funded:
        return  # nobody is ever on a programme
    on = res.programme >= 0
    res.programme_left -= on
    finishing = np.flatnonzero(on & (res.programme_left <= 0))
    trainees = finishing[res.programme[finishing] == LEVER_ID["skills"]]
    complete_training(model, trainees)
    res.search_boost[trainees] = 1.0
    res.programme[finishing], res.activation_boost[finishing] = -1, 1.0
    off = res.programme < 0
    res.search_boost[off] = 1 + (res.search_boost[off] - 1) * 0.5  # [A] help fades by half a month
    np.subtract(res.voucher_left, 1, out=res.voucher_left, where=res.voucher_left > 0)
    np.subtract(res.childcare_left, 1, out=res.childcare_left, where=res.childcare_left > 0)


def update_residents(model) -> None:
    p, res, hoods = model.p, model.residents, model.hoods
    progress_programmes(model)
    rules.update_health(p, res, hoods,
                        model.streams["health"].standard_normal(res.n, dtype=np.float32))
    rules.update_attachment(p, res)
    res.spell += 1
    model.month_flags["income"] = model.resident_income()
    rules.update_wellbeing(p, res, household_income_per_adult(model), hoods)
