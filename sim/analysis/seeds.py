"""Enough seeds, stated: how many paired seeds a difference needs, and adding seeds in
batches until the headline interval is narrow enough.

A difference across seeds with mean d and seed-to-seed standard deviation s is told from
zero at 95% by n seeds when t(n-1) * s / sqrt(n) < |d|: the smallest such n is what a
difference of the observed size needs, from the observed s (it says nothing about
differences of other sizes, and s is itself estimated).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.analysis.intervals import LEVEL, t_quantile

MAX_COUNTED = 100_000  # beyond this many seeds a difference is reported as "more than"
DEFAULT_TARGET = "10%"  # of the headline difference's size
DEFAULT_MAX_SEEDS = 40
FIRST_BATCH = 5


def half_width(values: np.ndarray, level: float = LEVEL) -> float:
    """Half-width of the t interval of the mean of `values` (NaN values left out)."""
    values = np.asarray(values, float)
    values = values[np.isfinite(values)]
    if len(values) < 2:
        return float("inf")
    return t_quantile(level, len(values)) * float(np.std(values, ddof=1)) / math.sqrt(
        len(values))


def seeds_needed(values: np.ndarray, level: float = LEVEL) -> int | None:
    """The fewest seeds n with t(n-1) * sd / sqrt(n) < |mean| for the observed mean and sd;
    None when no number up to MAX_COUNTED would do (a zero or undefined difference)."""
    values = np.asarray(values, float)
    values = values[np.isfinite(values)]
    if len(values) < 2:
        return None
    return seeds_for(float(values.mean()), float(np.std(values, ddof=1)), level)


def seeds_from_interval(estimate: float, low: float, high: float, n: int,
                        level: float = LEVEL) -> int | None:
    """`seeds_for` with the seed-to-seed sd recovered from an n-seed interval's half-width
    (a delta-method or t interval of a difference)."""
    if n < 2 or not np.isfinite([estimate, low, high]).all():
        return None
    return seeds_for(estimate, (high - low) / 2 * math.sqrt(n) / t_quantile(level, n), level)


def seeds_for(mean: float, sd: float, level: float = LEVEL) -> int | None:
    """The fewest seeds n with t(n-1) * sd / sqrt(n) < |mean|; None if none up to
    MAX_COUNTED."""
    mean = abs(mean)
    if sd == 0:
        return 2 if mean > 0 else None
    z = t_quantile(level, MAX_COUNTED ** 2)  # the normal quantile, near enough
    if mean == 0 or (z * sd / mean) ** 2 > MAX_COUNTED:
        return None
    n = max(2, math.floor((z * sd / mean) ** 2))  # the normal answer, then t's
    while t_quantile(level, n) * sd / math.sqrt(n) >= mean:
        n += 1
    return n


@dataclass(frozen=True)
class Target:
    """A target half-width: absolute (in the headline's unit) or `relative` to |mean|."""

    value: float
    relative: bool

    @classmethod
    def parse(cls, text: str) -> Target:
        """"10%" (relative to the difference's size) or "250" (its unit)."""
        match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*(%?)\s*", str(text))
        if not match or float(match.group(1)) <= 0:
            raise ValueError(f"expected a positive number or a percentage, got {text!r}")
        value = float(match.group(1))
        return cls(value / 100 if match.group(2) else value, bool(match.group(2)))

    def met(self, values: np.ndarray) -> bool:
        values = np.asarray(values, float)
        limit = self.value * abs(float(np.nanmean(values))) if self.relative else self.value
        return half_width(values) < limit

    def __str__(self) -> str:
        return f"{self.value:.0%} of the difference" if self.relative else f"{self.value:g}"


def until_narrow(headlines: Callable[[list[int]], list[np.ndarray]], first_seed: int,
                 target: Target, max_seeds: int, batch: int = FIRST_BATCH) -> list[int]:
    """Seeds, added `batch` at a time from `first_seed`, until every headline difference
    `headlines(seeds)` returns (one array over seeds each) meets `target`, or `max_seeds`.
    """
    seeds = list(range(first_seed, first_seed + min(max(batch, 2), max_seeds)))
    while True:
        if all(target.met(v) for v in headlines(seeds)) or len(seeds) >= max_seeds:
            return seeds
        more = min(batch, max_seeds - len(seeds))
        seeds += list(range(seeds[-1] + 1, seeds[-1] + 1 + more))
