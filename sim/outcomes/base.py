"""What an outcome is: a named, labelled, directed figure, and the group that computes it.

Outcomes come in groups: one function computes several columns at once (one pass
over the arrays), and the group declares each column it yields. The registry
(`sim.outcomes`) is the list of groups; the monthly row, the run summary, report
labels, optimiser objectives, experiment outcome names and dashboard headlines are
projections of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

MONTHLY, RUN, PAIR, COMPARISON = "monthly", "run", "pair", "comparison"
LEVELS = (MONTHLY, RUN, PAIR, COMPARISON)
HIGHER, LOWER, NEITHER = 1, -1, 0  # which way is better


@dataclass(frozen=True)
class OutcomeDef:
    """One outcome.

    Attributes:
        name: the column (monthly table) or key (run summary, paired tables).
        label: a human label for reports and dashboards, lower case.
        unit: e.g. "share", "residents", "GBP", "GBP/month", "km", "0-10".
        level: monthly (a column of the monthly table), run (one number per run), pair
            (one number per arm of a paired run, needing both runs) or comparison (a
            ratio across the seeds of a comparison, sim.analysis.compare.additionality).
        direction: HIGHER or LOWER is better, or NEITHER (a count of activity, a size).
        net: whether scenario minus counterfactual is a meaningful effect.
        group: the name of the group that computes it.
    """

    name: str
    label: str
    unit: str
    level: str = ""
    direction: int = NEITHER
    net: bool = False
    group: str = ""

    def __post_init__(self):
        if self.direction not in (HIGHER, LOWER, NEITHER):
            raise ValueError(f"outcome {self.name!r}: direction must be 1, -1 or 0")

    def titled(self, prefix: str = "") -> str:
        """"Prefix label [unit]" with a capital, the unit left out when the label names it."""
        text = f"{prefix}{self.label}"
        if self.unit.split()[0] not in self.label:
            text += f" [{self.unit}]"
        return text[0].upper() + text[1:]

    def better(self, a: float, b: float) -> bool | None:
        """Whether `a` is better than `b` (None when neither way is better, or equal)."""
        if self.direction == NEITHER or a == b or a != a or b != b:  # NaN: no verdict
            return None
        return (a > b) == (self.direction == HIGHER)


def o(name: str, label: str, unit: str, direction: int = NEITHER, net: bool = False
      ) -> OutcomeDef:
    """An outcome declaration inside a group (level and group are filled in by the group)."""
    return OutcomeDef(name, label, unit, direction=direction, net=net)


@dataclass(frozen=True)
class Group:
    """Outcomes computed together.

    Attributes:
        name: the group's name.
        level: the level of all its outcomes.
        declare: returns the outcomes the group yields, in order; a function, so that
            families (one column per registered lever, say) follow the registries.
        compute: `compute(model) -> {name: value}` for monthly and run groups; None for
            pair and comparison groups, computed where `where` says.
        where: for groups without `compute`, the function that computes them.
    """

    name: str
    level: str
    declare: Callable[[], tuple[OutcomeDef, ...]]
    compute: Callable | None = None
    where: str = ""

    def outcomes(self) -> tuple[OutcomeDef, ...]:
        return tuple(replace(d, level=self.level, group=self.name) for d in self.declare())
