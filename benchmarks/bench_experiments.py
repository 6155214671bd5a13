"""Benchmark of the experiment runner (sim.experiments).

Measurements, not tests. Each case runs in a fresh Python process, so its peak
memory (resident set, main process plus its worker processes) is its own.

    python benchmarks/bench_experiments.py            # every case
    python benchmarks/bench_experiments.py --quick    # smaller sizes
    python benchmarks/bench_experiments.py --only town --rounds 3   # interleaved rounds

With --rounds the chosen cases run again and again in rotated order, so the
ratios (2 processes against 1, Dask against processes) come from neighbouring
measurements on a machine whose load drifts. Every case records the load
average before and after, the CPU seconds its worker processes used, and the
workers' busy share: the simulations' own wall time over (elapsed x workers),
so that 1 - busy is the share lost to the runner (pool start-up, imports,
kernel loading, scheduling, writing shards) and to idle workers at the end.

Cases:

* town-*: simulations per minute of full-length town runs (36 + 120 months) on
  the process backend with 1 and 2 workers and on a Dask LocalCluster (2 workers).
* overhead-*: the runner against a bare Python loop calling a trivial function
  model, so the runner's own per-simulation cost dominates; memory-serial-10x
  runs ten times as many simulations, to show that peak memory stays flat.
* sobol-town-fraction: a fraction of the 6-factor Sobol study of the issue's batch
  target (experiments/sobol-reengagement.toml's factors and net outcomes, N = 256,
  4 replicates, full-length town, counterfactuals), with N = --sobol-samples
  (default 2) on 2 processes; the time of the whole study is extrapolated by the
  number of simulations (so the pool's start-up is counted 128 times over: an
  upper bound).
* boltzmann-*: the same full-factorial design of Mesa's BoltzmannWealth model
  through `mesa.batch_run` and through our runner (serial and 2 processes): time
  and peak memory. `mesa.batch_run` cannot pass parameters to BoltzmannWealth in
  Mesa 3.5 (its constructor takes a scenario object), so it runs a thin subclass
  with keyword parameters; our runner builds the scenario itself.

Results print as a table and are saved to results/benchmarks/experiments.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "results" / "benchmarks" / "experiments.json"
BOLTZMANN = "mesa.examples.basic.boltzmann_wealth_model.model:BoltzmannWealth"


def town_experiment(sims: int) -> str:
    return f"""
    name = "bench-town"
    [model]
    kind = "local_economy"
    scenario = "{ROOT / 'experiments' / 'lsp-baseline.toml'}"
    preset = "town"
    [factors.search_intensity]
    low = 0.2
    high = 0.36
    [design]
    method = "lhs"
    samples = {sims}
    seed = 1
    [outcomes.reengaged_6m]
    summary = "reengaged_6m"
    [outcomes.employment_deprived]
    column = "employment_rate_deprived"
    """


def trivial_experiment(sims: int) -> str:
    return f"""
    name = "bench-trivial"
    [model]
    kind = "function"
    function = "benchmarks_trivial:trivial"
    [factors.x]
    low = 0.0
    high = 1.0
    [design]
    method = "lhs"
    samples = {sims}
    seed = 1
    [outcomes.y]
    """


def boltzmann_experiment(replicates: int, steps: int) -> str:
    return f"""
    name = "bench-boltzmann"
    [model]
    kind = "mesa"
    class = "{BOLTZMANN}"
    steps = {steps}
    [factors.n]
    levels = [50, 100, 150, 200]
    [factors.width]
    levels = [10, 20]
    [factors.height]
    levels = [10, 20]
    [design]
    method = "grid"
    replicates = {replicates}
    seed = 1
    [outcomes.gini]
    reporter = "Gini"
    """


SOBOL_TARGET_SAMPLES = 256


def sobol_experiment(samples: int) -> str:
    """The issue's Sobol study at N = samples: experiments/sobol-reengagement.toml (6
    factors, town, net outcomes) with the target's 4 replicates."""
    import tomllib

    from sim.toml_text import toml_document

    source = ROOT / "experiments" / "sobol-reengagement.toml"
    doc = tomllib.loads(source.read_text(encoding="utf-8"))
    doc["name"] = "bench-sobol"
    doc["model"]["scenario"] = str(source.parent / doc["model"]["scenario"])
    doc["design"].update(samples=samples, replicates=4)
    doc.pop("run", None)  # the benchmark chooses the backend
    return toml_document(doc)


def sobol_fraction(samples: int) -> dict:
    """A fraction of the Sobol target study on 2 processes, extrapolated to N = 256."""
    result = run_ours(sobol_experiment(samples), "processes", 2)
    scale = SOBOL_TARGET_SAMPLES / samples
    result.update(sobol_samples=samples, extrapolated_simulations=round(result["simulations"]
                                                                        * scale),
                  extrapolated_seconds=round(result["seconds"] * scale, 1))
    return result


