"""Rules shared by the levers: referral, targeting, diminishing returns, enrolment,
limits on repeat enrolment and the fading of job-search help.

People levers buy places. Joint referrals (partner engagement) decide the share of
places that reach someone the programme fits (the referral precision); the rest
are taken by people it does not fit and do nothing. Fitting participants are
chosen among the eligible: `targeting` of them from deprived neighbourhoods, the
rest from the whole district, leaning towards those in most need. Effects per
participant fall as coverage of the eligible group rises (diminishing returns).
A resident may start the same lever again only after a minimum gap and up to a maximum
number of starts (`may_enrol`, applied in each people lever's `eligible`; the state is
derived by the registry for every lever that reaches residents, `repeat_state`).
Place levers spend per resident; their effects saturate exponentially.
"""

from __future__ import annotations

import numpy as np


def diminishing(p, participants: int, eligible: int) -> float:
    """Effect multiplier: 1 at low coverage, 1/2 when coverage reaches the half-point."""
    return 1.0 / (1.0 + participants / max(eligible, 1) / p.diminishing_returns_coverage)


def repeat_state(lever: str) -> tuple[tuple[str, str], ...]:
    """Per-resident state of the repeat rule for `lever`: month of the last start plus one
    (0: never started) and the number of starts."""
    return ((f"{lever}_last_start", "int16"), (f"{lever}_starts", "int8"))


def may_enrol(model, rows: np.ndarray, lever: str) -> np.ndarray:
    """Of residents `rows`, those who may start `lever` now: never on it, or fewer than
    `max_enrolments` starts and the last at least `reenrolment_gap_months` ago (one Work
    Programme referral gave up to two years of support [S~] DWP Work Programme guidance)."""
    p, res = model.p, model.residents
    last, starts = (getattr(res, name)[rows] for name, _ in repeat_state(lever))
    since = model.month + 1 - last.astype(np.int64)
    return rows[(starts == 0) | ((starts < p.max_enrolments)
                                 & (since >= p.reenrolment_gap_months))]


def mark_started(model, people: np.ndarray, lever: str) -> None:
    """Record that `people` start `lever` this month (for `may_enrol`)."""
    res = model.residents
    (last, _), (starts, _) = repeat_state(lever)
    getattr(res, last)[people] = model.month + 1
    getattr(res, starts)[people] += 1


def choose(model, eligible: np.ndarray, need: np.ndarray, places: int, lever: str) -> np.ndarray:
    """The residents (indices into `eligible`'s values) whom `places` places reach and fit;
    they are recorded as starting the lever (`mark_started`)."""
    if places <= 0 or len(eligible) == 0:
        return eligible[:0]
    rng = model.streams[f"lever_{lever}"]
    places = int(round(places * model.referral_precision))
    deprived = model.hoods.deprived[model.residents.hood[eligible]]
    rank = np.argsort(np.argsort(need, kind="stable"), kind="stable") / max(len(need), 1)
    key = 0.5 * rank + 0.5 * rng.random(len(need))  # [A] lean towards need, not strictly
    n_deprived = min(int(round(places * model.policy.targeting[lever])), int(deprived.sum()))
    first = np.flatnonzero(deprived)[np.argsort(-key[deprived], kind="stable")[:n_deprived]]
    rest_mask = np.ones(len(eligible), bool)
    rest_mask[first] = False
    rest = np.flatnonzero(rest_mask)
    second = rest[np.argsort(-key[rest], kind="stable")[: places - len(first)]]
    people = eligible[np.concatenate([first, second])]
    mark_started(model, people, lever)
    return people


def bought(places: int, eligible: int) -> int:
    """Places bought this month: no more than there are eligible people to fill them."""
    return min(places, eligible)


def free(res) -> np.ndarray:
    """Residents not enrolled on any programme."""
    return res.programme < 0


def enrol(model, people: np.ndarray, lever: str, months: int) -> None:
    """Put `people` on `lever`'s programme for `months` and log them as participants."""
    res = model.residents
    res.programme[people] = model.lever_index[lever]
    res.programme_left[people] = months
    model.log_participants(people, lever, months)


def run_down(res) -> np.ndarray:
    """A month of every enrolment passes; returns the residents whose programme ends now."""
    on = res.programme >= 0
    res.programme_left -= on
    return np.flatnonzero(on & (res.programme_left <= 0))


def release(p, res, finishing: np.ndarray) -> None:
    """Finishers leave their programme (the push back to search ends with it); job-search
    help of everyone off a programme fades by `search_help_fade` a month."""
    res.programme[finishing], res.activation_boost[finishing] = -1, 1.0
    off = res.programme < 0
    res.search_boost[off] = 1 + (res.search_boost[off] - 1) * (1 - p.search_help_fade)


def count_down(months_left: np.ndarray) -> None:
    """One month off every running entitlement (vouchers, childcare)."""
    np.subtract(months_left, 1, out=months_left, where=months_left > 0)


def per_hood_money(model, money: float, lever: str) -> np.ndarray:
    """Money by neighbourhood: `targeting` to deprived ones, the rest to all, per resident."""
    hoods = model.hoods
    residents = model.residents_by_hood
    share = model.policy.targeting[lever]
    deprived = residents * hoods.deprived
    split = share * deprived / max(deprived.sum(), 1) + (1 - share) * residents / residents.sum()
    return money * split


def every_neighbourhood(model) -> np.ndarray:
    """Eligibility of a place lever: it spends across all neighbourhoods (by targeting)."""
    return np.arange(model.hoods.n)
