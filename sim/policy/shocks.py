"""Shocks: things that happen to the district, kept apart from the levers.

* recession: local, external and TTWA demand fall for a while and recover slowly;
* plant_closure: the largest tradable employer closes;
* tradable_demand: a lasting change in external demand for the district's exports;
* pot_ends: regeneration money stops early.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

KINDS = {"recession": ("start", "months", "size"), "plant_closure": ("start",),
         "tradable_demand": ("start", "size"), "pot_ends": ("start",)}


class ShockError(ValueError):
    """A shock table asks for something not allowed."""


@dataclass(frozen=True)
class Shock:
    kind: str
    start: int  # programme month (1 = first month of the programme)
    months: int = 0
    size: float = 0.0

    def active(self, programme_month: int) -> bool:
        return self.start <= programme_month < self.start + max(self.months, 1)


def parse_shocks(table: dict) -> tuple[Shock, ...]:
    """Shocks from a scenario's [shocks] table, e.g. [shocks.recession] start=24 months=18."""
    shocks = []
    for kind, spec in table.items():
        if kind not in KINDS:
            close = difflib.get_close_matches(kind, list(KINDS), n=2)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ShockError(f"unknown shock {kind!r}{hint} (allowed: {', '.join(KINDS)})")
        if not isinstance(spec, dict):
            raise ShockError(f"[shocks.{kind}] must be a table with {', '.join(KINDS[kind])}")
        extra = set(spec) - set(KINDS[kind])
        missing = set(KINDS[kind]) - set(spec)
        if extra or missing:
            raise ShockError(f"[shocks.{kind}] needs exactly {', '.join(KINDS[kind])}"
                             + (f"; unknown {sorted(extra)}" if extra else "")
                             + (f"; missing {sorted(missing)}" if missing else ""))
        shocks.append(_checked(kind, spec))
    return tuple(shocks)


def _checked(kind: str, spec: dict) -> Shock:
    for key in ("start", "months"):
        if key in spec and (not isinstance(spec[key], int) or isinstance(spec[key], bool)
                            or spec[key] < (1 if key == "start" else 1)):
            raise ShockError(f"shocks.{kind}.{key} must be a whole number >= 1, got {spec[key]!r}")
    size = spec.get("size", 0.0)
    low = -0.9 if kind == "tradable_demand" else 0.0
    if isinstance(size, bool) or not isinstance(size, int | float) or not low <= size <= 1.0:
        raise ShockError(f"shocks.{kind}.size must be a number in [{low}, 1], got {size!r}")
    return Shock(kind, spec["start"], spec.get("months", 0), float(size))


def active(shocks, kind: str, programme_month: int) -> Shock | None:
    for shock in shocks:
        if shock.kind == kind and shock.active(programme_month):
            return shock
    return None


def started(shocks, kind: str, programme_month: int) -> bool:
    return any(s.kind == kind and programme_month >= s.start for s in shocks)
