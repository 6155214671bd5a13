"""The nine levers: money buys places and works, which reach residents, firms and places.

People levers buy places. Joint referrals (partner engagement) decide the share of
places that reach someone the programme fits (the referral precision); the rest
are taken by people it does not fit and do nothing. Fitting participants are
chosen among the eligible: `targeting` of them from deprived neighbourhoods, the
rest from the whole district, leaning towards those in most need. Effects per
participant fall as coverage of the eligible group rises (diminishing returns).
Place levers spend per resident; their effects saturate exponentially.
"""

from __future__ import annotations

import numpy as np

from sim.policy.spec import LEVERS
from sim.population import CARING, EMPLOYED, INACTIVE, SICK, STUDENT, UNEMPLOYED
from sim.space import update_reach

LEVER_ID = {name: i for i, name in enumerate(LEVERS)}


def diminishing(p, participants: int, eligible: int) -> float:
    """Effect multiplier: 1 at low coverage, 1/2 when coverage reaches the half-point."""
    return 1.0 / (1.0 + participants / max(eligible, 1) / p.diminishing_returns_coverage)


def choose(model, eligible: np.ndarray, need: np.ndarray, places: int, lever: str) -> np.ndarray:
    """The residents (indices into `eligible`'s values) whom `places` places reach and fit."""
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
    return eligible[np.concatenate([first, second])]


def bought(places: int, eligible: int) -> int:
    """Places bought this month: no more than there are eligible people to fill them."""
    return min(places, eligible)


def _free(res) -> np.ndarray:
    return res.programme < 0


