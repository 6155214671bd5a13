"""Stage 5 of the month: residents' health, attachment, income and well-being."""

from __future__ import annotations

import numpy as np

from sim import residents as rules


def new_month_flags(model) -> dict:
    """Per-month counters the stages fill in and the observation reads."""
    return {
        "revenue": 0.0, "job_losses": 0, "vacancies": 0, "resident_hires": 0,
        "incommuter_hires": 0, "resident_hires_ttwa": 0, "district_quit_rate": 0.0,
        "private_investment": 0.0, "pots": (0.0, 0.0), "households_moved": 0, "births": 0,
        "deaths": 0, "first_project": len(model.records["projects"]), "income": None,
        "moved": np.zeros(model.residents.n, bool),
    }


def household_income_per_adult(model) -> np.ndarray:
    res, hh = model.residents, model.households
    total = np.bincount(res.household, model.month_flags["income"], hh.n)
    return total / hh.size


def update_residents(model) -> None:
    p, res, hoods = model.p, model.residents, model.hoods
    rules.update_health(p, res, hoods.environment, hoods.crime,
                        model.streams["health"].standard_normal(res.n, dtype=np.float32))
    rules.update_attachment(p, res)
    res.spell += 1
    model.month_flags["income"] = model.resident_income()
    rules.update_wellbeing(p, res, household_income_per_adult(model), hoods.environment,
                           hoods.crime)
