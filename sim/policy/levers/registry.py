"""The registered levers, in a fixed order, and everything derived from them.

The order is the order in which levers spend each month (stage 2) and the index
a lever has in the ledger, in `Residents.programme` and in the participant log. The
nine built-in levers are registered on import; a plug-in adds itself with
`register(lever)` (or `with registered(lever): ...`) and goes last. Read the
registry when you use it: a model takes a snapshot when it is built
(`LocalEconomy.levers`), so a run never sees levers come or go.
"""

from __future__ import annotations

import difflib
import math
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from sim import rng
from sim.agents.public_body import PARTNERS
from sim.params import REGISTRY as PARAMS
from sim.params import register_param, unregister_param
from sim.policy.levers import (
    business_support,
    childcare,
    community_safety,
    employment_support,
    health,
    housing_environment,
    sites_transport,
    skills,
    wage_subsidy,
)
from sim.policy.levers.base import GROUPS, UNITS, Lever
from sim.policy.levers.common import repeat_state

_LEVERS: dict[str, Lever] = {}
RESERVED = ("regeneration", "mainstream_aligned")  # spend_<name> columns that are not levers


def levers() -> tuple[Lever, ...]:
    """The registered levers, in order."""
    return tuple(_LEVERS.values())


def names() -> tuple[str, ...]:
    return tuple(_LEVERS)


def get(name: str) -> Lever:
    """The lever called `name`; a KeyError naming close matches otherwise."""
    try:
        return _LEVERS[name]
    except KeyError:
        close = difflib.get_close_matches(name, list(_LEVERS), n=3)
        hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
        raise KeyError(f"unknown lever {name!r}{hint} (levers: {', '.join(_LEVERS)})") from None


def default_mix() -> dict[str, float]:
    """Each lever's share of the default mix (the shares sum to 1)."""
    return {lever.name: lever.default_share for lever in _LEVERS.values()}


def group(name: str, among: tuple[Lever, ...] | None = None) -> tuple[str, ...]:
    """Names of the levers in group `name` (people, place, growth, social), in order."""
    if name not in GROUPS:
        raise KeyError(f"unknown lever group {name!r} (groups: {', '.join(GROUPS)})")
    return tuple(lv.name for lv in (levers() if among is None else among) if lv.in_group(name))


def remit_of(partner: str, among: tuple[Lever, ...] | None = None) -> tuple[str, ...]:
    """The levers in `partner`'s remit: those that name it as a remit holder."""
    return tuple(lv.name for lv in (levers() if among is None else among) if partner in lv.remit)


def check_remits(partners, among: tuple[Lever, ...] | None = None) -> None:
    """Every lever must be delivered by at least one of `partners` (names).

    Raises:
        ValueError: naming each lever no partner delivers; otherwise the regimes would
            share that lever's money among nobody (NaN allocations).
    """
    partners = set(partners)
    orphans = [lv.name for lv in (levers() if among is None else among)
               if not partners & set(lv.remit)]
    if orphans:
        raise ValueError(f"no partner's remit includes lever(s) {', '.join(orphans)}: give each "
                         f"a remit among the partners {', '.join(sorted(partners))}")


def resident_state(among: tuple[Lever, ...] | None = None) -> tuple[tuple[str, str], ...]:
    """Per-resident arrays the levers own, (attribute, dtype): each lever's `state`, and for
    every lever that reaches residents the state of the repeat-enrolment rule
    (common.repeat_state)."""
    return tuple(field for lv in (levers() if among is None else among)
                 for field in (*lv.state, *(repeat_state(lv.name) if lv.unit == "residents"
                                            else ())))


def lags(p, among: tuple[Lever, ...]) -> np.ndarray:
    """Delivery lag of each lever (months), in order."""
    return np.array([lv.lag(p) for lv in among])


def _validate(lever: Lever, check_mix: bool = True) -> None:
    if not lever.name.isidentifier():
        raise ValueError(f"lever name {lever.name!r} must be a Python identifier")
    if lever.name in RESERVED:
        raise ValueError(f"lever name {lever.name!r} is taken by the column "
                         f"spend_{lever.name} (reserved: {', '.join(RESERVED)})")
    if lever.name in _LEVERS:
        raise ValueError(f"lever {lever.name!r} is already registered")
    if not lever.groups <= set(GROUPS):
        raise ValueError(f"lever {lever.name!r}: unknown group(s) "
                         f"{sorted(lever.groups - set(GROUPS))} (groups: {', '.join(GROUPS)})")
    if lever.unit not in UNITS:
        raise ValueError(f"lever {lever.name!r}: unit must be one of {', '.join(UNITS)}")
    unknown = [p for p in lever.remit if p not in PARTNERS]
    if unknown:
        raise ValueError(f"lever {lever.name!r}: unknown partner(s) {unknown} in its remit "
                         f"(partners: {', '.join(PARTNERS)})")
    check_remits(PARTNERS, (lever,))
    if not isinstance(lever.lag_multiplier, int) or lever.lag_multiplier < 0:
        raise ValueError(f"lever {lever.name!r}: lag_multiplier must be a whole number >= 0")
    total = sum(default_mix().values()) + lever.default_share
    if not 0 <= lever.default_share <= 1 or (
            check_mix and not math.isclose(total, 1.0, abs_tol=1e-9)):
        raise ValueError(f"lever {lever.name!r}: default_share {lever.default_share} would make "
                         f"the default mix sum to {total:g}, not 1 (a plug-in usually takes 0)")
    taken = {f for lv in _LEVERS.values() for f, _ in lv.state}
    if taken & {f for f, _ in lever.state}:
        raise ValueError(f"lever {lever.name!r}: resident state {sorted(taken)} already owned")
    clash = [name for name, _ in lever.streams if name in rng.STREAMS
             and rng.STREAMS[name].owner != f"lever {lever.name}"]
    if clash:
        raise ValueError(f"lever {lever.name!r}: random stream(s) {clash} are already declared "
                         "by another owner")


