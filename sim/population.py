"""Columnar state of residents and households.

One slot per working-age resident, one row per household (dwelling); the
Mesa `Household` agents are thin views onto these rows. Members of a household
occupy contiguous resident slots. When a household leaves the district its
dwelling is taken by an in-moving household with the same number of
working-age members, so the number of slots is fixed; the newcomers get new
ids, which is how people-based outcomes tell stayers from newcomers. A household
that moves within the district takes a dwelling of its size vacated this month,
and every per-person column travels with its members (`Residents.person_columns`);
only the dwelling columns (`DWELLING_COLUMNS`) stay with the slot.
"""

from __future__ import annotations

import functools

import numpy as np

from sim.params import Params
from sim.space import Neighbourhoods

EMPLOYED, UNEMPLOYED, INACTIVE = 0, 1, 2
NO_REASON, SICK, CARING, STUDENT, OTHER = 0, 1, 2, 3, 4
NO_EMPLOYER, TTWA_EMPLOYER = -1, -2

# Skill shares by level (none, L1, L2, L3, L4+) beyond the no-qualification share:
# [A] shaped on APS 2010 qualification profiles, deprived areas skewed to the low end.
_SKILL_SHAPE = {False: np.array([0.15, 0.22, 0.21, 0.42]), True: np.array([0.24, 0.27, 0.19, 0.30])}
# Initial status propensities: [S] targets (employment 0.55 deprived, 0.73 rest).
_START_EMPLOYMENT = {False: 0.73, True: 0.55}
_START_UNEMPLOYMENT = {False: 0.06, True: 0.14}
# Employment score weights (A15): per skill level and per unit of latent health.
_SKILL_WEIGHT, _HEALTH_WEIGHT = 0.45, 3.0
# Columns of `Residents` that belong to the dwelling slot, not to the person living there.
DWELLING_COLUMNS = frozenset({"household", "hood", "deprived"})


class Residents:
    """Arrays with one slot per working-age resident.

    Args:
        n: number of slots.
        lever_state: per-resident arrays the levers own, (attribute, dtype), e.g.
            ("voucher_left", "int16"); see `Lever.state` (sim.policy.levers). They start at
            zero and are reset for in-movers.
    """

    def __init__(self, n: int, lever_state: tuple[tuple[str, str], ...] = ()):
        self.n = n
        self.household = np.zeros(n, np.int32)
        self.hood = np.zeros(n, np.int32)
        self.deprived = np.zeros(n, bool)
        self.uid = np.arange(n, dtype=np.int64)
        self.status = np.zeros(n, np.int8)
        self.reason = np.zeros(n, np.int8)
        self.spell = np.zeros(n, np.int32)  # months in current labour status
        self.employer = np.full(n, NO_EMPLOYER, np.int32)
        self.work_zone = np.full(n, -1, np.int32)
        self.wage = np.zeros(n, np.float64)
        self.skill = np.zeros(n, np.int8)
        self.health_base = np.zeros(n, np.float32)
        self.health = np.zeros(n, np.float32)
        self.attachment = np.ones(n, np.float32)
        self.wellbeing = np.zeros(n, np.float32)
        # Programme state: the lever a resident is on (-1 none), months left, and the
        # multipliers programmes put on search and on re-entering search.
        self.programme = np.full(n, -1, np.int8)
        self.programme_left = np.zeros(n, np.int16)
        self.search_boost = np.ones(n, np.float32)
        self.activation_boost = np.ones(n, np.float32)
        # Residential history: month of arrival in the district (0: there at the start) and
        # month of the last move within it (-1: never moved within the district).
        self.arrived = np.zeros(n, np.int32)
        self.moved_within = np.full(n, -1, np.int32)
        self.lever_state = tuple(name for name, _ in lever_state)
        for name, dtype in lever_state:
            setattr(self, name, np.zeros(n, dtype))

    def clear_programmes(self, idx: np.ndarray) -> None:
        """Reset programme state of slots whose residents left (in-movers start clean)."""
        self.programme[idx], self.programme_left[idx] = -1, 0
        self.search_boost[idx], self.activation_boost[idx] = 1.0, 1.0
        for name in self.lever_state:
            getattr(self, name)[idx] = 0

    def person_columns(self) -> list[str]:
        """Every per-resident array that belongs to the person (all but the dwelling columns),
        found generically so a new column cannot be forgotten when people move."""
        return [name for name, value in vars(self).items()
                if isinstance(value, np.ndarray) and value.shape[:1] == (self.n,)
                and name not in DWELLING_COLUMNS]

    @property
    def employed(self) -> np.ndarray:
        return self.status == EMPLOYED

    def leave_job(self, idx: np.ndarray, new_status: int, reason: np.ndarray | int = NO_REASON):
        """Move residents `idx` out of work into `new_status`."""
        self.status[idx] = new_status
        self.reason[idx] = reason
        self.spell[idx] = 0
        self.employer[idx] = NO_EMPLOYER
        self.work_zone[idx] = -1
        self.wage[idx] = 0.0

    def start_job(self, idx, employer, zone, wage):
        self.status[idx] = EMPLOYED
        self.reason[idx] = NO_REASON
        self.spell[idx] = 0
        self.employer[idx] = employer
        self.work_zone[idx] = zone
        self.wage[idx] = wage


