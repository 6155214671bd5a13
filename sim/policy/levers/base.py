"""What a lever is: one object that owns everything the model needs to know about it.

A lever module defines one `Lever` and the registry (sim.policy.levers.registry) lists
the registered ones in a fixed order. Everything else (the lever list, the default
mix, lever groups, delivery lags, partners' remits, dashboard sliders, experiment
factors, per-resident state, random streams) is derived from the registered objects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.params import Param

GROUPS = ("people", "place", "growth", "social")
UNITS = ("residents", "firms", "neighbourhoods")


def no_progress(model, finishing: np.ndarray) -> None:
    """The monthly hook of a lever that keeps no state between months."""


@dataclass(frozen=True)
class Lever:
    """One lever of regeneration policy.

    Attributes:
        name: identifier used in scenario files (`mix.<name>`), columns and streams.
        label: human label (dashboard sliders, reports).
        cost_param: the registry parameter that prices a unit of the lever (None if none).
        groups: subset of GROUPS: people (buys places for residents), place (spends on
            neighbourhoods), growth (the coalition's growth weight tilts money towards it),
            social (the growth weight tilts money away from it).
        default_share: share of the default mix; the shares of all levers sum to 1.
        remit: partners (sim.agents.PARTNERS) whose remit includes the lever.
        deliver: `deliver(model, money) -> spent` (GBP) in stage 2 of the month.
        eligible: `eligible(model) -> rows` of `unit` the lever can reach this month.
        unit: what `eligible` returns rows of (residents, firms or neighbourhoods).
        progress: `progress(model, finishing)` in stage 5 of every funded month; `finishing`
            are the residents whose enrolment on this lever ends this month.
        lag_multiplier: delivery lag in units of `delivery_lag_months`.
        state: per-resident arrays the lever owns, (attribute, dtype); zero at the start
            and for in-movers (sim.population.Residents).
        streams: random streams the lever draws from, (name, description).
        params: parameters the lever brings (plug-ins); registered with the lever.
        description: one line on what the money buys.
    """

    name: str
    label: str
    cost_param: str | None
    groups: frozenset[str]
    default_share: float
    remit: tuple[str, ...]
    deliver: Callable[..., float]
    eligible: Callable[..., np.ndarray]
    unit: str = "residents"
    progress: Callable[..., None] = no_progress
    lag_multiplier: int = 1
    state: tuple[tuple[str, str], ...] = ()
    streams: tuple[tuple[str, str], ...] = ()
    params: tuple[Param, ...] = ()
    description: str = ""

    def lag(self, p) -> int:
        """Months between money being allocated to the lever and it becoming spendable."""
        return p.delivery_lag_months * self.lag_multiplier

    def in_group(self, group: str) -> bool:
        return group in self.groups
