"""Employment support: job search help and brokerage for the unemployed, outreach to the
inactive [S~] Card, Kluve and Weber 2018."""

from __future__ import annotations

import numpy as np

from sim.policy.levers.base import Lever
from sim.policy.levers.common import bought, choose, diminishing, enrol, free, may_enrol
from sim.population import INACTIVE, STUDENT, UNEMPLOYED

NAME = "employment_support"
MONTHS = 3  # [A] length of a support spell


def eligible(model) -> np.ndarray:
    """Unemployed residents and inactive non-students who are not on a programme and may
    start it again (common.may_enrol)."""
    res = model.residents
    return may_enrol(model, np.flatnonzero(free(res) & ((res.status == UNEMPLOYED) | (
        (res.status == INACTIVE) & (res.reason != STUDENT)))), NAME)


def deliver(model, money: float) -> float:
    """Places for the unemployed (by need: low attachment, long spells) and, with the
    outreach share, for the inactive (by low attachment)."""
    p, res = model.p, model.residents
    places = int(money // p.employment_support_cost)
    outreach = int(round(places * p.outreach_share))
    pool = eligible(model)
    unemployed = pool[res.status[pool] == UNEMPLOYED]
    inactive = pool[res.status[pool] == INACTIVE]
    need_u = 1 - res.attachment[unemployed] + res.spell[unemployed] / 24
    a = choose(model, unemployed, need_u, places - outreach, NAME)
    b = choose(model, inactive, 1 - res.attachment[inactive], outreach, NAME)
    people = np.concatenate([a, b])
    boost = p.employment_support_boost * diminishing(p, len(people), len(pool))
    enrol(model, people, NAME, MONTHS)
    res.search_boost[people] = 1 + boost
    res.activation_boost[b] = 1 + 2 * boost
    return bought(places, len(pool)) * p.employment_support_cost


LEVER = Lever(
    name=NAME, label="Employment support", cost_param="employment_support_cost",
    groups=frozenset({"people"}), default_share=0.15,  # [A] default mix
    remit=("employment_service", "voluntary_sector"), deliver=deliver, eligible=eligible,
    streams=((f"lever_{NAME}", "who fits and takes the support places"),),
    description="job search help, brokerage and outreach places")
