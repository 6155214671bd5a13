"""Residents' health, attachment and well-being (vectorised over all residents)."""

from __future__ import annotations

import numpy as np

from sim.params import Params
from sim.population import EMPLOYED, UNEMPLOYED, Residents


def crime_index(crime_by_hood: np.ndarray) -> np.ndarray:
    """Crime relative to twice the district mean: 0.5 at the mean, 1 at double it."""
    return crime_by_hood / (2 * crime_by_hood.mean())


def update_health(p: Params, res: Residents, environment, crime_by_hood, z: np.ndarray):
    """Health drifts to a target set by latent health, work, housing and crime.

    [S~] Waddell and Burton 2006 (work is good for health); poor housing and
    crime lower health [A].
    """
    target = (res.health_base + p.health_work_effect * (res.status == EMPLOYED)
              - p.health_environment_effect * (1 - environment[res.hood])
              + p.health_environment_effect * 0.45  # centred: average environment is neutral
              - p.health_crime_effect * (crime_index(crime_by_hood)[res.hood] - 0.5) * 2)
    res.health += p.health_adjust_rate * (target - res.health) + p.health_noise * z
    np.clip(res.health, 0.0, 1.0, out=res.health)


def update_attachment(p: Params, res: Residents) -> None:
    """Attachment falls with time out of work and recovers in work."""
    out = res.status != EMPLOYED
    res.attachment *= np.where(out, 1 - p.attachment_decay, 1.0)
    res.attachment += np.where(out, 0.0, p.attachment_recovery * (1 - res.attachment))


def income(p: Params, res: Residents) -> np.ndarray:
    """Monthly income of each resident: wage in work, benefits out of it (GBP)."""
    return np.where(res.status == EMPLOYED, res.wage, p.benefit_per_month)


def update_wellbeing(p: Params, res: Residents, household_income_per_adult, environment,
                     crime_by_hood) -> None:
    """Life satisfaction (0-10) from work, income, health, crime and environment.

    [S~] Clark and Oswald 1994 (unemployment); Layard et al. (log income).
    """
    score = (6.0 + p.wellbeing_employed * (res.status == EMPLOYED)
             + p.wellbeing_unemployed * (res.status == UNEMPLOYED)
             + p.wellbeing_income * np.log(household_income_per_adult[res.household] / 1000.0)
             + p.wellbeing_health * (res.health - 0.5)
             - p.wellbeing_crime * 2 * crime_index(crime_by_hood)[res.hood]
             + p.wellbeing_environment * environment[res.hood])
    res.wellbeing[:] = np.clip(score, 0.0, 10.0)
