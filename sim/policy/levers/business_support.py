"""Business support: advice for firms (engaged ones first) from the advice share of the
money that reaches the lever, set aside in the ledger (an earmark) and carried over until
it buys whole units of advice. The rest of the balance is a reserve for gap funding of
investment projects (sim.dynamics.firms.appraise_with_help), which may draw on the whole
balance; the earmark is never more than the balance."""

from __future__ import annotations

import numpy as np

from sim.policy.levers.base import Lever

NAME = "business_support"


def eligible(model) -> np.ndarray:
    """Live firms that have not had advice yet (advice comes once in a firm's life)."""
    firms = model.firms
    n = firms.n
    return np.flatnonzero(firms.alive[:n] & ~firms.supported[:n])


def deliver(model, money: float) -> float:
    """Advice for as many firms as the earmark buys: this month's advice share of new money
    joins what advice left unspent in earlier months."""
    p, firms, ledger = model.p, model.firms, model.ledger
    lever = model.lever_index[NAME]
    advice = min(ledger.earmark(lever, ledger.arrived[lever] * (1 - p.gap_funding_share)), money)
    candidates = eligible(model)
    k = int(min(advice // p.business_advice_cost, len(candidates)))
    if k == 0:
        return 0.0
    rng = model.streams[f"lever_{NAME}"]
    deprived = model.hoods.deprived[firms.hood[candidates]]
    targeting = model.policy.targeting[NAME]
    weight = (1 + 9 * firms.engaged[candidates]) * np.where(
        deprived, targeting + 0.05, 1.05 - targeting)
    chosen = rng.choice(candidates, size=k, replace=False, p=weight / weight.sum())
    firms.supported[chosen] = True
    win_customers(model, chosen)
    firms.productivity[chosen] *= 1 + p.advice_productivity_gain
    firms.wage[chosen] *= 1 + p.advice_productivity_gain * p.labour_share
    ledger.release(lever, k * p.business_advice_cost)
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


LEVER = Lever(
    name=NAME, label="Business support", cost_param="business_advice_cost",
    groups=frozenset({"growth"}), default_share=0.15,  # [A] default mix
    remit=("development_agency",), deliver=deliver, eligible=eligible, unit="firms",
    streams=((f"lever_{NAME}", "which firms receive advice"),),
    description="business advice, and a reserve for gap funding of investment projects")
