"""The labour market: separations, activation, search and matching.

Functions of arrays and uniform draws, so each rule can be tested on a few
numbers without a model. Probabilities are monthly.
"""

from __future__ import annotations

import numpy as np

from sim.params import Params
from sim.population import CARING, OTHER, SICK, STUDENT


def separation_hazards(p: Params, tenure: np.ndarray, health: np.ndarray):
    """Monthly hazards of leaving work for unemployment, long-term sickness and other inactivity.

    Early-tenure churn: many who enter work from benefits are out again within
    six months [S~] DWP; sickness exits rise as health falls below a threshold.
    """
    to_unemployed = p.separation_base * np.where(
        tenure < p.early_tenure_months, p.early_tenure_multiplier, 1.0)
    shortfall = np.clip((p.sick_health_threshold - health) / p.sick_health_threshold, 0.0, 1.0)
    to_sick = p.sickness_hazard * shortfall
    return to_unemployed, to_sick, np.full(len(tenure), p.exit_to_inactivity)


def split_by_hazards(u: np.ndarray, *hazards: np.ndarray) -> list[np.ndarray]:
    """Masks of competing events from one uniform draw each: u below the stacked hazards."""
    masks, low = [], np.zeros(len(u))
    for h in hazards:
        high = low + h
        masks.append((u >= low) & (u < high))
        low = high
    return masks


def activation_probability(p: Params, reason, health, attachment) -> np.ndarray:
    """Inactive residents re-entering search: by reason, health and attachment."""
    base = np.select(
        [reason == SICK, reason == CARING, reason == STUDENT, reason == OTHER],
        [p.activation_sick * np.clip((health - p.sick_health_threshold) /
                                     (1 - p.sick_health_threshold), 0.0, 1.0),
         np.full(len(reason), p.activation_caring), np.full(len(reason), p.activation_student),
         np.full(len(reason), p.activation_other)], 0.0)
    return base * (0.5 + 0.5 * attachment)


def discouragement_probability(p: Params, attachment: np.ndarray) -> np.ndarray:
    """Unemployed residents giving up search, more likely as attachment fades."""
    return p.discouragement_rate * (1.0 - attachment)


def search_effectiveness(p: Params, skill, health, attachment, spell) -> np.ndarray:
    """Relative chance of applying well: skills, health, attachment, duration scarring."""
    skill_term = np.clip(1.0 + p.skill_search_effect * (skill - 2), 0.1, None)
    scarring = np.exp(-p.duration_scarring * spell / 12.0)
    return skill_term * np.sqrt(health * attachment) * scarring / 0.8


def zone_cdf(vacancies_by_zone: np.ndarray, reach: np.ndarray, distance: np.ndarray,
             decay_km: float) -> np.ndarray:
    """Cumulative choice probabilities over zones for each (mode, home) row.

    A searcher looks where there are vacancies within reach, less far away.
    Rows with nothing in reach are all zeros: those searchers make no application.
    """
    attraction = vacancies_by_zone[None, None, :] * reach * np.exp(-distance / decay_km)[None]
    rows = attraction.reshape(-1, attraction.shape[-1])
    total = rows.sum(axis=1, keepdims=True)
    cdf = np.cumsum(rows, axis=1) / np.where(total > 0, total, 1.0)
    cdf[total[:, 0] == 0] = 0.0
    return cdf


def choose_zones(cdf: np.ndarray, row: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Zone chosen by each searcher (its cdf row, a uniform draw); -1 if none reachable."""
    n_zones = cdf.shape[1]
    zone = (cdf[row] <= u[:, None]).sum(axis=1)
    return np.where(cdf[row, -1] > 0, np.minimum(zone, n_zones - 1), -1)


def pick_winners(slot: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Applicants (indices) who win their slot: the best score among its applicants.

    Each slot is filled at most once; slot < 0 means the application failed.
    """
    valid = np.flatnonzero(slot >= 0)
    order = valid[np.lexsort((-score[valid], slot[valid]))]
    _, first = np.unique(slot[order], return_index=True)
    return order[first]


def acceptance_probability(p: Params, skill, required, brokered=0.0) -> np.ndarray:
    """Employers screen under-qualified applicants out with rising probability; a
    brokerage that vouches for local applicants (`brokered` = 1) softens the screen."""
    gap = np.clip(required - skill, 0, None)
    return np.exp(-p.skill_screen_penalty * (1 - p.brokerage_screening_cut * brokered) * gap)