def run_ours(text: str, backend: str, workers: int, **kwargs) -> dict:
    """Run an experiment text with our runner: seconds, simulations and the workers' busy
    share (the simulations' wall time over elapsed x workers)."""
    import pyarrow.parquet as pq

    from sim.experiments import read_manifest, run_study

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "exp.toml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        start = time.perf_counter()
        folder = run_study(path, backend=backend, workers=workers, out_root=Path(tmp) / "r",
                           progress=False, **kwargs)
        seconds = time.perf_counter() - start
        counts = read_manifest(folder)["counts"]  # not read_runs: keep the table out of memory
        busy = pq.read_table(folder / "runs.parquet", columns=["wall_seconds"])
        sim_seconds = float(sum(busy.column("wall_seconds").to_pylist()))
    return {"seconds": seconds, "simulations": counts["done"], "failed": counts["failed"],
            "workers": workers, "busy": round(sim_seconds / (seconds * workers), 3)}


def bare_loop(sims: int) -> dict:
    """The trivial model called in a plain loop over the same design: the floor."""
    from benchmarks_trivial import trivial

    from sim.experiments import load_experiment
    from sim.experiments.design import make_design

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "exp.toml"
        path.write_text(textwrap.dedent(trivial_experiment(sims)), encoding="utf-8")
        design = make_design(load_experiment(path))
    start = time.perf_counter()
    results = [trivial(x, seed=1) for x in design.values["x"]]
    return {"seconds": time.perf_counter() - start, "simulations": len(results), "failed": 0}


def mesa_batch_run(replicates: int, steps: int, processes: int) -> dict:
    """The same grid through mesa.batch_run, with a keyword-parameter subclass."""
    import mesa
    from benchmarks_boltzmann import BoltzmannKw

    start = time.perf_counter()
    results = mesa.batch_run(BoltzmannKw, parameters={"n": [50, 100, 150, 200],
                                                      "width": [10, 20], "height": [10, 20]},
                             number_processes=processes, rng=list(range(replicates)),
                             max_steps=steps, data_collection_period=-1,
                             display_progress=False)
    runs = len({(r["RunId"]) for r in results})
    return {"seconds": time.perf_counter() - start, "simulations": runs, "failed": 0,
            "rows_returned": len(results)}


def case(name: str, quick: bool, sobol_samples: int = 2) -> dict:
    """Run one named case in this process and return its measurements."""
    town, trivial, reps = (8, 2000, 2) if quick else (24, 20000, 5)
    steps = 100
    cases = {
        "town-processes-1": lambda: run_ours(town_experiment(town), "processes", 1),
        "town-processes-2": lambda: run_ours(town_experiment(town), "processes", 2),
        "town-dask-2": lambda: run_ours(town_experiment(town), "dask", 2),
        "sobol-town-fraction": lambda: sobol_fraction(sobol_samples),
        "overhead-bare-loop": lambda: bare_loop(trivial),
        "overhead-serial": lambda: run_ours(trivial_experiment(trivial), "serial", 1),
        "overhead-processes-2": lambda: run_ours(trivial_experiment(trivial), "processes", 2),
        "memory-serial-10x": lambda: run_ours(trivial_experiment(10 * trivial), "serial", 1),
        "boltzmann-mesa-batch_run-1": lambda: mesa_batch_run(reps, steps, 1),
        "boltzmann-mesa-batch_run-2": lambda: mesa_batch_run(reps, steps, 2),
        "boltzmann-ours-serial": lambda: run_ours(boltzmann_experiment(reps, steps), "serial", 1),
        "boltzmann-ours-processes-2": lambda: run_ours(boltzmann_experiment(reps, steps),
                                                       "processes", 2),
    }
    result = cases[name]()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    children = usage.ru_maxrss / 1024
    result.update(case=name, peak_rss_mb_main=round(own, 1),
                  cpu_seconds_children=round(usage.ru_utime + usage.ru_stime, 1),
                  peak_rss_mb_largest_child=round(children, 1),
                  per_minute=round(60 * result["simulations"] / result["seconds"], 1))
    return result


CASES = ("town-processes-1", "town-processes-2", "town-dask-2", "sobol-town-fraction",
         "overhead-bare-loop",
         "overhead-serial", "overhead-processes-2", "memory-serial-10x",
         "boltzmann-mesa-batch_run-1",
         "boltzmann-mesa-batch_run-2", "boltzmann-ours-serial", "boltzmann-ours-processes-2")


def in_subprocess(name: str, quick: bool, sobol_samples: int = 2) -> dict:
    command = [sys.executable, __file__, "--case", name, "--sobol-samples", str(sobol_samples)]
    command += ["--quick"] if quick else []
    before = os.getloadavg()[0]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    if done.returncode != 0:
        return {"case": name, "error": done.stderr.strip().splitlines()[-1:]}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result.update(load_before=before, load_after=os.getloadavg()[0])
    return result


