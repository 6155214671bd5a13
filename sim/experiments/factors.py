"""Factors of an experiment: what each one sets, its range, and how a sample becomes a value.

A factor is of kind "float" (a continuous range, optionally with a normal or
triangular distribution), "int" (a range of whole numbers) or "categorical" (a
list of levels). Samplers work in a continuous "sample space"; `Factor.realise` turns a
sample into the value the model receives:

* float: the sample itself (SALib has already applied the distribution);
* int ``low..high``: sampled on ``[low - 0.5, high + 0.5]`` and rounded, so
  every whole number is equally likely;
* categorical with ``k`` levels: sampled on ``[0, 1]``; level ``floor(u * k)``
  (the last level for ``u = 1``). Levels are therefore treated as ordered, which
  Sobol, Morris and FAST need; list them in a meaningful order.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from sim.experiments.fields import Problem, check_keys, choice, gather, get, is_number
from sim.params import REGISTRY, ParameterError, lookup
from sim.policy.levers import registry
from sim.policy.spec import REGIMES

ROLES = ("uncertainty", "lever")
DISTRIBUTIONS = ("uniform", "normal", "triangular")
FACTOR_KEYS = ("low", "high", "levels", "role", "distribution", "mean", "sd", "mode",
               "integer")


def policy_factors() -> tuple[str, ...]:
    """Names of the policy factors, for the levers registered now (plug-ins included)."""
    levers = registry.names()
    return ("regime", "budget", "targeting", *(f"targeting.{lv}" for lv in levers),
            *(f"mix.{lv}" for lv in levers))


@dataclass(frozen=True)
class Target:
    """What a factor name sets, with its allowed range.

    Attributes:
        name: the factor name.
        sets: "param" (a registry parameter), "policy" (regime, budget, targeting,
            mix) or "model" (a keyword of a Mesa model or function).
        low: smallest allowed value (None: unbounded).
        high: largest allowed value (None: unbounded).
        integer: values are whole numbers.
        boolean: values are true or false (levels only).
        unit: the unit, for reports.
        levels: the only allowed values, if restricted (e.g. regimes).
        default_role: the role when the factor table does not give one.
    """

    name: str
    sets: str
    low: float | None = None
    high: float | None = None
    integer: bool = False
    boolean: bool = False
    unit: str = ""
    levels: tuple | None = None
    default_role: str = "uncertainty"

    def check(self, value: Any) -> Any:
        """`value` converted to the target's type; Problem if it is not allowed."""
        if isinstance(value, float) and not math.isfinite(value):
            raise Problem(f"'{self.name}' must be a finite number, got {value!r}")
        if self.sets == "param":
            try:
                return lookup(self.name).check(value)
            except ParameterError as exc:
                raise Problem(str(exc)) from None
        if self.levels is not None:
            if value not in self.levels:
                raise Problem(f"{value!r} is not allowed (allowed: {', '.join(self.levels)})")
            return value
        if self.sets == "policy":
            return _check_range(self, value)
        return value


def _check_range(target: Target, value: Any) -> float:
    if not is_number(value):
        raise Problem(f"'{target.name}' must be a number ({target.unit}), got {value!r}")
    if (target.low is not None and value < target.low) or (
            target.high is not None and value > target.high):
        raise Problem(f"'{target.name}' = {value} is outside its allowed range "
                      f"[{target.low:g}, {target.high:g}] ({target.unit})")
    return float(value)


def local_economy_target(name: str) -> Target:
    """The Target of a factor name of the LocalEconomy model.

    Raises:
        Problem: the name is neither a registry parameter nor a policy factor; the
            message lists close matches from both.
    """
    if name in REGISTRY:
        p = REGISTRY[name]
        return Target(name, "param", p.low, p.high, p.kind is int, p.kind is bool, p.unit)
    if name == "regime":
        return Target(name, "policy", levels=REGIMES, default_role="lever")
    if name == "budget":
        p = REGISTRY["regeneration_budget"]
        return Target(name, "policy", p.low, p.high, unit=p.unit, default_role="lever")
    factors = policy_factors()
    if name in factors:
        return Target(name, "policy", 0.0, 1.0, unit="share", default_role="lever")
    from sim.experiments.fields import close_matches

    hint = close_matches(name, [*REGISTRY, *factors])
    raise Problem(f"unknown factor {name!r}{hint} (a factor of a local_economy model is a "
                  "parameter of the registry (docs/odd.md) or one of the policy factors "
                  "regime, budget, targeting, targeting.<lever>, mix.<lever>)")


