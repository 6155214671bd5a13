"""Residents' health, attachment and well-being (vectorised over all residents).

Neighbourhood terms are computed once per neighbourhood and gathered, so the
per-resident work is a handful of array operations.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.params import Params
from sim.population import EMPLOYED, Residents


def crime_index(hoods) -> np.ndarray:
    """Crime relative to twice the district's starting mean: 0.5 at that mean, 1 at double.

    A fixed reference, so a district-wide fall in crime shows in health, well-being,
    attractiveness and investment.
    """
    return hoods.crime / (2 * hoods.crime_reference)


def place_health_effect(p: Params, hoods) -> np.ndarray:
    """Per-neighbourhood shift of target health: poor housing and crime lower it [A].

    Centred so that average environment (0.55) and the starting mean crime are neutral.
    """
    return (p.health_environment_effect * (hoods.environment - 0.55)
            - p.health_crime_effect * (crime_index(hoods) - 0.5) * 2)


def update_month(p: Params, res: Residents, hoods, z: np.ndarray, household_size) -> tuple:
    """A month of health, attachment and months in the current state, in one pass.

    Health drifts to a target set by latent health, work, housing and crime [S~] Waddell
    and Burton 2006 (work is good for health); attachment falls with time out of work and
    recovers in work. Returns (income of each resident, household income per adult), from
    `income`, for well-being.
    """
    place = place_health_effect(p, hoods).astype(np.float32)
    rates = np.array([p.health_work_effect, p.health_adjust_rate, p.health_noise,
                      p.attachment_decay, p.attachment_recovery], np.float32)
    incomes, household_total = _month_kernel(
        res.health, res.attachment, res.spell, res.health_base, res.status, res.wage, res.hood,
        res.household, place, z, rates, float(p.benefit_per_month), len(household_size))
    return incomes, household_total / household_size


@njit(cache=True)
def _month_kernel(health, attachment, spell, health_base, status, wage, hood, household, place,
                  z, rates, benefit, n_households):
    """`update_month` per resident, in float32 as the state is kept."""
    work_effect, adjust, noise, decay, recovery = rates[0], rates[1], rates[2], rates[3], rates[4]
    one, zero = np.float32(1.0), np.float32(0.0)
    incomes = np.empty(len(health))
    household_total = np.zeros(n_households)
    for i in range(len(health)):
        employed = status[i] == EMPLOYED
        target = health_base[i] + place[hood[i]]
        if employed:
            target += work_effect
        target -= health[i]
        h = health[i] + (adjust * target + noise * z[i])
        health[i] = min(max(h, zero), one)
        if employed:
            attachment[i] = attachment[i] + recovery * (one - attachment[i])
        else:
            attachment[i] = attachment[i] * (one - decay)
        spell[i] += 1
        incomes[i] = wage[i] if employed else benefit
        household_total[household[i]] += incomes[i]
    return incomes, household_total


def income(p: Params, res: Residents) -> np.ndarray:
    """Monthly income of each resident: wage in work, benefits out of it (GBP)."""
    return np.where(res.status == EMPLOYED, res.wage, p.benefit_per_month)


def update_wellbeing(p: Params, res: Residents, household_income_per_adult, hoods,
                     rent_rise) -> None:
    """Life satisfaction (0-10) from work, income, health, crime and environment; rent
    rises where improvements were capitalised (`rent_rise` by neighbourhood, a share) take
    the exposed share of income.

    [S~] Clark and Oswald 1994 (unemployment); Layard et al. (log income).
    """
    place = (p.wellbeing_environment * hoods.environment
             - p.wellbeing_crime * 2 * crime_index(hoods)
             + p.wellbeing_income * np.log1p(-p.housing_cost_exposed_share
                                             * np.minimum(rent_rise, 1.0))).astype(np.float32)
    household = (6.0 + p.wellbeing_income * np.log(household_income_per_adult / 1000.0))
    by_status = np.array([p.wellbeing_employed, p.wellbeing_unemployed, 0.0], np.float32)
    _wellbeing_kernel(res.wellbeing, household.astype(np.float32), place, by_status,
                      np.float32(p.wellbeing_health), res.household, res.hood, res.status,
                      res.health)


@njit(cache=True)
def _wellbeing_kernel(wellbeing, household, place, by_status, health_weight, household_of,
                      hood, status, health):
    for i in range(len(wellbeing)):
        score = household[household_of[i]] + place[hood[i]]
        score += by_status[status[i]]
        score += health_weight * (health[i] - np.float32(0.5))
        wellbeing[i] = min(max(score, np.float32(0.0)), np.float32(10.0))
