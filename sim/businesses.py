"""Columnar state of businesses and their demography (entry, growth, exit).

Rows are never reused: a firm that dies keeps its row with `alive` False, so a
row index is a permanent business id. Arrays grow by doubling when firms are
born. The Mesa `Business` agents are thin views onto these rows.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

from sim.params import Params
from sim.space import Neighbourhoods

_FIELDS = {
    "alive": bool, "hood": np.int32, "tradable": bool, "productivity": np.float64,
    "wage": np.float64, "required_skill": np.int8, "weight": np.float64, "cash": np.float64,
    "birth_month": np.int32, "death_month": np.int32, "incommuters": np.int32,
    "vacancies": np.int32, "desired": np.float64, "engaged": bool, "supported": bool,
    "wage_premium": np.float64, "vacancy_months": np.int16,
}


class Businesses:
    """Arrays with one row per business ever alive in the run."""

    def __init__(self, capacity: int):
        self.n = 0
        for name, dtype in _FIELDS.items():
            setattr(self, name, np.zeros(capacity, dtype))

    def _grow(self, needed: int) -> None:
        capacity = len(self.alive)
        if needed <= capacity:
            return
        new_capacity = max(needed, 2 * capacity)
        for name in _FIELDS:
            old = getattr(self, name)
            new = np.zeros(new_capacity, old.dtype)
            new[:capacity] = old
            setattr(self, name, new)

    def add(self, **columns) -> np.ndarray:
        """Append firms; returns their row ids. Unspecified columns are zero."""
        k = len(columns["hood"])
        self._grow(self.n + k)
        rows = np.arange(self.n, self.n + k)
        for name, values in columns.items():
            getattr(self, name)[rows] = values
        self.alive[rows] = True
        self.death_month[rows] = -1
        self.n += k
        return rows

    def view(self, name: str) -> np.ndarray:
        """The used part of column `name`."""
        return getattr(self, name)[: self.n]


def sector_wage(p: Params, tradable: np.ndarray) -> np.ndarray:
    """Mean wage by sector: [A] tradable jobs pay about 25% more than local services."""
    return np.where(tradable, 1.2, 0.9) * p.wage_mean


def draw_firm_traits(p: Params, tradable: np.ndarray, rng) -> dict:
    """Productivity (revenue per worker), wage and required skill of new firms."""
    k = len(tradable)
    wage = sector_wage(p, tradable) * rng.lognormal(-0.02, 0.2, k)
    required = np.clip(np.round(rng.normal(np.where(tradable, 2.2, 1.4), 0.9)), 0, 4)
    return dict(wage=wage, productivity=wage / p.labour_share,
                required_skill=required.astype(np.int8))


def monthly_costs(p: Params, size: np.ndarray, wage: np.ndarray,
                  productivity: np.ndarray) -> np.ndarray:
    """A firm's monthly wage bill at `size` plus its fixed cost (GBP/month)."""
    return size * wage + p.fixed_cost_workers * productivity


def starting_cash(p: Params, costs: np.ndarray, rng) -> np.ndarray:
    """Start-up capital: `startup_cash_months` months of the firm's costs on average.

    The spread between founders is a gamma with coefficient of variation
    `startup_cash_cv` (mean 1), so some start thin and some well funded, and a
    cohort founded together does not run out of cash in the same month.
    """
    k = len(costs)
    if p.startup_cash_cv <= 0:
        spread = np.ones(k)
    else:
        shape = 1.0 / p.startup_cash_cv**2
        spread = rng.gamma(shape, 1.0 / shape, k)
    return p.startup_cash_months * costs * spread


def location_weights(p: Params, hoods: Neighbourhoods, residents_by_hood: np.ndarray):
    """Where firms locate: markets (residents), ready sites, and finance [S] ECM; Lee & Cowling."""
    finance = np.where(hoods.deprived, 1 - 0.1 * p.finance_premium_pp, 1.0)
    w = residents_by_hood * (0.3 + hoods.site_readiness) * np.clip(finance, 0.05, None)
    return w / w.sum()


def size_quantiles(n: int, sigma: float) -> np.ndarray:
    """`n` firm sizes (before scaling) at the mid-quantiles of LN(0, sigma).

    Using quantiles rather than random draws (a stratified draw) keeps the
    shape, the micro share and the jobs held by the largest firms the same in
    every seed; which firm gets which size is random.
    """
    q = (np.arange(n) + 0.5) / max(n, 1)
    return np.exp(sigma * ndtri(q))


def sizes_summing_to(raw: np.ndarray, jobs: float) -> np.ndarray:
    """Whole sizes of at least 1 proportional to `raw` whose sum is as close to `jobs` as
    rounding allows (the floor at 1 adds jobs, so the scale is found by bisection)."""
    lo, hi = 0.0, 2.0 * jobs / raw.sum() + 1.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if np.maximum(1, np.round(raw * mid)).sum() > jobs:
            hi = mid
        else:
            lo = mid
    candidates = [np.maximum(1, np.round(raw * k)).astype(int) for k in (lo, hi)]
    return min(candidates, key=lambda s: abs(s.sum() - jobs))


def initial_sizes(p: Params, tradable: np.ndarray, jobs: float, rng) -> np.ndarray:
    """Initial employment of each firm: a heavy-tailed (lognormal) distribution whose mean
    is the district's jobs per firm; tradable firms are `tradable_size_ratio` times larger.

    Each sector takes the quantiles of its own distribution in random order.
    """
    raw = np.empty(len(tradable))
    for sector in (False, True):
        rows = np.flatnonzero(tradable == sector)
        scale = p.tradable_size_ratio if sector else 1.0
        raw[rows] = rng.permutation(size_quantiles(len(rows), p.firm_size_sigma)) * scale
    return sizes_summing_to(raw, jobs)


def initial_businesses(p: Params, hoods: Neighbourhoods, residents_by_hood, rng) -> Businesses:
    """The starting stock: heavy-tailed sizes summing to the district's jobs."""
    n_firms = max(5, int(round(p.businesses_per_100k * p.scale_per_100k)))
    jobs = p.jobs_per_100k * p.scale_per_100k
    tradable = rng.random(n_firms) < p.tradable_share_of_firms
    size = initial_sizes(p, tradable, jobs, rng)
    hood = rng.choice(hoods.n, size=n_firms, p=location_weights(p, hoods, residents_by_hood))
    firms = Businesses(capacity=int(n_firms * 1.5) + 16)
    traits = draw_firm_traits(p, tradable, rng)
    age = rng.integers(0, 240, n_firms)  # firms of all ages at the start
    costs = monthly_costs(p, size, traits["wage"], traits["productivity"])
    firms.add(hood=hood, tradable=tradable, birth_month=-age, desired=size.astype(float),
              cash=starting_cash(p, costs, rng), **traits)
    return firms
