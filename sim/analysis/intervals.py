"""Intervals across seeds: t intervals for means, Fieller and delta-method intervals for
ratios of means.

Each seed of a paired comparison gives one value of a numerator (money spent, say) and
one of a denominator (net residents in work), drawn together, so their sample means are
correlated. Fieller's interval is the set of ratios `r` for which `mean(num) - r
mean(den)` is not significantly different from zero (a t test with the seeds' own
variances and covariance); it is exact when the per-seed pairs are normal. It is bounded
exactly when the denominator's own t interval excludes zero; otherwise the ratio is
undefined here (NaN), never a misleading negative or one-sided figure. The delta method
is the first-order approximation of the same interval, for comparison.
"""

from __future__ import annotations

import math

import numpy as np

LEVEL = 0.95
NAN3 = (float("nan"),) * 3


def t_quantile(level: float, n: int) -> float:
    from scipy import stats

    return float(stats.t.ppf(0.5 + level / 2, n - 1))


def t_interval(values: np.ndarray, level: float = LEVEL) -> tuple[float, float, float]:
    """Mean and two-sided t interval across seeds (NaN values are left out)."""
    values = np.asarray(values, float)
    values = values[np.isfinite(values)]
    n = len(values)
    if n == 0:
        return NAN3
    mean = float(np.mean(values))
    if n < 2:
        return mean, float("nan"), float("nan")
    half = t_quantile(level, n) * np.std(values, ddof=1) / math.sqrt(n)
    return mean, mean - half, mean + half


def _moments(num: np.ndarray, den: np.ndarray):
    """Means, variances of the means and their covariance, over seeds where both are finite."""
    num, den = np.asarray(num, float), np.asarray(den, float)
    keep = np.isfinite(num) & np.isfinite(den)
    num, den = num[keep], den[keep]
    n = len(num)
    if n < 2:
        return n, (num.mean() if n else np.nan), (den.mean() if n else np.nan), 0, 0, 0
    cov = np.cov(num, den, ddof=1) / n
    return n, num.mean(), den.mean(), cov[0, 0], cov[1, 1], cov[0, 1]


def denominator_excludes_zero(den: np.ndarray, level: float = LEVEL) -> bool:
    """Whether the t interval of the denominator's mean lies wholly on one side of zero."""
    _, low, high = t_interval(den, level)
    return bool(np.isfinite(low) and (low > 0 or high < 0))


def fieller(num: np.ndarray, den: np.ndarray, level: float = LEVEL
            ) -> tuple[float, float, float]:
    """Ratio of means `mean(num) / mean(den)` with Fieller's interval; NaN throughout when
    the denominator's interval includes zero (the interval would be unbounded)."""
    n, a, b, v11, v22, v12 = _moments(num, den)
    if n < 2:
        return (a / b if n and b != 0 else float("nan")), float("nan"), float("nan")
    t2 = t_quantile(level, n) ** 2
    lead = b * b - t2 * v22  # > 0 exactly when the denominator's interval excludes zero
    if lead <= 0:
        return NAN3
    mid = a * b - t2 * v12
    root = math.sqrt(max(mid * mid - lead * (a * a - t2 * v11), 0.0))
    return float(a / b), float((mid - root) / lead), float((mid + root) / lead)


def delta(num: np.ndarray, den: np.ndarray, level: float = LEVEL) -> tuple[float, float, float]:
    """Ratio of means with the delta-method (first-order) interval; NaN throughout when the
    denominator's interval includes zero."""
    n, a, b, v11, v22, v12 = _moments(num, den)
    if n < 2 or not denominator_excludes_zero(den, level):
        return NAN3 if n >= 2 else ((a / b if n and b != 0 else float("nan")),
                                    float("nan"), float("nan"))
    r = a / b
    half = t_quantile(level, n) * math.sqrt(max(v11 - 2 * r * v12 + r * r * v22, 0.0)) / abs(b)
    return float(r), float(r - half), float(r + half)


METHODS = {"fieller": fieller, "delta": delta}


def ratio_interval(num: np.ndarray, den: np.ndarray, positive: bool = False,
                   method: str = "fieller", level: float = LEVEL) -> tuple[float, float, float]:
    """Ratio of means across seeds with its interval (Fieller's by default).

    With `positive` (a cost per net outcome), a ratio is also undefined when the
    denominator is negative: a programme that loses outcomes has no cost per outcome.
    """
    if positive and not np.nanmean(np.asarray(den, float)) > 0:
        return NAN3
    return METHODS[method](num, den, level)


def ratio_difference(num_a: np.ndarray, den_a: np.ndarray, num_b: np.ndarray,
                     den_b: np.ndarray, level: float = LEVEL) -> tuple[float, float, float]:
    """Difference of two ratios of means, `a` minus `b`, paired by seed, with the
    delta-method interval: each seed's linearised contribution (num - r den) / mean(den)
    for each ratio, differenced seed by seed, gets a t interval. Undefined (NaN) where
    either ratio's denominator interval includes zero or its mean is not positive."""
    arrays = [np.asarray(x, float) for x in (num_a, den_a, num_b, den_b)]
    keep = np.logical_and.reduce([np.isfinite(x) for x in arrays])
    num_a, den_a, num_b, den_b = (x[keep] for x in arrays)
    if len(num_a) < 2 or not all(d.mean() > 0 and denominator_excludes_zero(d, level)
                                 for d in (den_a, den_b)):
        return NAN3
    r_a, r_b = num_a.mean() / den_a.mean(), num_b.mean() / den_b.mean()
    influence = ((num_a - r_a * den_a) / den_a.mean()) - ((num_b - r_b * den_b) / den_b.mean())
    half = t_quantile(level, len(influence)) * np.std(influence, ddof=1) / math.sqrt(
        len(influence))
    return float(r_a - r_b), float(r_a - r_b - half), float(r_a - r_b + half)
