"""Residents' health, attachment and well-being (vectorised over all residents).

Neighbourhood terms are computed once per neighbourhood and gathered, so the
per-resident work is a handful of array operations.
"""

from __future__ import annotations

import numpy as np

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


def update_health(p: Params, res: Residents, hoods, z: np.ndarray):
    """Health drifts to a target set by latent health, work, housing and crime.

    [S~] Waddell and Burton 2006 (work is good for health).
    """
    place = place_health_effect(p, hoods).astype(np.float32)
    target = res.health_base + place[res.hood]
    target += np.float32(p.health_work_effect) * (res.status == EMPLOYED)
    target -= res.health
    res.health += np.float32(p.health_adjust_rate) * target + np.float32(p.health_noise) * z
    np.clip(res.health, 0.0, 1.0, out=res.health)


def update_attachment(p: Params, res: Residents) -> None:
    """Attachment falls with time out of work and recovers in work."""
    employed = res.status == EMPLOYED
    gain = np.float32(p.attachment_recovery) * (1 - res.attachment) * employed
    res.attachment *= 1 - np.float32(p.attachment_decay) * ~employed
    res.attachment += gain


def income(p: Params, res: Residents) -> np.ndarray:
    """Monthly income of each resident: wage in work, benefits out of it (GBP)."""
    return np.where(res.status == EMPLOYED, res.wage, p.benefit_per_month)


def update_wellbeing(p: Params, res: Residents, household_income_per_adult, hoods) -> None:
    """Life satisfaction (0-10) from work, income, health, crime and environment.

    [S~] Clark and Oswald 1994 (unemployment); Layard et al. (log income).
    """
    place = (p.wellbeing_environment * hoods.environment
             - p.wellbeing_crime * 2 * crime_index(hoods)).astype(np.float32)
    household = (6.0 + p.wellbeing_income * np.log(household_income_per_adult / 1000.0))
    by_status = np.array([p.wellbeing_employed, p.wellbeing_unemployed, 0.0], np.float32)
    score = household.astype(np.float32)[res.household]
    score += place[res.hood]
    score += by_status[res.status]
    score += np.float32(p.wellbeing_health) * (res.health - np.float32(0.5))
    np.clip(score, 0.0, 10.0, out=res.wellbeing)
