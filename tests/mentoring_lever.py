"""A toy plug-in lever for tests: cheap mentoring that raises the attachment of a few
unemployed residents. It brings its own cost parameter, resident state and stream."""

from __future__ import annotations

import numpy as np

from sim.params import Param
from sim.policy.levers import Lever
from sim.policy.levers.common import bought, choose, count_down
from sim.population import UNEMPLOYED

NAME = "mentoring"
MONTHS = 3
COST = Param("mentoring_cost", 200.0, 50.0, 1000.0, "GBP/participant", "a few months of "
             "volunteer mentoring for an unemployed resident", "[A] toy lever for tests",
             "levers (plug-in)")


def eligible(model) -> np.ndarray:
    """Unemployed residents not being mentored already."""
    res = model.residents
    return np.flatnonzero((res.status == UNEMPLOYED) & (res.mentoring_left == 0))


def deliver(model, money: float) -> float:
    """Mentors for the least attached; each closes a tenth of the gap to full attachment."""
    res = model.residents
    pool = eligible(model)
    places = int(money // model.p.mentoring_cost)
    people = choose(model, pool, 1 - res.attachment[pool], places, NAME)
    res.attachment[people] += 0.1 * (1 - res.attachment[people])
    res.mentoring_left[people] = MONTHS
    model.log_participants(people, NAME, MONTHS)
    return bought(places, len(pool)) * model.p.mentoring_cost


def progress(model, finishing: np.ndarray) -> None:
    count_down(model.residents.mentoring_left)


MENTORING = Lever(
    name=NAME, label="Mentoring", cost_param=COST.name, groups=frozenset({"people"}),
    default_share=0.0, remit=("voluntary_sector",), deliver=deliver, eligible=eligible,
    progress=progress, state=(("mentoring_left", "int16"),),
    streams=((f"lever_{NAME}", "who gets a mentor"),), params=(COST,),
    description="volunteer mentoring")