class Households:
    """Arrays with one row per household; members are residents[first:first+size]."""

    def __init__(self, hood: np.ndarray, size: np.ndarray, car: np.ndarray):
        self.n = len(hood)
        self.hood = hood.astype(np.int32)
        self.size = size.astype(np.int8)
        self.car = car.astype(bool)
        self.first = np.concatenate([[0], np.cumsum(size)[:-1]]).astype(np.int64)
        self.uid = np.arange(self.n, dtype=np.int64)

    def members(self, row: int) -> np.ndarray:
        return np.arange(self.first[row], self.first[row] + self.size[row])


def household_sizes(p: Params, n: int, rng: np.random.Generator) -> np.ndarray:
    """Working-age members per household (1-3) with the mean the census implies."""
    mean = float(np.clip(p.working_age_share * p.persons_per_household, 1.0, 2.5))
    p3 = min(0.08, (mean - 1.0) / 4)
    p2 = mean - 1.0 - 2 * p3
    return rng.choice(np.array([1, 2, 3], np.int8), size=n, p=[1 - p2 - p3, p2, p3])


def build_households(p: Params, hoods: Neighbourhoods, rng) -> Households:
    per_hood = (int(round(p.residents_per_neighbourhood / p.persons_per_household))
                if hoods.households is None else hoods.households)  # a district file's counts
    hood = np.repeat(np.arange(hoods.n, dtype=np.int32), per_hood)
    size = household_sizes(p, len(hood), rng)
    no_car = np.where(hoods.deprived[hood], p.no_car_share_deprived, p.no_car_share_rest)
    return Households(hood, size, rng.random(len(hood)) >= no_car)


