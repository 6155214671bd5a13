"""`coalition calibrate` end to end: study, posterior, diagnostics, calibrated scenario."""

from __future__ import annotations

import json
import time
import warnings
from pathlib import Path

from sim.calibrate.abc import posterior_from_trials
from sim.calibrate.outputs import diagnostics, plot_posterior, predictive_check, scenario_text
from sim.calibrate.problem import CalibrationError, Problem
from sim.calibrate.study import calibrate


def run_calibration(problem: Problem, trials: int, out: str | Path, accept: float = 0.2,
                    sampler: str = "qmc", seed: int = 1, ppc_draws: int = 8, backend=None,
                    fixed: dict | None = None, district_path: str | None = None,
                    progress: bool = False) -> dict:
    """Calibrate and write, into `out`: trials.parquet, posterior.parquet, diagnostics.json,
    diagnostics.png, predictive-check.csv and calibrated.toml. Returns the diagnostics.

    Args:
        problem: scenario, free parameters, targets and replicate seeds.
        trials: finished trials wanted (a resumed study runs only the missing ones).
        out: the output folder (also holds the study journal and the finished runs).
        accept: share of trials the posterior keeps.
        sampler: "qmc" (prior sample, valid ABC) or "tpe" (optimiser; biased posterior).
        seed: the sampler's and the posterior draws' seed.
        ppc_draws: posterior draws for the predictive check (0: none).
        fixed: parameter overrides held fixed (written into the calibrated scenario).
        district_path: the district file the problem's scenario uses, if any.
    """
    out = Path(out)
    start = time.perf_counter()
    with warnings.catch_warnings():  # Optuna marks QMCSampler experimental since 3.0
        warnings.simplefilter("ignore", category=Warning)
        table = calibrate(problem, trials, out, sampler, seed, backend, progress=progress)
    try:
        posterior = posterior_from_trials(table, problem.names, accept)
    except ValueError as exc:
        raise CalibrationError(f"{out}: {exc}") from None
    table.to_parquet(out / "trials.parquet", index=False)
    posterior.write(out / "posterior.parquet")
    plot_posterior(table, posterior, out / "diagnostics.png")
    if ppc_draws > 0:
        predictive_check(problem, posterior, ppc_draws, seed, backend,
                         out / "units").to_csv(out / "predictive-check.csv", index=False)
    doc = diagnostics(table, posterior, problem, time.perf_counter() - start)
    (out / "diagnostics.json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    (out / "calibrated.toml").write_text(scenario_text(problem, posterior.best(), fixed or {},
                                                       district_path), encoding="utf-8")
    return doc


def format_summary(doc: dict, out: Path) -> str:
    """A few lines for the terminal."""
    lines = [f"{doc['trials']} trials, {doc['generations'][0]['accepted']} accepted "
             f"(epsilon {doc['generations'][0]['epsilon']:.3g}), effective sample size "
             f"{doc['effective_sample_size']:.1f}, {doc['wall_seconds']} s", ""]
    for name, (low, high) in doc["interval_90"].items():
        lines.append(f"{name:32} best {doc['best'][name]:.4g}  90% [{low:.4g}, {high:.4g}]")
    lines += ["", f"Output: {out} (posterior.parquet, diagnostics.png, predictive-check.csv, "
              "calibrated.toml)"]
    return "\n".join(lines)
