"""The levers: one module per lever, each defining one `Lever`; the registry lists them.

Money buys places and works, which reach residents, firms and places. Stage 2 of
the month (`deliver`) lets each registered lever spend what has reached it; stage 5
(sim.dynamics.people) runs each lever's monthly `progress` hook. Shared rules
(referral, targeting, diminishing returns, enrolment) are in `common`.
"""

from sim.policy.levers.base import GROUPS, Lever
from sim.policy.levers.registry import (
    default_mix,
    get,
    group,
    levers,
    names,
    register,
    registered,
    unregister,
)

__all__ = ["GROUPS", "Lever", "default_mix", "deliver", "get", "group", "levers", "names",
           "register", "registered", "unregister"]


def deliver(model) -> None:
    """Stage 2 of the month: money whose lag has passed arrives; each lever, in registry
    order, spends what it holds unless it is disabled."""
    ledger = model.ledger
    ledger.arrive()
    for i, lever in enumerate(model.levers):
        money = ledger.available(i)
        if money > 0 and lever.name not in model.disabled_levers:
            ledger.spend(i, min(lever.deliver(model, money), money))
