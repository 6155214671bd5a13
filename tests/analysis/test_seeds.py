"""Enough seeds: the count a difference needs is the smallest that tells it from zero, and
`--seeds auto` stops at the target (or the maximum) on a synthetic case."""

import numpy as np
import pytest
from scipy import stats

from sim.analysis import seeds as enough


def test_seeds_needed_is_the_smallest_count_whose_t_half_width_is_below_the_difference():
    values = np.array([0.0, 2.0, 1.0 - 1 / np.sqrt(2), 1.0 + 1 / np.sqrt(2)])  # mean 1
    sd = np.std(values, ddof=1)
    n = enough.seeds_needed(values)
    assert stats.t.ppf(0.975, n - 1) * sd / np.sqrt(n) < 1.0
    assert stats.t.ppf(0.975, n - 2) * sd / np.sqrt(n - 1) >= 1.0
    assert enough.seeds_needed(np.array([-1.0, 1.0])) is None  # nothing to detect
    assert enough.seeds_from_interval(*enough_interval(values), len(values)) == n


def enough_interval(values):
    half = enough.half_width(values)
    return values.mean(), values.mean() - half, values.mean() + half


def _synthetic(mean: float, sd: float):
    """A headline whose seed s gives a fixed draw (a stand-in for a paired run)."""
    def headlines(seeds):
        return [np.array([mean + sd * np.random.default_rng(s).standard_normal()
                          for s in seeds])]
    return headlines


@pytest.mark.parametrize("target", ["0.5", "5%"])
def test_auto_stops_at_the_first_batch_that_meets_the_target(target):
    goal = enough.Target.parse(target)
    headlines = _synthetic(10.0, 1.0)
    chosen = enough.until_narrow(headlines, 1, goal, max_seeds=200)
    assert goal.met(headlines(chosen)[0])
    fewer = chosen[:-enough.FIRST_BATCH]
    assert len(fewer) < 2 or not goal.met(headlines(fewer)[0])
    assert chosen == list(range(1, len(chosen) + 1))


def test_auto_stops_at_the_maximum_when_the_target_is_out_of_reach():
    chosen = enough.until_narrow(_synthetic(10.0, 1.0), 3, enough.Target.parse("0.001"),
                                 max_seeds=12)
    assert chosen == list(range(3, 15))


@pytest.mark.parametrize("text", ["", "-3", "0", "ten", "5%%"])
def test_a_bad_target_is_refused(text):
    with pytest.raises(ValueError):
        enough.Target.parse(text)