def free_target(name: str, default: Any = None) -> Target:
    """The Target of a keyword argument of a Mesa model class or a function.

    A keyword whose default is a whole number (not true/false) takes whole numbers.
    """
    if not name.isidentifier():
        raise Problem(f"factor name {name!r} must be a Python identifier (it is passed "
                      "as a keyword argument)")
    integer = isinstance(default, int) and not isinstance(default, bool)
    return Target(name, "model", integer=integer, boolean=isinstance(default, bool))


@dataclass(frozen=True)
class Factor:
    """One factor of an experiment (see the module docstring for the sample space).

    Attributes:
        name: the factor name (a column of the runs table).
        role: "uncertainty" or "lever".
        kind: "float" (a continuous range), "int" (whole numbers) or "categorical".
        sets: "param", "policy" or "model" (see Target).
        low: lower bound (continuous, integer, triangular).
        high: upper bound.
        levels: the levels of a categorical factor, in order.
        distribution: "uniform", "normal" or "triangular" (float factors only).
        mean: mean of a normal distribution.
        sd: standard deviation of a normal distribution.
        mode: peak of a triangular distribution.
        unit: unit, for reports.
    """

    name: str
    role: str
    kind: str
    sets: str
    low: float | None = None
    high: float | None = None
    levels: tuple = ()
    distribution: str = "uniform"
    mean: float | None = None
    sd: float | None = None
    mode: float | None = None
    unit: str = ""

    def problem_entry(self) -> tuple[list[float], str]:
        """Bounds and SALib distribution name of this factor in the sample space."""
        if self.kind == "categorical":
            return [0.0, 1.0], "unif"
        if self.kind == "int":
            return [self.low - 0.5, self.high + 0.5], "unif"
        if self.distribution == "normal":
            return [self.mean, self.sd], "norm"
        if self.distribution == "triangular":
            return [self.low, self.high, (self.mode - self.low) / (self.high - self.low)], "triang"
        return [self.low, self.high], "unif"

    def realise(self, x: np.ndarray) -> list:
        """Model values (Python scalars) of samples `x` of this factor."""
        x = np.asarray(x, dtype=float)
        if self.kind == "categorical":
            k = len(self.levels)
            index = np.clip(np.floor(x * k), 0, k - 1).astype(int)
            return [self.levels[i] for i in index]
        if self.kind == "int":
            return [int(v) for v in np.clip(np.floor(x + 0.5), self.low, self.high)]
        return [float(v) for v in x]

    def grid(self, points: int | None) -> np.ndarray:
        """Samples of a full-factorial grid: every level, or `points` values of a range."""
        if self.kind == "categorical":
            return (np.arange(len(self.levels)) + 0.5) / len(self.levels)
        if self.kind == "int":
            if points is None or points >= self.high - self.low + 1:
                return np.arange(self.low, self.high + 1, dtype=float)
            return np.unique(np.round(np.linspace(self.low, self.high, points)))
        if self.distribution == "normal":
            from scipy.stats import norm

            return self.mean + self.sd * norm.ppf((np.arange(points) + 0.5) / points)
        if points == 1:
            return np.array([self.mode if self.mode is not None else (self.low + self.high) / 2])
        return np.linspace(self.low, self.high, points)

    @property
    def value_type(self) -> str:
        """"string", "bool", "int" or "float": the type of the realised values."""
        if self.kind == "int":
            return "int"
        if self.kind == "float":
            return "float"
        return _levels_type(self.levels)

    def describe(self) -> dict:
        """A JSON-ready description for the manifest."""
        out = {"name": self.name, "role": self.role, "kind": self.kind, "sets": self.sets,
               "type": self.value_type,
               "distribution": self.distribution if self.kind == "float" else None}
        if self.kind == "categorical":
            out["levels"] = list(self.levels)
        elif self.distribution == "normal":
            out.update(mean=self.mean, sd=self.sd)
        else:
            out.update(low=self.low, high=self.high)
            if self.mode is not None:
                out["mode"] = self.mode
        out["unit"] = self.unit
        return out


def _levels_type(levels: tuple) -> str:
    if all(isinstance(v, bool) for v in levels):
        return "bool"
    if all(isinstance(v, str) for v in levels):
        return "string"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in levels):
        return "int"
    return "float"


def parse_factor(name: str, table: Any, target_of: Callable[[str], Target]) -> Factor:
    """Validate one `[factors.<name>]` table.

    Args:
        name: the factor name.
        table: the TOML table.
        target_of: gives the Target of a name (raises Problem for unknown names).

    Returns:
        The Factor.

    Raises:
        Problem: every problem found in the table, one line each (unknown keys, the role
            and the range are checked independently).
    """
    target = target_of(name)
    if not isinstance(table, dict):
        raise Problem("must be a table with low and high, or levels")
    allowed = FACTOR_KEYS if target.sets == "model" else FACTOR_KEYS[:-1]
    _, role, factor = gather(lambda: check_keys(table, allowed, "a factor table"),
                             lambda: choice(table, "role", ROLES, target.default_role),
                             lambda: _shape(name, table, target, target.default_role))
    return replace(factor, role=role)


