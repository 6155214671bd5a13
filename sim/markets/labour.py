"""The labour market: separations, activation, search and matching.

Functions of arrays and uniform draws, so each rule can be tested on a few
numbers without a model. Probabilities are monthly.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from sim.params import Params
from sim.population import CARING, OTHER, SICK, STUDENT


class Rates(NamedTuple):
    """The parameters of the monthly exits and entries, as plain numbers for compiled rules."""

    early_tenure_months: float
    early_tenure_hazard: float
    separation_base: float
    sick_health_threshold: float
    sickness_hazard: float
    exit_to_inactivity: float
    activation_sick: float
    activation_caring: float
    activation_student: float
    activation_other: float
    childcare_activation: float
    discouragement_rate: float
    caring_share: float
    student_share: float


def rates(p: Params) -> Rates:
    return Rates(*(float(getattr(p, name)) for name in Rates._fields))


@njit(cache=True)
def separation_hazards(r: Rates, months_in_work, health):
    """Monthly hazards of leaving work for unemployment, long-term sickness and other
    inactivity (health is float32, as residents keep it).

    Early-tenure churn: about 40% of those who enter work from benefits are back on them
    within six months [S] NAO 2007, so a job held fewer than `early_tenure_months` months
    (months in work: a job-to-job move does not restart them) ends at its own hazard;
    sickness exits rise as health falls below a threshold.
    """
    to_unemployed = (r.early_tenure_hazard if months_in_work < r.early_tenure_months
                     else r.separation_base)
    threshold = np.float32(r.sick_health_threshold)
    shortfall = min(max((threshold - health) / threshold, np.float32(0.0)), np.float32(1.0))
    return to_unemployed, np.float32(r.sickness_hazard) * shortfall, r.exit_to_inactivity


@njit(cache=True)
def competing_event(u, first, second, third) -> int:
    """Which of three competing events a uniform draw picks (1, 2, 3; 0: none): u below the
    stacked hazards."""
    high = first
    if u < high:
        return 1
    high += np.float64(second)
    if u < high:
        return 2
    return 3 if u < high + third else 0


@njit(cache=True)
def other_reason(r: Rates, u) -> int:
    """Why someone leaving work for other inactivity is inactive: caring, study or other, by
    LFS shares, from a uniform draw."""
    if u < r.caring_share:
        return CARING
    return STUDENT if u < r.caring_share + r.student_share else OTHER


@njit(cache=True)
def activation_probability(r: Rates, reason, health, attachment):
    """Inactive residents re-entering search: by reason, health and attachment."""
    if reason == SICK:
        recovered = (health - np.float32(r.sick_health_threshold)) / np.float32(
            1 - r.sick_health_threshold)
        base = np.float64(np.float32(r.activation_sick)
                          * min(max(recovered, np.float32(0.0)), np.float32(1.0)))
    elif reason == CARING:
        base = r.activation_caring
    elif reason == STUDENT:
        base = r.activation_student
    elif reason == OTHER:
        base = r.activation_other
    else:
        base = 0.0
    return base * (np.float32(0.5) + np.float32(0.5) * attachment)


@njit(cache=True)
def discouragement_probability(r: Rates, attachment):
    """Unemployed residents giving up search, more likely as attachment fades."""
    return np.float32(r.discouragement_rate) * (np.float32(1.0) - attachment)


def search_effectiveness(p: Params, health, attachment) -> np.ndarray:
    """Relative chance of applying well: health and labour-market attachment.

    Attachment is the model's one duration mechanism (it decays with time out of work,
    sim.residents.update_month); skill acts only through employers' screening
    (`acceptance_probability`) and pay (`skill_pay`), so neither is counted twice.
    """
    return np.sqrt(health * attachment) / 0.8


def score_noise(u: np.ndarray) -> np.ndarray:
    """The employer's idiosyncratic view of an applicant: a Gumbel draw (scale 0.3) from a
    uniform, so the best-scored applicant wins as in a logit choice."""
    return -np.log(-np.log(u)) * 0.3


def skill_pay(p: Params, skill, level) -> np.ndarray:
    """Pay relative to the posted wage of a worker of `skill` when the posted wage pays for
    `level`: the return to each qualification level above or below it [S~] returns to
    qualifications."""
    return np.exp(p.skill_wage_return * (np.asarray(skill, float) - level))


def takes_offer(p: Params, wage, current_wage, employed) -> np.ndarray:
    """An applicant takes an offer at or above their reservation wage: benefits times
    `reservation_wage_ratio` out of work; in work, their wage plus a switching gain."""
    reservation = np.where(employed, current_wage * (1 + p.job_switch_gain),
                           p.benefit_per_month * p.reservation_wage_ratio)
    return wage >= reservation


def wage_level(p: Params, index: float, unemployment_rate: float) -> float:
    """The TTWA's wage level after a month: it closes a twelfth of the gap to the wage curve
    w = (u / u_start)^(-elasticity) [S] Blanchflower and Oswald 1994 (elasticity about 0.1)."""
    target = (max(unemployment_rate, 1e-3) / p.ttwa_unemployment_rate) ** (
        -p.wage_curve_elasticity)
    return index + (target - index) / 12.0


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


@njit(cache=True)
def choose_zones(cdf: np.ndarray, row: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Zone chosen by each searcher (its cdf row, a uniform draw); -1 if none reachable:
    the number of cumulative probabilities at or below the draw, capped at the last zone."""
    n_zones = cdf.shape[1]
    zone = np.full(len(row), -1, np.int64)
    for i in range(len(row)):
        r = row[i]
        if cdf[r, n_zones - 1] > 0:
            below = 0
            for j in range(n_zones):
                below += cdf[r, j] <= u[i]
            zone[i] = min(below, n_zones - 1)
    return zone


@njit(cache=True)
def pick_winners(slot: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Applicants (indices) who win their slot: the best score among its applicants (ties:
    the earlier applicant), in slot order.

    Each slot is filled at most once; slot < 0 means the application failed.
    """
    best = np.full(slot.max() + 1 if len(slot) else 0, -1, np.int64)
    for i in range(len(slot)):
        s = slot[i]
        if s >= 0 and (best[s] < 0 or score[i] > score[best[s]]):
            best[s] = i
    return best[best >= 0]


def acceptance_probability(p: Params, skill, required, brokered=0.0) -> np.ndarray:
    """Employers screen under-qualified applicants out with rising probability; a
    brokerage that vouches for local applicants (`brokered` = 1) softens the screen."""
    gap = np.clip(required - skill, 0, None)
    return np.exp(-p.skill_screen_penalty * (1 - p.brokerage_screening_cut * brokered) * gap)
