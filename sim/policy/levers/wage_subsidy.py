"""Wage subsidy: vouchers for the long-term unemployed, paid only when an employer hires them.

The voucher enters the labour market in sim.dynamics.labour (a higher employer score
for its holder; a hire uses it up).
"""

from __future__ import annotations

import numpy as np

from sim.policy.levers.base import Lever
from sim.policy.levers.common import choose, count_down, may_enrol
from sim.population import UNEMPLOYED

NAME = "wage_subsidy"
VOUCHER_MONTHS = 6  # [A] how long a voucher stays valid


def eligible(model) -> np.ndarray:
    """Residents unemployed for a year or more who hold no voucher."""
    res = model.residents
    return may_enrol(model, np.flatnonzero((res.status == UNEMPLOYED) & (res.spell >= 12)
                                           & (res.voucher_left == 0)), NAME)


def deliver(model, money: float) -> float:
    """Pay for last month's subsidised hires; issue vouchers the rest of the money covers."""
    p, res = model.p, model.residents
    paid = model.counters.subsidised_hires_last_month * p.wage_subsidy_cost
    holders = int(np.count_nonzero(res.voucher_left > 0))
    spare = int((money - paid) // p.wage_subsidy_cost) - holders
    pool = eligible(model)
    people = choose(model, pool, res.spell[pool].astype(float), spare, NAME)
    res.voucher_left[people] = VOUCHER_MONTHS
    model.log_participants(people, NAME, VOUCHER_MONTHS)
    return paid


def progress(model, finishing: np.ndarray) -> None:
    """Vouchers run down by a month."""
    count_down(model.residents.voucher_left)


LEVER = Lever(
    name=NAME, label="Wage subsidy", cost_param="wage_subsidy_cost",
    groups=frozenset({"people"}), default_share=0.05,  # [A] default mix
    remit=("employment_service",), deliver=deliver, eligible=eligible, progress=progress,
    state=(("voucher_left", "int16"),),  # months a wage-subsidy voucher stays valid
    streams=((f"lever_{NAME}", "who receives the vouchers"),),
    description="vouchers paying part of a long-term unemployed hire's wage")