def _shape(name: str, table: dict, target: Target, role: str) -> Factor:
    """The factor's kind, range or levels, and distribution."""
    if "levels" in table:
        return _categorical(name, table, target, role)
    if target.boolean:
        raise Problem(f"'{name}' is true or false: give levels = [true, false]")
    if target.levels is not None:
        raise Problem(f"'{name}' takes levels (allowed: {', '.join(target.levels)}), "
                      "not a range")
    distribution = choice(table, "distribution", DISTRIBUTIONS, "uniform")
    if distribution == "normal":
        return _normal(name, table, target, role)
    return _ranged(name, table, target, role, distribution)


def _categorical(name: str, table: dict, target: Target, role: str) -> Factor:
    for key in ("low", "high", "distribution", "mean", "sd", "mode", "integer"):
        if key in table:
            raise Problem(f"give either levels or a range, not both (found {key!r})")
    levels = get(table, "levels", list)
    if not levels:
        raise Problem("key 'levels' must be a non-empty list")
    if len(set(map(repr, levels))) != len(levels):
        raise Problem(f"key 'levels' has repeated values: {levels!r}")
    kinds = {_levels_type((v,)) if not isinstance(v, dict | list) else "table" for v in levels}
    if "table" in kinds or ("string" in kinds and len(kinds) > 1):
        raise Problem(f"key 'levels' must be all strings, all numbers or all true/false, "
                      f"got {levels!r}")
    values = tuple(target.check(v) for v in levels)
    if _levels_type(values) == "float":
        values = tuple(float(v) for v in values)
    return Factor(name, role, "categorical", target.sets, levels=values, unit=target.unit)


def _normal(name: str, table: dict, target: Target, role: str) -> Factor:
    for key in ("low", "high", "mode"):
        if key in table:
            raise Problem(f"a normal distribution takes mean and sd, not {key!r}")
    mean = get(table, "mean", float, required=True)
    sd = get(table, "sd", float, required=True)
    if sd <= 0:
        raise Problem(f"key 'sd' must be > 0, got {sd!r}")
    if target.low is not None or target.high is not None:
        raise Problem(f"'{name}' must stay within [{target.low}, {target.high}] but a normal "
                      "distribution is unbounded; use uniform or triangular")
    integer = get(table, "integer", bool, False)
    if integer:
        raise Problem("an integer factor takes low and high, not a normal distribution")
    return Factor(name, role, "float", target.sets, distribution="normal",
                  mean=float(mean), sd=float(sd), unit=target.unit)


def _ranged(name: str, table: dict, target: Target, role: str, distribution: str) -> Factor:
    low, high = gather(lambda: get(table, "low", float, required=True),
                       lambda: get(table, "high", float, required=True))
    if not low < high:
        raise Problem(f"key 'low' ({low}) must be below key 'high' ({high})")
    for key, value in (("low", low), ("high", high)):
        try:
            target.check(value)
        except Problem as exc:
            raise Problem(f"key {key!r}: {exc}") from None
    integer = (get(table, "integer", bool, target.integer) if target.sets == "model"
               else target.integer)
    mode = _mode(table, low, high, distribution)
    if integer:
        if distribution != "uniform":
            raise Problem("an integer factor is uniform over low..high")
        if not (float(low).is_integer() and float(high).is_integer()):
            raise Problem(f"'{name}' takes whole numbers: low and high must be whole numbers")
        return Factor(name, role, "int", target.sets, int(low), int(high), unit=target.unit)
    return Factor(name, role, "float", target.sets, float(low), float(high),
                  distribution=distribution, mode=mode, unit=target.unit)


def _mode(table: dict, low: float, high: float, distribution: str) -> float | None:
    if distribution != "triangular":
        if "mode" in table:
            raise Problem("key 'mode' applies only to distribution = \"triangular\"")
        return None
    mode = get(table, "mode", float, required=True)
    if not low <= mode < high:
        raise Problem(f"key 'mode' ({mode}) must be >= low and < high (SALib cannot place "
                      "the peak at the upper bound)")
    return float(mode)


def check_fixed(name: str, value: Any, target_of: Callable[[str], Target]) -> Any:
    """A `[fixed]` value, checked against its target; Problem if not allowed."""
    target = target_of(name)
    if isinstance(value, dict | list):
        raise Problem(f"'{name}' must be a single value, got {value!r}")
    return target.check(value)
