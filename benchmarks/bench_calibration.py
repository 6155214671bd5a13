"""Calibration benchmarks (measurements, not tests).

    python benchmarks/bench_calibration.py --case town6      # 6 parameters on town
    python benchmarks/bench_calibration.py --case recovery   # the recovery test, longer

`town6` times `coalition calibrate` of six labour-market parameters on the full-length
town baseline against every target one baseline run measures, and reports the effective
sample size reached. `recovery` repeats tests/district/test_recovery.py with more trials,
replicates and months, and reports whether the true values fall in the 90% intervals.
Results print and go to results/benchmarks/calibration-<case>.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "district")]

SIX = ("search_intensity", "separation_base", "health_mean_deprived", "on_the_job_search",
       "search_distance_decay_km", "ttwa_distance_km")


def town6(trials: int, replicates: int, out: Path) -> dict:
    from sim.analysis import validation
    from sim.calibrate import Problem, calibratable_targets
    from sim.calibrate.command import run_calibration

    problem = Problem(validation.baseline_scenario("town"), SIX,
                      calibratable_targets(validation.load_targets()),
                      tuple(range(1, replicates + 1)))
    doc = run_calibration(problem, trials, out, accept=0.2, ppc_draws=4)
    return {"trials": trials, "replicates": replicates, "seconds": doc["wall_seconds"],
            "seconds_per_run": doc["wall_seconds"] / (trials * replicates + 4 * replicates),
            "effective_sample_size": doc["effective_sample_size"],
            "best_distance": doc["best_distance"], "interval_90": doc["interval_90"]}


def recovery(trials: int, replicates: int, out: Path) -> dict:
    from recovery import TRUTH, recover

    start = time.perf_counter()
    posterior, _ = recover(out, trials, 0.2, (36, 60), truth_seeds=(101, 102),
                           seeds=tuple(range(1, replicates + 1)), half_width=0.1)
    intervals = {n: posterior.interval(n) for n in TRUTH}
    return {"trials": trials, "replicates": replicates,
            "seconds": round(time.perf_counter() - start, 1), "truth": TRUTH,
            "interval_90": intervals, "effective_sample_size": posterior.ess,
            "covered": {n: lo <= TRUTH[n] <= hi for n, (lo, hi) in intervals.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=("town6", "recovery"), default="town6")
    parser.add_argument("--trials", type=int, default=48)
    parser.add_argument("--replicates", type=int, default=2)
    args = parser.parse_args()
    out = ROOT / "results" / "benchmarks" / f"calibration-{args.case}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = (town6 if args.case == "town6" else recovery)(args.trials, args.replicates,
                                                                out)
    text = json.dumps(result, indent=2, default=float)
    print(text)
    (out.parent / f"calibration-{args.case}.json").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
