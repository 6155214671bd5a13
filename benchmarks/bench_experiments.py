"""Benchmark of the experiment runner (sim.experiments).

Measurements, not tests. Each case runs in a fresh Python process, so its peak
memory (resident set, main process plus its worker processes) is its own.

    python benchmarks/bench_experiments.py            # every case
    python benchmarks/bench_experiments.py --quick    # smaller sizes

Cases:

* town-*: simulations per minute of full-length town runs (36 + 120 months) on
  the process backend with 1 and 2 workers and on a Dask LocalCluster (2 workers).
* overhead-*: the runner against a bare Python loop calling a trivial function
  model, so the runner's own per-simulation cost dominates; memory-serial-10x
  runs ten times as many simulations, to show that peak memory stays flat.
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


def run_ours(text: str, backend: str, workers: int, **kwargs) -> dict:
    """Run an experiment text with our runner; seconds and simulations."""
    from sim.experiments import read_manifest, run_study

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "exp.toml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        start = time.perf_counter()
        folder = run_study(path, backend=backend, workers=workers, out_root=Path(tmp) / "r",
                           progress=False, **kwargs)
        seconds = time.perf_counter() - start
        counts = read_manifest(folder)["counts"]  # not read_runs: keep the table out of memory
    return {"seconds": seconds, "simulations": counts["done"], "failed": counts["failed"]}


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


def case(name: str, quick: bool) -> dict:
    """Run one named case in this process and return its measurements."""
    town, trivial, reps = (8, 2000, 2) if quick else (24, 20000, 5)
    steps = 100
    cases = {
        "town-processes-1": lambda: run_ours(town_experiment(town), "processes", 1),
        "town-processes-2": lambda: run_ours(town_experiment(town), "processes", 2),
        "town-dask-2": lambda: run_ours(town_experiment(town), "dask", 2),
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
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    result.update(case=name, peak_rss_mb_main=round(own, 1),
                  peak_rss_mb_largest_child=round(children, 1),
                  per_minute=round(60 * result["simulations"] / result["seconds"], 1))
    return result


CASES = ("town-processes-1", "town-processes-2", "town-dask-2", "overhead-bare-loop",
         "overhead-serial", "overhead-processes-2", "memory-serial-10x",
         "boltzmann-mesa-batch_run-1",
         "boltzmann-mesa-batch_run-2", "boltzmann-ours-serial", "boltzmann-ours-processes-2")


def in_subprocess(name: str, quick: bool) -> dict:
    command = [sys.executable, __file__, "--case", name] + (["--quick"] if quick else [])
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    if done.returncode != 0:
        return {"case": name, "error": done.stderr.strip().splitlines()[-1:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def format_table(results: list[dict]) -> str:
    lines = [f"{'case':30s} {'sims':>7s} {'seconds':>8s} {'sims/min':>10s} {'us/sim':>9s} "
             f"{'peak MB main':>12s} {'peak MB child':>13s}"]
    for r in results:
        if "error" in r:
            lines.append(f"{r['case']:30s} error: {r['error']}")
            continue
        us = 1e6 * r["seconds"] / r["simulations"]
        lines.append(f"{r['case']:30s} {r['simulations']:7d} {r['seconds']:8.2f} "
                     f"{r['per_minute']:10.1f} {us:9.1f} {r['peak_rss_mb_main']:12.1f} "
                     f"{r['peak_rss_mb_largest_child']:13.1f}")
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=CASES, help="run one case here (internal)")
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    parser.add_argument("--only", default="", help="only the cases whose name starts so, "
                        "e.g. town")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    if args.case:
        print(json.dumps(case(args.case, args.quick)))
        return
    results = []
    for name in (c for c in CASES if c.startswith(args.only)):
        results.append(in_subprocess(name, args.quick))
        print(format_table(results[-1:]).splitlines()[-1], flush=True)
    print()
    print(format_table(results))
    overhead = overhead_summary(results)
    print("\nrunner overhead per simulation beyond a bare loop (microseconds):", overhead)
    out = OUT.with_name(f"experiments-{args.only}.json") if args.only else OUT
    out.parent.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    out.write_text(json.dumps({"quick": args.quick, "load_average_after": load,
                               "results": results, "overhead_us_per_simulation": overhead},
                              indent=1) + "\n")
    print(f"saved {out}")


if __name__ == "__main__":
    main()