def employment_support(model, money: float) -> float:
    """Job search help and brokerage for the unemployed, outreach to the inactive [S~] CKW."""
    p, res = model.p, model.residents
    places = int(money // p.employment_support_cost)
    outreach = int(round(places * p.outreach_share))
    unemployed = np.flatnonzero(_free(res) & (res.status == UNEMPLOYED))
    inactive = np.flatnonzero(_free(res) & (res.status == INACTIVE) & (res.reason != STUDENT))
    need_u = 1 - res.attachment[unemployed] + res.spell[unemployed] / 24
    a = choose(model, unemployed, need_u, places - outreach, "employment_support")
    b = choose(model, inactive, 1 - res.attachment[inactive], outreach, "employment_support")
    people = np.concatenate([a, b])
    pool = len(unemployed) + len(inactive)
    boost = p.employment_support_boost * diminishing(p, len(people), pool)
    enrol(model, people, "employment_support", 3)
    res.search_boost[people] = 1 + boost
    res.activation_boost[b] = 1 + 2 * boost
    return bought(places, len(unemployed) + len(inactive)) * p.employment_support_cost


def skills(model, money: float) -> float:
    """Training places: lock-in while on the course, a skill level on completion."""
    p, res = model.p, model.residents
    eligible = np.flatnonzero(_free(res) & (res.status != EMPLOYED) & (res.reason != STUDENT)
                              & (res.reason != SICK) & (res.skill < 4))
    places = int(money // p.skills_cost)
    people = choose(model, eligible, 4.0 - res.skill[eligible], places, "skills")
    enrol(model, people, "skills", p.course_months)
    res.search_boost[people] = 1 - p.training_lock_in
    return bought(places, len(eligible)) * p.skills_cost


def complete_training(model, finishing: np.ndarray) -> None:
    """Trainees finishing a course gain a skill level with the completion probability,
    higher when engaged employers shaped the training [S] What Works Centre."""
    p, res, firms = model.p, model.residents, model.firms
    engaged_share = float(firms.engaged[: firms.n][firms.alive[: firms.n]].mean())
    chance = min(p.training_completion + p.employer_involvement_gain * engaged_share, 1.0)
    passed = finishing[model.streams["training"].random(len(finishing)) < chance]
    res.skill[passed] = np.minimum(res.skill[passed] + 1, 4)
    res.attachment[passed] += p.training_attachment_gain * (1 - res.attachment[passed])
    model.month_flags["training_completions"] += len(passed)


def wage_subsidy(model, money: float) -> float:
    """Vouchers for the long-term unemployed; paid only when an employer hires them."""
    p, res = model.p, model.residents
    paid = model.month_flags["subsidised_hires_last_month"] * p.wage_subsidy_cost
    holders = int(np.count_nonzero(res.voucher_left > 0))
    spare = int((money - paid) // p.wage_subsidy_cost) - holders
    eligible = np.flatnonzero((res.status == UNEMPLOYED) & (res.spell >= 12)
                              & (res.voucher_left == 0))
    people = choose(model, eligible, res.spell[eligible].astype(float), spare, "wage_subsidy")
    res.voucher_left[people] = 6
    model.log_participants(people, "wage_subsidy", 6)
    return paid


def health(model, money: float) -> float:
    """Condition management: lasting health gain; the long-term sick may return to search."""
    p, res = model.p, model.residents
    eligible = np.flatnonzero(_free(res) & (res.status != EMPLOYED) & (
        (res.reason == SICK) | (res.health < p.sick_health_threshold + 0.1)))
    places = int(money // p.health_cost)
    people = choose(model, eligible, 1 - res.health[eligible], places, "health")
    gain = p.health_gain * diminishing(p, len(people), len(eligible))
    res.health_base[people] = np.minimum(res.health_base[people] + gain, 1.0)
    res.health[people] = np.minimum(res.health[people] + gain / 2, 1.0)
    enrol(model, people, "health", 6)
    res.activation_boost[people] = 2.0
    return bought(places, len(eligible)) * p.health_cost


def childcare(model, money: float) -> float:
    """A year of childcare for carers, easing the caring constraint on returning to work."""
    p, res = model.p, model.residents
    carers = np.flatnonzero((res.childcare_left == 0) & (res.status == INACTIVE)
                            & (res.reason == CARING))
    places = int(money // p.childcare_cost)
    people = choose(model, carers, res.attachment[carers], places, "childcare")
    res.childcare_left[people] = 12
    model.log_participants(people, "childcare", 12)
    return bought(places, len(carers)) * p.childcare_cost


def enrol(model, people: np.ndarray, lever: str, months: int) -> None:
    res = model.residents
    res.programme[people] = LEVER_ID[lever]
    res.programme_left[people] = months
    model.log_participants(people, lever, months)


def per_hood_money(model, money: float, lever: str) -> np.ndarray:
    """Money by neighbourhood: `targeting` to deprived ones, the rest to all, per resident."""
    hoods = model.hoods
    residents = model.residents_by_hood
    share = model.policy.targeting[lever]
    deprived = residents * hoods.deprived
    split = share * deprived / max(deprived.sum(), 1) + (1 - share) * residents / residents.sum()
    return money * split


def community_safety(model, money: float) -> float:
    """Spend builds a stock per resident (a two-year memory, GBP per resident a year at a
    steady spend); crime's target level falls with it."""
    stock = model.hoods.safety_stock  # decays each month in sim.neighbourhood.update_crime
    stock += per_hood_money(model, money, "community_safety") / model.residents_by_hood * 12 / 24
    return money


def housing_environment(model, money: float) -> float:
    p, hoods = model.p, model.hoods
    per_resident = per_hood_money(model, money, "housing_environment") / model.residents_by_hood
    hoods.environment += (1 - hoods.environment) * (1 - np.exp(-per_resident / p.environment_cost))
    return money


def sites_transport(model, money: float) -> float:
    p, hoods = model.p, model.hoods
    gain = 1 - np.exp(-per_hood_money(model, money, "sites_transport") / p.site_cost)
    hoods.site_readiness += (1 - hoods.site_readiness) * gain
    hoods.pt_access += (1 - hoods.pt_access) * gain
    update_reach(hoods, p)
    return money


def business_support(model, money: float) -> float:
    """Advice for firms (engaged ones first), from the advice share of this month's new money.
    The rest accumulates in the lever's balance for gap funding of investment projects
    (sim.dynamics.firms.appraise_with_help)."""
    p, firms = model.p, model.firms
    new_money = min(money, model.ledger.arrived[LEVER_ID["business_support"]])
    advice = new_money * (1 - p.gap_funding_share)
    n = firms.n
    candidates = np.flatnonzero(firms.alive[:n] & ~firms.supported[:n])
    k = int(min(advice // p.business_advice_cost, len(candidates)))
    if k == 0:
        return 0.0
    rng = model.streams["lever_business_support"]
    deprived = model.hoods.deprived[firms.hood[candidates]]
    weight = (1 + 9 * firms.engaged[candidates]) * np.where(
        deprived, model.policy.targeting["business_support"] + 0.05,
        1.05 - model.policy.targeting["business_support"])
    chosen = rng.choice(candidates, size=k, replace=False, p=weight / weight.sum())
    firms.supported[chosen] = True
    win_customers(model, chosen)
    firms.productivity[chosen] *= 1 + p.advice_productivity_gain
    firms.wage[chosen] *= 1 + p.advice_productivity_gain * p.labour_share
    return k * p.business_advice_cost


def win_customers(model, rows: np.ndarray) -> None:
    """Advised firms become more competitive. Local-service firms take customers from their
    rivals, because the local spending pot is fixed (displacement). Exporters win new
    external demand."""
    p, firms = model.p, model.firms
    gain = p.advice_productivity_gain * p.demand_price_elasticity
    tradable = rows[firms.tradable[rows]]
    n = firms.n
    share = firms.weight[tradable] / max(firms.weight[:n][firms.alive[:n] & firms.tradable[:n]]
                                         .sum(), 1e-9)
    model.tradable_pot *= 1 + gain * share.sum()
    firms.weight[rows] *= 1 + gain


DELIVER = {"employment_support": employment_support, "skills": skills,
           "wage_subsidy": wage_subsidy, "health": health, "childcare": childcare,
           "community_safety": community_safety, "housing_environment": housing_environment,
           "business_support": business_support, "sites_transport": sites_transport}


def deliver(model) -> None:
    """Stage 2 of the month: each lever spends what has reached it."""
    ledger = model.ledger
    ledger.arrive()
    for i, lever in enumerate(LEVERS):
        money = ledger.available(i)
        if money > 0 and lever not in model.disabled_levers:
            ledger.spend(i, min(DELIVER[lever](model, money), money))
