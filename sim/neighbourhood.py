"""Neighbourhood rules: crime, quality, rents, and the chances of residential moves."""

from __future__ import annotations

import numpy as np

from sim.params import Params
from sim.residents import crime_index
from sim.space import Neighbourhoods


def crime_at_start(p: Params, hoods: Neighbourhoods) -> np.ndarray:
    """Each neighbourhood's crime level at the start (crimes per 1,000 a year): the
    registry's two levels, or a district file's levels (sim.district.geometry)."""
    if hoods.crime_start is not None:
        return hoods.crime_start
    return np.where(hoods.deprived, p.crime_rate_deprived, p.crime_rate_rest)


def crime_target(p: Params, hoods: Neighbourhoods, workless_rate, reference) -> np.ndarray:
    """The crime level set by worklessness and environment (crimes per 1,000 a year)."""
    start = crime_at_start(p, hoods)
    ratio = np.maximum(workless_rate, 1e-3) / np.maximum(reference.workless, 1e-3)
    env = 1 + (reference.environment - hoods.environment)
    return start * ratio**p.crime_worklessness_elasticity * env


def safety_effect(p: Params, hoods: Neighbourhoods) -> np.ndarray:
    """Share cut in the crime level from community safety spend (saturating) [S~] NDC."""
    return p.safety_max_cut * (1 - np.exp(-hoods.safety_stock / p.safety_scale))


def update_crime(p: Params, hoods: Neighbourhoods, workless_rate, reference) -> None:
    """Crime drifts towards its target level."""
    target = crime_target(p, hoods, workless_rate, reference) * (1 - safety_effect(p, hoods))
    hoods.crime += p.crime_adjust_rate * (target - hoods.crime)
    hoods.safety_stock *= 1 - 1 / 24  # the effect of past safety spending fades over two years


def depreciate_environment(p: Params, hoods: Neighbourhoods, reference) -> None:
    """Gains in environment quality fade slowly without upkeep."""
    gain = hoods.environment - reference.environment
    hoods.environment -= np.maximum(gain, 0) * p.environment_decay / 12


def crime_change(p: Params, hoods: Neighbourhoods) -> np.ndarray:
    """Change in each neighbourhood's crime since the start, in units of the district's
    mean crime at the start (negative where crime fell)."""
    return (hoods.crime - crime_at_start(p, hoods)) / hoods.crime_reference


def rent_premium(p: Params, hoods: Neighbourhoods, reference) -> np.ndarray:
    """Share by which rents have risen since the start where the environment improved:
    better places are capitalised into land values and rents [S~] Rossi-Hansberg, Sarte
    and Owens 2010; a gain of 0.1 in environment quality raises rents by
    `rent_environment_elasticity` x 10%."""
    return p.rent_environment_elasticity * (hoods.environment - reference.environment)


def quality(hoods: Neighbourhoods) -> np.ndarray:
    """How attractive a neighbourhood is to in-movers (0-1): environment and safety."""
    return 0.5 * hoods.environment + 0.5 * (1 - crime_index(hoods))


def advantaged_inmover_share(q: np.ndarray, q_deprived0: float, q_rest0: float) -> np.ndarray:
    """Share of in-movers from the advantaged profile: 0 at the starting quality of
    deprived neighbourhoods, 1 at that of the others, so composition starts steady
    and changes only when neighbourhood quality does."""
    return np.clip((q - q_deprived0) / max(q_rest0 - q_deprived0, 1e-9), 0.0, 1.0)


def move_probabilities(p: Params, deprived_household, has_worker, excess_pressure
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Monthly chances that a household leaves the district and that it moves within it.

    Leaving: workers can afford to move more; households without a worker are priced out
    where housing pressure has risen above its reference (`excess_pressure`, per household).
    """
    out = np.where(deprived_household, p.move_out_rate_deprived, p.move_out_rate_rest)
    boost = (1 + p.mover_income_effect * has_worker) / (1 + p.mover_income_effect * 0.7)
    priced_out = np.exp(np.clip(p.priced_out_effect * excess_pressure, -5, 5) * ~has_worker)
    within = np.where(deprived_household, p.move_within_rate_deprived, p.move_within_rate_rest)
    p_out = np.minimum(out / 12 * boost * priced_out, 0.5)
    return p_out, np.minimum(within / 12, 1 - p_out)
