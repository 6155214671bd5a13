"""Decisions under calibration uncertainty: paired comparisons over posterior draws.

`compare --posterior FILE` draws K parameter sets from a calibration's posterior
(sim.calibrate.abc.Posterior, resampled by weight from the declared stream
`posterior_draws`) and runs, for each draw k, the usual paired comparison on the same S
seeds (common random numbers within and across draws). With D[k, s] an outcome's
difference (scenario minus comparison) for draw k and seed s, a one-way random-effects
analysis of variance splits its spread:

* seeds: sigma2_seed = mean over k of the variance of D[k, :] across seeds;
* parameters: sigma2_param = max(0, var over k of the draw means m_k - sigma2_seed / S),
  the spread of the expected effect across parameter sets the targets allow.

The reported interval is for the effect at a parameter set drawn from the posterior,
m +- t(K-1, 0.95) * sqrt(sigma2_param + sigma2_seed / S), where m is the grand mean; the
shares are sigma2_param and sigma2_seed / S over their sum (the variance of m_k).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis.compare import DIFFERENCES, difference_label
from sim.evaluate import COMPARISON, SCENARIO, Pair, evaluate
from sim.rng import declare, stream
from sim.scenario import Scenario

STREAM = "posterior_draws"
declare(STREAM, "sim.analysis.posterior", "parameter sets resampled from a calibration "
        "posterior (compare --posterior, calibrate's predictive check)")
LEVEL = 0.90


def draw_stream(seed: int) -> np.random.Generator:
    """The declared stream posterior draws come from, for master seed `seed`."""
    return stream(seed, STREAM)


def _with(scenario: Scenario, values: dict) -> Scenario:
    return replace(scenario, params=scenario.params.replace(where="posterior", **values))


def posterior_units(scenarios: list[Scenario], sets: pd.DataFrame, seeds) -> list[list[Pair]]:
    """For each draw, the pairs of every seed: one scenario against its counterfactual,
    or the first scenario against the second."""
    units = []
    for row in sets.itertuples(index=False):
        values = {k: (v.item() if hasattr(v, "item") else v) for k, v in row._asdict().items()}
        a = _with(scenarios[0], values)
        b = _with(scenarios[1], values) if len(scenarios) > 1 else None
        units.append([Pair(a, seed, b) for seed in seeds])
    return units


def decompose(d: np.ndarray, level: float = LEVEL) -> dict:
    """Mean, interval and the parameters' and seeds' shares of an outcome's [K, S]
    differences (see the module docstring)."""
    k, s = d.shape
    means = d.mean(axis=1)
    seed_var = float(d.var(axis=1, ddof=1).mean()) if s > 1 else 0.0
    param_var = max(float(means.var(ddof=1)) - seed_var / s, 0.0) if k > 1 else 0.0
    total = param_var + seed_var / s
    half = stats.t.ppf(0.5 + level / 2, max(k - 1, 1)) * np.sqrt(total)
    mean = float(d.mean())
    return {"difference": mean, "low": mean - half, "high": mean + half,
            "share_parameters": param_var / total if total > 0 else np.nan,
            "share_seeds": (seed_var / s) / total if total > 0 else np.nan,
            "sd_parameters": np.sqrt(param_var), "sd_seeds": np.sqrt(seed_var)}


def compare_under_posterior(scenarios: list[Scenario], posterior, draws: int, seeds,
                            backend=None, folder: str | Path | None = None, seed: int = 1,
                            progress: bool = False) -> pd.DataFrame:
    """One row per compared outcome: the difference, its interval over parameters and
    seeds, and the shares of its variance (see the module docstring)."""
    seeds = list(seeds)
    sets = posterior.draw(draws, draw_stream(seed))
    units = posterior_units(scenarios, sets, seeds)
    flat = evaluate([u for us in units for u in us], backend, folder, progress)
    n = len(seeds)
    rows = []
    for key in DIFFERENCES:
        d = np.array([[r.value(key, SCENARIO) - r.value(key, COMPARISON)
                       for r in flat[i * n:(i + 1) * n]] for i in range(draws)], float)
        rows.append({"outcome": key, "label": difference_label(key), **decompose(d)})
    return pd.DataFrame(rows)


def format_table(table: pd.DataFrame, names: list[str], draws: int, seeds: int) -> str:
    """A plain-text table of the differences under calibration uncertainty."""
    against = names[1] if len(names) > 1 else "no programme"
    head = (f"{names[0]} minus {against}: {draws} posterior draws x {seeds} seeds; "
            f"{int(LEVEL * 100)}% interval over parameters and seeds")
    lines = [head, "", f"{'outcome':34} {'difference':>12} {'interval':>27} "
             f"{'params':>7} {'seeds':>6}"]
    for r in table.itertuples(index=False):
        lines.append(f"{r.outcome:34} {r.difference:12.4g} "
                     f"{f'[{r.low:.4g}, {r.high:.4g}]':>27} {r.share_parameters:7.0%} "
                     f"{r.share_seeds:6.0%}")
    lines += ["", "params / seeds: shares of the interval's variance due to the calibrated "
              "parameters and to the seeds (docs/odd.md, decisions under calibration "
              "uncertainty)"]
    return "\n".join(lines)
