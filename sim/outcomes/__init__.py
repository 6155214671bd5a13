"""The outcome registry: every named outcome, its label, unit, level, direction and
whether a net version is meaningful, and the functions that compute them.

It stands beside the parameter registry (sim.params). The monthly row
(`monthly_row`), the run summary (`run_summary`), report and comparison labels,
the optimiser's objectives, experiment outcome names and the dashboard's
headlines are all projections of it. Families of outcomes (spending by lever,
engagement by partner) follow the lever registry at the time of asking.
"""

from __future__ import annotations

import difflib

from sim.outcomes.base import (
    COMPARISON,
    HIGHER,
    LEVELS,
    LOWER,
    MONTHLY,
    NEITHER,
    PAIR,
    RUN,
    OutcomeDef,
)
from sim.outcomes.monthly import GROUPS_OF_THE_MONTH, monthly_row
from sim.outcomes.paired import PAIRED_GROUPS
from sim.outcomes.run import GROUPS_OF_THE_RUN, run_summary

__all__ = ["COMPARISON", "HIGHER", "LEVELS", "LOWER", "MONTHLY", "NEITHER", "PAIR", "RUN",
           "OutcomeDef", "label", "lookup", "monthly_row", "names", "outcomes", "run_summary"]

GROUPS = (*GROUPS_OF_THE_MONTH, *GROUPS_OF_THE_RUN, *PAIRED_GROUPS)


def outcomes(level: str | None = None) -> tuple[OutcomeDef, ...]:
    """Every registered outcome (of one level), in table order."""
    if level is not None and level not in LEVELS:
        raise ValueError(f"unknown outcome level {level!r} (levels: {', '.join(LEVELS)})")
    return tuple(d for g in GROUPS if level in (None, g.level) for d in g.outcomes())


def names(level: str) -> tuple[str, ...]:
    return tuple(d.name for d in outcomes(level))


def lookup(name: str, level: str = RUN) -> OutcomeDef:
    """The outcome `name` of `level`.

    Raises:
        KeyError: no such outcome; the message names close matches.
    """
    found = {d.name: d for d in outcomes(level)}
    if name not in found:
        close = difflib.get_close_matches(name, list(found), n=3)
        hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
        raise KeyError(f"unknown {level} outcome {name!r}{hint}")
    return found[name]


def label(name: str, level: str = RUN) -> str:
    return lookup(name, level).label