def draw_people(p: Params, deprived_profile: np.ndarray, rng: np.random.Generator,
                market: tuple[float, float] | None = None, shift=0.0,
                health_profile: np.ndarray | None = None) -> dict:
    """Characteristics of new residents drawn from the deprived or the other profile.

    Used for the initial population and for in-movers. Status depends on skill and
    health through a logistic score.

    Args:
        market: None for the initial population: the top `e0` share of the scores of each
            profile group is employed (the start targets, close to the model's steady
            state). For in-movers, (employment rate, unemployment rate) of the
            travel-to-work area they come from: each person is employed with probability
            sigmoid(a + score), `a` set so that the TTWA's own population (section 8.2) has
            that employment rate; people of the deprived profile, with lower skills and
            health, have lower chances through the score.
        shift: added to in-movers' employment log-odds (housing pressure, per person).
        health_profile: whose health profile each person has, when it differs from
            `deprived_profile` (a district file's Health domain; default: the same).
    """
    n = len(deprived_profile)
    d = deprived_profile
    skill = skill_from_uniform(p, rng.random(n), d)

    mean_h = np.where(d if health_profile is None else health_profile,
                      p.health_mean_deprived, p.health_mean_rest)
    health_base = rng.beta(8 * mean_h, 8 * (1 - mean_h))

    if market is None:
        # Employment propensity: rises with skill and health, centred on the group rate.
        score = (_SKILL_WEIGHT * (skill - 2) + _HEALTH_WEIGHT * (health_base - mean_h)
                 + rng.logistic(size=n))
        p_emp = np.where(d, _START_EMPLOYMENT[True], _START_EMPLOYMENT[False])
        u0 = np.where(d, _START_UNEMPLOYMENT[True], _START_UNEMPLOYMENT[False])
        rank = _within_group_rank(score, d)
        status = np.where(rank >= 1 - p_emp, EMPLOYED, INACTIVE).astype(np.int8)
    else:
        e, u0 = market
        p_emp = e
        score = (_SKILL_WEIGHT * (skill - 2) + _HEALTH_WEIGHT * (health_base - ttwa_health(p))
                 + rng.logistic(size=n))
        status = np.where(score + ttwa_intercept(p, e) + shift > 0, EMPLOYED,
                          INACTIVE).astype(np.int8)
    p_unemp_of_rest = u0 * p_emp / ((1 - u0) * (1 - p_emp))
    out = status != EMPLOYED
    status[out & (rng.random(n) < p_unemp_of_rest)] = UNEMPLOYED

    reason = inactivity_reason(p, health_base, rng.random(n))
    reason[status != INACTIVE] = NO_REASON
    spell = rng.geometric(np.where(status == EMPLOYED, 1 / 80, np.where(
        status == UNEMPLOYED, 1 / 12, 1 / 48))).astype(np.int32)
    attachment = np.where(status == EMPLOYED, 1.0, (1 - p.attachment_decay) ** spell)
    return dict(skill=skill, health_base=health_base, health=health_base.copy(), status=status,
                reason=reason, spell=spell, attachment=attachment)


def skill_from_uniform(p: Params, u: np.ndarray, deprived_profile: np.ndarray) -> np.ndarray:
    """Skill levels (0 none .. 4 L4+) from uniforms, by the deprived or the other profile."""
    d = deprived_profile
    no_qual = np.where(d, p.no_qual_share_rest * p.no_qual_ratio_deprived, p.no_qual_share_rest)
    shape = np.where(d[:, None], _SKILL_SHAPE[True], _SKILL_SHAPE[False])
    cum = np.cumsum(shape * (1 - no_qual)[:, None], axis=1) + no_qual[:, None]
    return (u[:, None] >= np.column_stack([no_qual, cum[:, :-1]])).sum(axis=1).astype(np.int8)


def ttwa_health(p: Params) -> float:
    """Mean latent health of the TTWA population: the profiles mixed as in the district."""
    return p.deprived_share * p.health_mean_deprived + (1 - p.deprived_share) * p.health_mean_rest


def ttwa_intercept(p: Params, rate: float) -> float:
    """The log-odds intercept `a` at which the TTWA population (the two profiles mixed by
    `deprived_share`) has employment rate `rate`: exact over skill levels, health over a
    fixed sample of its Beta distribution, the logistic noise integrated exactly."""
    curve = _ttwa_curve(p.deprived_share, p.no_qual_share_rest, p.no_qual_ratio_deprived,
                        p.health_mean_deprived, p.health_mean_rest, ttwa_health(p))
    low, high = -10.0, 10.0
    for _ in range(50):
        mid = 0.5 * (low + high)
        if curve.rate_at(mid) < rate:
            low = mid
        else:
            high = mid
    return 0.5 * (low + high)