def format_table(results: list[dict]) -> str:
    lines = [f"{'case':30s} {'sims':>7s} {'seconds':>8s} {'sims/min':>10s} {'us/sim':>9s} "
             f"{'peak MB main':>12s} {'peak MB child':>13s} {'busy':>5s} {'load':>5s}"]
    for r in results:
        if "error" in r:
            lines.append(f"{r['case']:30s} error: {r['error']}")
            continue
        us = 1e6 * r["seconds"] / r["simulations"]
        lines.append(f"{r['case']:30s} {r['simulations']:7d} {r['seconds']:8.2f} "
                     f"{r['per_minute']:10.1f} {us:9.1f} {r['peak_rss_mb_main']:12.1f} "
                     f"{r['peak_rss_mb_largest_child']:13.1f} {r.get('busy', float('nan')):5.2f} "
                     f"{r.get('load_before', float('nan')):5.2f}")
    return "\n".join(lines)


def overhead_summary(results: list[dict]) -> dict:
    """Runner cost per simulation beyond the bare loop, in microseconds."""
    by = {r["case"]: r for r in results if "error" not in r}
    bare = by.get("overhead-bare-loop")
    if bare is None:
        return {}
    floor = bare["seconds"] / bare["simulations"]
    return {name: round(1e6 * (by[name]["seconds"] / by[name]["simulations"] - floor), 2)
            for name in ("overhead-serial", "overhead-processes-2") if name in by}


def rotated(names: list[str], round_index: int) -> list[str]:
    """`names` rotated by the round number, so each case takes every position in turn."""
    k = round_index % len(names) if names else 0
    return names[k:] + names[:k]


def scaling_summary(results: list[dict]) -> dict:
    """The batch targets as ratios of medians over rounds (None where a case is missing):
    2 processes against 1 (target >= 1.9), Dask's time against processes' (<= 1.05), and
    the speed-up the workers' busy shares allow (see the comment below)."""
    import statistics

    def median_seconds(name):
        times = [r["seconds"] for r in results if r.get("case") == name and "error" not in r]
        return statistics.median(times) if times else None

    def median_busy(name):
        shares = [r["busy"] for r in results if r.get("case") == name and "busy" in r]
        return statistics.median(shares) if shares else None

    one, two, dask = (median_seconds(f"town-{b}") for b in ("processes-1", "processes-2",
                                                            "dask-2"))
    busy_one, busy_two = median_busy("town-processes-1"), median_busy("town-processes-2")
    # What the runner alone allows if each worker got a whole core: 2 x busy_2 / busy_1.
    # Unlike the measured speed-up it hardly moves with other jobs' load.
    runner_bound = 2 * busy_two / busy_one if busy_one and busy_two else None
    return {"speedup_2_vs_1_processes": one / two if one and two else None,
            "speedup_2_vs_1_runner_bound": runner_bound,
            "dask_over_processes_time": dask / two if dask and two else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=CASES, help="run one case here (internal)")
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    parser.add_argument("--only", default="", help="only the cases whose name starts so, "
                        "e.g. town")
    parser.add_argument("--rounds", type=int, default=1, help="run the cases this many "
                        "times, interleaved in rotated order")
    parser.add_argument("--sobol-samples", type=int, default=2,
                        help="N of sobol-town-fraction (a power of 2; the target is 256)")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    if args.case:
        print(json.dumps(case(args.case, args.quick, args.sobol_samples)))
        return
    results = []
    names = [c for c in CASES if c.startswith(args.only)]
    uptime_before = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    for i in range(args.rounds):
        for name in rotated(names, i):
            results.append(in_subprocess(name, args.quick, args.sobol_samples))
            results[-1]["round"] = i + 1
            print(format_table(results[-1:]).splitlines()[-1], flush=True)
    print()
    print(format_table(results))
    overhead = overhead_summary(results)
    print("\nrunner overhead per simulation beyond a bare loop (microseconds):", overhead)
    scaling = scaling_summary(results)
    print("batch targets (medians over rounds):", scaling)
    uptime_after = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"uptime before: {uptime_before}\nuptime after:  {uptime_after}")
    out = OUT.with_name(f"experiments-{args.only}.json") if args.only else OUT
    out.parent.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    out.write_text(json.dumps({"quick": args.quick, "rounds": args.rounds,
                               "load_average_after": load, "uptime_before": uptime_before,
                               "uptime_after": uptime_after, "results": results,
                               "overhead_us_per_simulation": overhead, "batch_targets": scaling},
                              indent=1) + "\n")
    print(f"saved {out}")


if __name__ == "__main__":
    main()
