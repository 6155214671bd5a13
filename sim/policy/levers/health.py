"""Health: condition management; a health gain that fades with a half-life, and the
long-term sick may return to search while on the programme [S] Pathways to Work
evaluations."""

from __future__ import annotations

import numpy as np

from sim.policy.levers.base import Lever
from sim.policy.levers.common import bought, choose, diminishing, enrol, free, may_enrol
from sim.population import EMPLOYED, SICK

NAME = "health"
MONTHS = 6  # [A] length of a condition management programme


def eligible(model) -> np.ndarray:
    """Out-of-work residents who are long-term sick or in poor health, not enrolled."""
    p, res = model.p, model.residents
    return may_enrol(model, np.flatnonzero(free(res) & (res.status != EMPLOYED) & (
        (res.reason == SICK) | (res.health < p.sick_health_threshold + 0.1))), NAME)


def deliver(model, money: float) -> float:
    """Places, most recent out of work first (condition management helped new incapacity
    claimants, hardly existing ones [S] Adam, Bozio and Emmerson 2008): latent health rises,
    and so does re-entry to search."""
    p, res = model.p, model.residents
    pool = eligible(model)
    places = int(money // p.health_cost)
    people = choose(model, pool, -res.spell[pool].astype(float), places, NAME)
    gain = p.health_gain * diminishing(p, len(people), len(pool))
    raised = np.minimum(res.health_base[people] + gain, 1.0)
    res.health_gain_held[people] += raised - res.health_base[people]
    res.health_base[people] = raised
    res.health[people] = np.minimum(res.health[people] + gain / 2, 1.0)
    enrol(model, people, NAME, MONTHS)
    res.activation_boost[people] = 2.0
    return bought(places, len(pool)) * p.health_cost


def progress(model, finishing: np.ndarray) -> None:
    """Health gains from condition management fade: each month a share
    1 - 2^(-1/health_gain_half_life) of the gain still held leaves latent health."""
    res = model.residents
    held = np.flatnonzero(res.health_gain_held > 0)
    lost = res.health_gain_held[held] * np.float32(1 - 0.5 ** (1 / model.p.health_gain_half_life))
    res.health_gain_held[held] -= lost
    res.health_base[held] -= lost


LEVER = Lever(
    name=NAME, label="Health", cost_param="health_cost",
    groups=frozenset({"people", "social"}), default_share=0.1,  # [A] default mix
    remit=("health_body",), deliver=deliver, eligible=eligible, progress=progress,
    state=(("health_gain_held", "float32"),),  # latent health gained and not yet faded
    streams=((f"lever_{NAME}", "who fits and takes the condition management places"),),
    description="condition management places")
