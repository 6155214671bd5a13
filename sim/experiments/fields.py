"""Checking the tables of an experiment file, one readable message per problem.

Every problem found while reading an experiment file becomes one line naming
the file, the table and key, and what is allowed. Parsing carries on after a
problem where it can (the next factor, the next table), so a user sees every
problem of a file at once instead of fixing them one run at a time.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Iterable
from typing import Any


class ExperimentError(ValueError):
    """An experiment file is missing, malformed or asks for something not allowed.

    Attributes:
        problems: one line per problem, each naming the file, table and key.
    """

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class StudyError(ExperimentError):
    """A study cannot start or go on: it is locked by another process, its stored design
    differs from the file's, or a batch failed outside any simulation (e.g. a worker
    cannot import the model). Reported in one line, like a problem in the file."""


class Problem(Exception):
    """One problem in one table; collected by `Issues` and reported together."""


class Issues:
    """Collects problems of one file; `raise_if_any` turns them into an ExperimentError.

    Args:
        source: the file the problems are in; starts every message.
    """

    def __init__(self, source: str):
        self.source = source
        self.problems: list[str] = []

    def add(self, where: str, message: str) -> None:
        """Record a problem at `where` (e.g. "[factors.x]: key 'low'"); a message of several
        lines (a `Problem` from `gather`) is several problems, each with the prefix."""
        prefix = f"{self.source}: {where}: " if where else f"{self.source}: "
        self.problems.extend(prefix + line for line in message.splitlines())

    def raise_if_any(self) -> None:
        """Raise one ExperimentError listing every recorded problem, under a first line
        "N problems in FILE:" when there are several (as scenario files are reported)."""
        from sim.io import problem_lines

        if self.problems:
            raise ExperimentError(problem_lines(self.source, self.problems))


def gather(*checks: Callable[[], Any]) -> list[Any]:
    """Run every check (a function of no arguments), even after one fails, so that the
    independent mistakes of one table are all found in one reading.

    Returns:
        The checks' results, in order.

    Raises:
        Problem: one line per failed check (a check's own lines are kept).
    """
    results, failed = [], []
    for check in checks:
        try:
            results.append(check())
        except Problem as exc:
            failed.extend(str(exc).splitlines())
    if failed:
        raise Problem("\n".join(failed))
    return results


def close_matches(name: str, valid: Iterable[str], n: int = 3) -> str:
    """'; did you mean 'a', 'b'?' for names close to `name`, or an empty string."""
    close = difflib.get_close_matches(name, list(valid), n=n, cutoff=0.6)
    return f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""


def check_keys(table: dict, allowed: Iterable[str], what: str) -> None:
    """Raise Problem naming every key of `table` outside `allowed` (one line each), with
    close matches."""
    allowed = list(allowed)
    unknown = [f"unknown key {key!r}{close_matches(key, allowed)} "
               f"(allowed in {what}: {', '.join(allowed)})" for key in table if key not in allowed]
    if unknown:
        raise Problem("\n".join(unknown))


def is_number(value: Any) -> bool:
    """True for int and float values, False for bool (TOML true/false)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def get(table: dict, key: str, kind: type | tuple, default: Any = None,
        required: bool = False) -> Any:
    """The value of `key`, checked to be of `kind` (bool is never a number).

    Raises:
        Problem: the key is missing but required, or has the wrong type.
    """
    if key not in table:
        if required:
            raise Problem(f"key {key!r} is required")
        return default
    value = table[key]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    ok = any(_is_kind(value, k) for k in kinds)
    if not ok:
        raise Problem(f"key {key!r} must be {_kind_names(kinds)}, got {value!r}")
    return value


def _is_kind(value: Any, kind: type) -> bool:
    if kind is float:  # NaN and infinity pass no range check and break the samplers
        return is_number(value) and math.isfinite(value)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


_NAMES = {str: "a string", int: "a whole number", float: "a finite number", bool: "true or false",
          dict: "a table", list: "a list"}


def _kind_names(kinds: tuple) -> str:
    return " or ".join(_NAMES.get(k, k.__name__) for k in kinds)


def positive_int(table: dict, key: str, default: int | None, minimum: int = 1) -> int | None:
    """An integer key that must be at least `minimum`."""
    value = get(table, key, int, default)
    if value is not None and value < minimum:
        raise Problem(f"key {key!r} must be a whole number >= {minimum}, got {value!r}")
    return value


def choice(table: dict, key: str, allowed: Iterable[str], default: str | None) -> str | None:
    """A string key restricted to `allowed`, with close matches on a typo."""
    value = get(table, key, str, default)
    allowed = list(allowed)
    if value is not None and value not in allowed:
        raise Problem(f"key {key!r}: {value!r} is not allowed{close_matches(value, allowed)} "
                      f"(allowed: {', '.join(allowed)})")
    return value


def flatten_dotted(table: dict, groups: Iterable[str]) -> dict:
    """Turn nested TOML tables `mix = {skills = ...}` into dotted names `mix.skills`.

    TOML reads `[factors.mix.skills]` as a table `mix` holding a table `skills`;
    for the group names in `groups`, a table whose values are all tables is
    flattened so that both `[factors.mix.skills]` and `[factors."mix.skills"]` work.
    """
    out = {}
    for name, value in table.items():
        if name in groups and isinstance(value, dict) and value and not _looks_like_leaf(value):
            out.update({f"{name}.{sub}": v for sub, v in value.items()})
        else:
            out[name] = value
    return out


def _looks_like_leaf(value: dict) -> bool:
    """A factor table (low/high/levels...) rather than a group of lever values."""
    return any(k in value for k in ("low", "high", "levels", "role", "distribution", "mean",
                                    "sd", "mode", "integer"))
