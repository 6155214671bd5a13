"""What a calibration writes: posterior, trials, diagnostics, predictive check, scenario."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.calibrate.abc import DISTANCE, WEIGHT, Posterior
from sim.calibrate.problem import Problem
from sim.evaluate import evaluate
from sim.toml_text import toml_value


def predictive_check(problem: Problem, posterior: Posterior, draws: int, seed: int,
                     backend=None, folder: Path | None = None) -> pd.DataFrame:
    """Posterior-predictive check of every target: `draws` parameter sets resampled from
    the posterior, each run on the problem's seeds; the spread of the simulated target
    against its range."""
    from sim.analysis.posterior import draw_stream

    sets = posterior.draw(draws, draw_stream(seed))
    units = [problem.units(row._asdict()) for row in sets.itertuples(index=False)]
    flat = evaluate([u for us in units for u in us], backend, folder)
    n = len(problem.seeds)
    sims = pd.DataFrame([problem.simulated(flat[k * n:(k + 1) * n]) for k in range(draws)])
    rows = []
    for t in problem.targets.itertuples(index=False):
        v = sims[t.target].to_numpy(float)
        rows.append({"target": t.target, "value": t.value, "low": t.low, "high": t.high,
                     "predictive_mean": float(np.mean(v)),
                     "predictive_q05": float(np.quantile(v, 0.05)),
                     "predictive_q95": float(np.quantile(v, 0.95)),
                     "share_in_range": float(np.mean((v >= t.low) & (v <= t.high)))})
    return pd.DataFrame(rows)


def plot_posterior(trials: pd.DataFrame, posterior: Posterior, path: Path) -> None:
    """Marginals (weighted histograms; the prior sample behind them) on the diagonal and
    pairwise scatter of the accepted sets (size by weight) below it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    names, s = posterior.names, posterior.samples
    k = len(names)
    fig = Figure(figsize=(2.6 * k, 2.4 * k), layout="constrained")
    FigureCanvasAgg(fig)
    axes = np.atleast_2d(fig.subplots(k, k, squeeze=False))
    for i, a in enumerate(names):
        for j, b in enumerate(names):
            ax = axes[i, j]
            if j > i:
                ax.set_axis_off()
                continue
            if i == j:
                ax.hist(trials[a], bins=12, color="0.85", density=True, label="trials")
                ax.hist(s[a], bins=12, weights=s[WEIGHT], density=True, color="tab:blue",
                        alpha=0.8, label="posterior")
            else:
                ax.scatter(trials[b], trials[a], s=4, color="0.8")
                ax.scatter(s[b], s[a], s=10 + 200 * s[WEIGHT], color="tab:blue")
            if i == k - 1:
                ax.set_xlabel(b, fontsize=8)
            if j == 0 and i != j:
                ax.set_ylabel(a, fontsize=8)
            ax.tick_params(labelsize=7)
    axes[0, 0].legend(fontsize=7)
    fig.suptitle(f"ABC posterior: {len(s)} accepted of {len(trials)} trials, ESS "
                 f"{posterior.ess:.1f}", fontsize=9)
    fig.savefig(path, dpi=110)


def scenario_text(problem: Problem, best: dict, fixed: dict, district_path: str | None) -> str:
    """A scenario file: the baseline at the posterior's best point."""
    s = problem.scenario
    lines = ['name = "calibrated"',
             'description = "LSP baseline at the calibration posterior\'s best point '
             '(coalition calibrate)"', f"preset = {toml_value(s.preset)}",
             f"seed = {toml_value(s.seed)}"]
    if district_path is not None:
        lines.append(f"district = {toml_value(str(Path(district_path).resolve()))}")
    lines.append("\n[params]")
    lines += [f"{k} = {toml_value(v)}" for k, v in {**fixed, **best}.items()]
    lines += ["\n[policy]", 'regime = "lsp"']
    return "\n".join(lines) + "\n"


def diagnostics(trials: pd.DataFrame, posterior: Posterior, problem: Problem,
                seconds: float) -> dict:
    """Numbers a reader needs to judge the posterior."""
    finite = np.isfinite(trials[DISTANCE])
    return {
        "method": "ABC rejection on Optuna trials; Epanechnikov weights on distance/epsilon",
        "parameters": list(problem.names), "targets": list(problem.targets["target"]),
        "replicate_seeds": list(problem.seeds), "trials": len(trials),
        "trials_with_finite_distance": int(finite.sum()),
        "generations": [{"generation": 1, "epsilon": posterior.epsilon,
                         "accepted": len(posterior.samples),
                         "acceptance": posterior.acceptance}],
        "effective_sample_size": posterior.ess, "best": posterior.best(),
        "best_distance": float(posterior.samples[DISTANCE].min()),
        "interval_90": {n: list(posterior.interval(n)) for n in problem.names},
        "wall_seconds": round(seconds, 1),
    }
