"""Skills: training places; lock-in while on the course, a skill level on completion that
time out of work can take away again (skill depreciation)."""

from __future__ import annotations

import numpy as np

from sim.policy.levers.base import Lever
from sim.policy.levers.common import bought, choose, enrol, free, may_enrol
from sim.population import EMPLOYED, SICK, STUDENT

NAME = "skills"


def eligible(model) -> np.ndarray:
    """Out-of-work residents below the top skill level, not students, sick or enrolled."""
    res = model.residents
    return may_enrol(model, np.flatnonzero(free(res) & (res.status != EMPLOYED)
                                           & (res.reason != STUDENT) & (res.reason != SICK)
                                           & (res.skill < 4)), NAME)


def deliver(model, money: float) -> float:
    """Course places, lowest skills first; search effort falls while on the course."""
    p, res = model.p, model.residents
    pool = eligible(model)
    places = int(money // p.skills_cost)
    people = choose(model, pool, 4.0 - res.skill[pool], places, NAME)
    enrol(model, people, NAME, p.course_months)
    res.search_boost[people] = 1 - p.training_lock_in
    return bought(places, len(pool)) * p.skills_cost


def complete_training(model, finishing: np.ndarray) -> None:
    """Trainees finishing a course gain a skill level with the completion probability,
    higher when engaged employers shaped the training [S] What Works Centre."""
    p, res, firms = model.p, model.residents, model.firms
    engaged_share = float(firms.engaged[: firms.n][firms.alive[: firms.n]].mean())
    chance = min(p.training_completion + p.employer_involvement_gain * engaged_share, 1.0)
    passed = finishing[model.streams["training"].random(len(finishing)) < chance]
    res.trained_levels[passed] += res.skill[passed] < 4
    res.skill[passed] = np.minimum(res.skill[passed] + 1, 4)
    res.attachment[passed] += p.training_attachment_gain * (1 - res.attachment[passed])
    model.counters.training_completions += len(passed)


def forget_training(model) -> None:
    """Skill levels gained by training fade with time out of work: each month a resident out
    of work who holds one loses it with chance `trained_skill_loss` / 12 [S~] Edin and
    Gustavsson 2008. Work keeps skills in use, so employed residents keep theirs; levels
    people had before training are the calibrated skill mix and are left alone."""
    p, res = model.p, model.residents
    if not model.in_programme:
        return  # nobody is trained yet; burn-in draws stay the same under every regime
    # one draw per resident every programme month whether or not they hold a trained level,
    # so paired runs keep common random numbers slot by slot
    u = model.streams["skill_loss"].random(res.n)
    holders = np.flatnonzero((res.trained_levels > 0) & (res.status != EMPLOYED))
    lost = holders[u[holders] < p.trained_skill_loss / 12]
    res.trained_levels[lost] -= 1
    res.skill[lost] -= 1


def progress(model, finishing: np.ndarray) -> None:
    """Finishing trainees may gain a skill; the lock-in on their search ends; trained skills
    fade out of work."""
    complete_training(model, finishing)
    model.residents.search_boost[finishing] = 1.0
    forget_training(model)


LEVER = Lever(
    name=NAME, label="Skills", cost_param="skills_cost",
    groups=frozenset({"people", "growth"}), default_share=0.2,  # [A] default mix
    remit=("skills_provider",), deliver=deliver, eligible=eligible, progress=progress,
    state=(("trained_levels", "int8"),),  # skill levels gained by training and still held
    streams=((f"lever_{NAME}", "who fits and takes the training places"),
             ("training", "whether a finishing trainee completes and gains a skill level"),
             ("skill_loss", "whether a month out of work takes away a trained skill level")),
    description="training places (a mix of short and long courses)")
