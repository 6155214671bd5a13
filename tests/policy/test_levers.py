"""Levers reach whom they target, and their effects have the direction the evidence says."""

import numpy as np
import pandas as pd

from sim.model import LocalEconomy
from sim.policy.levers import registry
from sim.policy.spec import Policy

LEVERS = registry.names()
PEOPLE_LEVERS = registry.group("people")


def _policy(targeting: float, mix=None) -> Policy:
    return Policy("lsp", mix or Policy().mix, dict.fromkeys(LEVERS, targeting))


def _short(params):
    return params.replace(burn_in_months=6, programme_months=36)


def test_full_targeting_reaches_only_deprived_neighbourhoods(town_params):
    m = LocalEconomy(_short(town_params), rng=3, policy=_policy(1.0)).run()
    cols = m.participants.columns()
    people = np.isin(cols["lever"], [LEVERS.index(lever) for lever in PEOPLE_LEVERS])
    assert people.sum() > 100 and cols["deprived"][people].all()
    assert (m.hoods.safety_stock[~m.hoods.deprived] == 0).all()
    assert (m.hoods.safety_stock[m.hoods.deprived] > 0).all()


def test_untargeted_places_follow_where_eligible_people_live(town_params):
    """Without targeting, deprived areas get more than their population share (more people
    there are out of work and in need) but far from all places."""
    m = LocalEconomy(_short(town_params), rng=3, policy=_policy(0.0)).run()
    share = m.participants.columns()["deprived"].mean()
    assert m.residents.deprived.mean() < share < 0.85


def test_community_safety_lowers_crime_against_the_same_seed_without_it(town_params):
    mix = dict.fromkeys(LEVERS, 0.0)
    mix["community_safety"] = 1.0
    policy = Policy("coalition", mix, dict.fromkeys(LEVERS, 1.0))
    with_ = pd.DataFrame(LocalEconomy(town_params, rng=2, policy=policy).run().records["monthly"])
    without = pd.DataFrame(LocalEconomy(town_params, rng=2).run().records["monthly"])
    assert with_["crime_deprived"].iloc[-1] < 0.9 * without["crime_deprived"].iloc[-1]


def test_training_locks_in_then_raises_skills(town_params):
    mix = dict.fromkeys(LEVERS, 0.0)
    mix["skills"] = 1.0
    m = LocalEconomy(_short(town_params), rng=5, policy=Policy("coalition", mix)).run()
    monthly = pd.DataFrame(m.records["monthly"])
    assert monthly["training_completions"].sum() > 50
    base = LocalEconomy(_short(town_params), rng=5).run()
    assert m.residents.skill.mean() > base.residents.skill.mean()
