"""Health: condition management; a lasting health gain, and the long-term sick may return
to search [S] Pathways to Work evaluations."""

from __future__ import annotations

import numpy as np

from sim.policy.levers.base import Lever
from sim.policy.levers.common import bought, choose, diminishing, enrol, free
from sim.population import EMPLOYED, SICK

NAME = "health"
MONTHS = 6  # [A] length of a condition management programme


def eligible(model) -> np.ndarray:
    """Out-of-work residents who are long-term sick or in poor health, not enrolled."""
    p, res = model.p, model.residents
    return np.flatnonzero(free(res) & (res.status != EMPLOYED) & (
        (res.reason == SICK) | (res.health < p.sick_health_threshold + 0.1)))


def deliver(model, money: float) -> float:
    """Places, most recent out of work first (condition management helped new incapacity
    claimants, hardly existing ones [S] Adam, Bozio and Emmerson 2008): latent health rises,
    and so does re-entry to search."""
    p, res = model.p, model.residents
    pool = eligible(model)
    places = int(money // p.health_cost)
    people = choose(model, pool, -res.spell[pool].astype(float), places, NAME)
    gain = p.health_gain * diminishing(p, len(people), len(pool))
    res.health_base[people] = np.minimum(res.health_base[people] + gain, 1.0)
    res.health[people] = np.minimum(res.health[people] + gain / 2, 1.0)
    enrol(model, people, NAME, MONTHS)
    res.activation_boost[people] = 2.0
    return bought(places, len(pool)) * p.health_cost


LEVER = Lever(
    name=NAME, label="Health", cost_param="health_cost",
    groups=frozenset({"people", "social"}), default_share=0.1,  # [A] default mix
    remit=("health_body",), deliver=deliver, eligible=eligible,
    streams=((f"lever_{NAME}", "who fits and takes the condition management places"),),
    description="condition management places")