def _check_cost(lever: Lever) -> None:
    if lever.cost_param is not None and lever.cost_param not in PARAMS:
        raise ValueError(f"lever {lever.name!r}: cost parameter {lever.cost_param!r} is not in "
                         "the parameter registry (bring it in Lever.params)")


def register(lever: Lever) -> None:
    """Add `lever` at the end of the order, with its parameters and random streams.

    Raises:
        ValueError: the lever is malformed, its name is taken, no partner delivers it,
            its cost parameter is not registered, or the default mix would not sum to 1.
    """
    _add(lever, check_mix=True)


def _add(lever: Lever, check_mix: bool) -> None:
    _validate(lever, check_mix)
    added = []
    try:
        for param in lever.params:
            register_param(param)
            added.append(param.name)
        _check_cost(lever)
    except Exception:
        for name in added:
            unregister_param(name)
        raise
    for name, text in lever.streams:
        rng.declare(name, f"lever {lever.name}", text)
    _LEVERS[lever.name] = lever


def unregister(name: str) -> Lever:
    """Remove plug-in lever `name`, its parameters and its streams; returns the lever.

    Raises:
        ValueError: `name` is a built-in lever (the model's core reads their state).
    """
    if get(name) in BUILT_IN:
        raise ValueError(f"lever {name!r} is built in and cannot be removed")
    lever = _LEVERS.pop(name)
    for param in lever.params:
        unregister_param(param.name)
    for stream_name, _ in lever.streams:
        rng.undeclare(stream_name)
    return lever


def plugins() -> tuple[Lever, ...]:
    """The registered levers that are not built in, in order."""
    return tuple(lv for lv in _LEVERS.values() if lv not in BUILT_IN)


_USING_LOCK = threading.Lock()
_USERS: Counter = Counter()  # plug-ins registered by `using`: blocks still running with them


@contextmanager
def using(levers: tuple[Lever, ...]) -> Iterator[None]:
    """Register, for the duration of a `with` block, the plug-ins of `levers` that are not
    registered here: a worker process runs a unit with the levers it was built with.
    Threads of one worker (a Dask worker with several) share the registrations; the last
    block to end removes them.

    Raises:
        ValueError: the registry here would run other levers, or in another order.
    """
    with _USING_LOCK:
        added = [lv for lv in levers if lv.name not in _LEVERS]
        for lever in added:
            register(lever)
        _USERS.update(lv.name for lv in levers if lv.name in _USERS or lv in added)
        if levers != tuple(_LEVERS.values()):
            _release(levers)
            raise ValueError(f"the run's levers ({', '.join(lv.name for lv in levers)}) differ "
                             f"from those registered here ({', '.join(names())})")
    try:
        yield
    finally:
        with _USING_LOCK:
            _release(levers)


def _release(levers: tuple[Lever, ...]) -> None:
    """One `using` block fewer for each of `levers`; unregister those nobody uses now."""
    for lever in reversed(levers):
        if _USERS[lever.name] > 0:
            _USERS[lever.name] -= 1
            if _USERS[lever.name] == 0:
                del _USERS[lever.name]
                unregister(lever.name)


@contextmanager
def registered(lever: Lever) -> Iterator[Lever]:
    """Register `lever` for the duration of a `with` block (tests, experiments)."""
    register(lever)
    try:
        yield lever
    finally:
        unregister(lever.name)


BUILT_IN = (employment_support.LEVER, skills.LEVER, wage_subsidy.LEVER, health.LEVER,
            childcare.LEVER, community_safety.LEVER, housing_environment.LEVER,
            business_support.LEVER, sites_transport.LEVER)
for _lever in BUILT_IN:
    _add(_lever, check_mix=False)  # the mix sums to 1 only once all nine are in
assert math.isclose(sum(default_mix().values()), 1.0), "the built-in default mix must sum to 1"
