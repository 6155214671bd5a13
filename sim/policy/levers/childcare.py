"""Childcare: a year of childcare for carers, easing the caring constraint on returning to
work. The funded months raise activation in sim.dynamics.labour."""

from __future__ import annotations

import numpy as np

from sim.policy.levers.base import Lever
from sim.policy.levers.common import bought, choose, count_down, may_enrol
from sim.population import CARING, INACTIVE

NAME = "childcare"
MONTHS = 12  # a year of childcare per place


def eligible(model) -> np.ndarray:
    """Carers (inactive for caring) without funded childcare."""
    res = model.residents
    return may_enrol(model, np.flatnonzero((res.childcare_left == 0) & (res.status == INACTIVE)
                                           & (res.reason == CARING)), NAME)


def deliver(model, money: float) -> float:
    """Places for carers, leaning towards the most attached (the closest to returning)."""
    p, res = model.p, model.residents
    carers = eligible(model)
    places = int(money // p.childcare_cost)
    people = choose(model, carers, res.attachment[carers], places, NAME)
    res.childcare_left[people] = MONTHS
    model.log_participants(people, NAME, MONTHS)
    return bought(places, len(carers)) * p.childcare_cost


def progress(model, finishing: np.ndarray) -> None:
    """Funded childcare runs down by a month."""
    count_down(model.residents.childcare_left)


LEVER = Lever(
    name=NAME, label="Childcare", cost_param="childcare_cost",
    groups=frozenset({"people", "social"}), default_share=0.05,  # [A] default mix
    remit=("local_authority", "voluntary_sector"), deliver=deliver, eligible=eligible,
    progress=progress, state=(("childcare_left", "int16"),),  # months of funded childcare left
    streams=((f"lever_{NAME}", "which carers receive the childcare places"),),
    description="a year's childcare place for a carer")
