"""Ratio intervals across seeds: Fieller's interval is what it says, covers at its level, and
a ratio is undefined (never negative) when its denominator could be zero."""

import numpy as np
import pytest
from scipy import stats

from sim.analysis.intervals import delta, fieller, ratio_interval, t_interval


def _t_statistic(num, den, r):
    """One-sample t statistic of num - r den: Fieller's interval is where |t| <= t_crit."""
    return stats.ttest_1samp(num - r * den, 0.0).statistic


def test_fieller_bounds_are_where_the_t_test_of_num_minus_r_den_just_rejects():
    rng = np.random.default_rng(7)
    den = rng.normal(20.0, 4.0, 6)
    num = 3.0 * den + rng.normal(0.0, 8.0, 6)
    estimate, low, high = fieller(num, den)
    crit = stats.t.ppf(0.975, 5)
    assert estimate == pytest.approx(num.mean() / den.mean())
    assert low < estimate < high
    for bound in (low, high):
        assert abs(_t_statistic(num, den, bound)) == pytest.approx(crit, rel=1e-9)
    inside = np.linspace(low, high, 7)[1:-1]
    assert all(abs(_t_statistic(num, den, r)) < crit for r in inside)


def test_fieller_covers_the_true_ratio_at_its_level_with_five_seeds():
    """Correlated normal pairs, five per sample: Fieller's interval is exact, so its coverage
    is 95% up to simulation error (a normal instead of a t quantile, or dropping the
    covariance, would cover about 88% or visibly off 95%)."""
    rng = np.random.default_rng(2026)
    mean, cov = np.array([10.0, 5.0]), np.array([[4.0, 1.2], [1.2, 1.0]])
    draws = rng.multivariate_normal(mean, cov, size=(4000, 5))
    hits = undefined = 0
    for sample in draws:
        _, low, high = fieller(sample[:, 0], sample[:, 1])
        if np.isnan(low):
            undefined += 1
            continue
        hits += low <= 2.0 <= high
    coverage = hits / (len(draws) - undefined)
    assert undefined < 40
    assert 0.937 <= coverage <= 0.963


def test_delta_method_agrees_with_fieller_when_the_denominator_is_precise():
    rng = np.random.default_rng(3)
    den = rng.normal(100.0, 2.0, 40)
    num = 5.0 * den + rng.normal(0.0, 20.0, 40)
    f, d = fieller(num, den), delta(num, den)
    assert d[0] == f[0]
    np.testing.assert_allclose(d[1:], f[1:], rtol=2e-3)


def test_a_ratio_is_undefined_when_the_denominators_interval_includes_zero():
    spend = np.full(5, 1e6)
    gain = np.array([10.0, -8.0, -6.0, 9.0, 1.0])
    assert t_interval(gain)[1] < 0 < t_interval(gain)[2]
    assert np.isnan(fieller(spend, gain)).all() and np.isnan(delta(spend, gain)).all()
    clear = np.array([10.0, 12.0, 8.0, 11.0, 9.0])
    assert np.isfinite(fieller(spend, clear)).all()


def test_a_cost_per_outcome_lost_is_undefined_not_negative():
    spend = np.full(5, 1e6)
    loss = -np.array([10.0, 12.0, 8.0, 11.0, 9.0])
    assert fieller(spend, loss)[0] < 0  # the plain ratio would be negative
    assert np.isnan(ratio_interval(spend, loss, positive=True)).all()
    assert ratio_interval(spend, -loss, positive=True)[0] == pytest.approx(1e5)


def test_ratio_difference_with_fixed_denominators_is_the_paired_t_interval():
    from sim.analysis.intervals import ratio_difference

    rng = np.random.default_rng(11)  # synthetic per-seed costs, not a model stream
    cost_a, cost_b = rng.normal(100, 10, 8), rng.normal(120, 10, 8)
    ones = np.ones(8)
    got = ratio_difference(cost_a, 2 * ones, cost_b, 4 * ones)
    want = t_interval(cost_a / 2 - cost_b / 4)
    assert got == pytest.approx(want)
    gain = np.array([1.0, -1.0, 2.0, -2.0, 0.5, -0.5, 1.0, -1.0])  # could be zero
    assert all(np.isnan(ratio_difference(cost_a, gain, cost_b, ones)))