class _EmploymentCurve:
    """The TTWA population's employment rate as a function of the intercept, remembered
    at every intercept asked for: the TTWA rate moves slowly, so month after month the
    bisection in `ttwa_intercept` visits the same first midpoints, and a remembered value
    is the very number a fresh evaluation would give (same operations, same order)."""

    MAX_KNOWN = 100_000  # a bound on memory in long batches (about 10 MB)

    def __init__(self, x: np.ndarray, weight: np.ndarray):
        self.minus_x, self.weight = -x, weight  # -(a + x) is exactly (-x) - a
        self.known: dict[float, float] = {}

    def rate_at(self, a: float) -> float:
        known = self.known.get(a)
        if known is None:
            if len(self.known) >= self.MAX_KNOWN:
                self.known.clear()
            b = np.subtract(self.minus_x, a)  # a fresh array: safe when runs share threads
            np.exp(b, out=b)
            np.add(b, 1.0, out=b)
            np.divide(self.weight, b, out=b)
            known = self.known[a] = float(b.sum())
        return known


@functools.lru_cache(maxsize=8)  # a few parameter sets at a time (a study varies them)
def _ttwa_curve(*key) -> _EmploymentCurve:
    return _EmploymentCurve(*_ttwa_scores(*key))


@functools.cache
def _ttwa_scores(deprived_share, no_qual_rest, no_qual_ratio, health_deprived, health_rest,
                 h_ref):
    """Employment scores (without the intercept and the noise) of the TTWA population on a
    grid: five skill levels times 64 health values per profile, with their weights. The
    health values are a sorted sample from a fixed seed, not from the run's streams."""
    sample = np.random.default_rng(20261201)
    xs, weights = [], []
    for deprived, share, mean in ((True, deprived_share, health_deprived),
                                  (False, 1 - deprived_share, health_rest)):
        health = np.sort(sample.beta(8 * mean, 8 * (1 - mean), 64))
        q0 = no_qual_rest * (no_qual_ratio if deprived else 1.0)
        skills = np.concatenate([[q0], (1 - q0) * _SKILL_SHAPE[deprived]])
        xs.append(_SKILL_WEIGHT * (np.arange(5)[:, None] - 2)
                  + _HEALTH_WEIGHT * (health[None, :] - h_ref))
        weights.append(np.broadcast_to(share * skills[:, None] / 64, (5, 64)))
    return np.concatenate([x.ravel() for x in xs]), np.concatenate([w.ravel() for w in weights])


def _within_group_rank(score: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Rank of each score within its group, scaled to [0, 1)."""
    rank = np.empty(len(score))
    for g in (False, True):
        idx = np.flatnonzero(group == g)
        rank[idx[np.argsort(score[idx], kind="stable")]] = np.arange(len(idx)) / max(len(idx), 1)
    return rank


def inactivity_reason(p: Params, health: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Why someone is inactive: long-term sick when health is poor, else by LFS shares."""
    sick_prob = np.clip((p.sick_health_threshold + 0.1 - health) / 0.3, 0.0, 1.0)
    other_u = (u - sick_prob) / np.maximum(1 - sick_prob, 1e-12)
    reason = np.full(len(u), OTHER, np.int8)
    reason[other_u < p.caring_share + p.student_share] = STUDENT
    reason[other_u < p.caring_share] = CARING
    reason[u < sick_prob] = SICK
    return reason


def build_residents(p: Params, hoods: Neighbourhoods, households: Households, rng,
                    lever_state: tuple[tuple[str, str], ...] = ()) -> Residents:
    n = int(households.size.sum())
    res = Residents(n, lever_state)
    res.household[:] = np.repeat(np.arange(households.n, dtype=np.int32), households.size)
    res.hood[:] = households.hood[res.household]
    res.deprived = hoods.deprived[res.hood]  # slots never change neighbourhood
    profile, health = resident_profiles(hoods, res.hood, rng)
    for key, value in draw_people(p, profile, rng, health_profile=health).items():
        getattr(res, key)[:] = value
    return res


def resident_profiles(hoods: Neighbourhoods, hood: np.ndarray, rng):
    """Who is drawn from the deprived skills and health profiles: everyone in a deprived
    neighbourhood (presets), or, from a district file, each resident with the chance its
    neighbourhood's Education (Health) domain position gives (sim.district.build)."""
    if hoods.skills_profile is None:
        return hoods.deprived[hood], None
    u = rng.random((2, len(hood)))
    return u[0] < hoods.skills_profile[hood], u[1] < hoods.health_profile[hood]
