"""Housing and environment: spend per resident closes the gap to perfect environment
quality, with diminishing returns; gains decay without upkeep (sim.neighbourhood)."""

from __future__ import annotations

import numpy as np

from sim.policy.levers.base import Lever
from sim.policy.levers.common import every_neighbourhood, per_hood_money

NAME = "housing_environment"


def deliver(model, money: float) -> float:
    p, hoods = model.p, model.hoods
    per_resident = per_hood_money(model, money, NAME) / model.residents_by_hood
    hoods.environment += (1 - hoods.environment) * (1 - np.exp(-per_resident / p.environment_cost))
    return money


LEVER = Lever(
    name=NAME, label="Housing and environment", cost_param="environment_cost",
    groups=frozenset({"place"}), default_share=0.1,  # [A] default mix
    remit=("local_authority",), deliver=deliver, eligible=every_neighbourhood,
    unit="neighbourhoods", description="housing and environment works per resident")
