"""Wall time, throughput and peak memory of a full default run for each preset.

Each measurement runs in a fresh Python process (so peak RSS is that run's own):
model construction, then 36 + 120 months. Resident-months per second counts
working-age residents times months simulated, over the stepping time. The first
month is also reported on its own: it includes loading the cached compiled
kernels, a cost a new process pays once.

`--against DIR` times a second checkout (say, a clone of main) in the same
session, alternating which goes first, so that a shared machine's load falls on
both alike; the CPU seconds of each run are reported beside the wall time, as
they are less sensitive to other jobs. The machine's load average is recorded.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
from sim.model import LocalEconomy
from sim.params import Params
t0, c0 = time.perf_counter(), time.process_time()
m = LocalEconomy(Params.from_preset(sys.argv[1]), rng=1)
t1 = time.perf_counter()
m.step()
t_first = time.perf_counter()
m.run(m.total_months - 1)
t2, c2 = time.perf_counter(), time.process_time()
print(json.dumps({"build_s": t1 - t0, "step_s": t2 - t1, "total_s": t2 - t0, "cpu_s": c2 - c0,
                  "first_month_s": t_first - t1,
                  "residents": int(m.residents.n), "months": m.total_months,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

TARGET_S = {"town": 0.3, "district": 2.5, "city": 15.0}  # issues 9 and 15


def measure(preset: str, tree: Path | None = None) -> dict:
    """One run of `preset` in a fresh process, from this checkout or from `tree`."""
    env = None if tree is None else {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run([sys.executable, "-c", CHILD, preset], check=True, capture_output=True,
                         text=True, env=env, cwd=tree)
    return json.loads(out.stdout.strip().splitlines()[-1])


def summarise(preset: str, runs: list[dict]) -> dict:
    total = [r["total_s"] for r in runs]
    step = statistics.median(r["step_s"] for r in runs)
    r0 = runs[0]
    return {
        "preset": preset, "repeats": len(runs), "residents": r0["residents"],
        "months": r0["months"], "total_s_median": statistics.median(total),
        "total_s_min": min(total), "build_s_median": statistics.median(r["build_s"] for r in runs),
        "step_s_median": step, "resident_months_per_s": r0["residents"] * r0["months"] / step,
        "cpu_s_median": statistics.median(r["cpu_s"] for r in runs),
        "cpu_s_min": min(r["cpu_s"] for r in runs),
        "first_month_s_median": statistics.median(r["first_month_s"] for r in runs),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs), "target_s": TARGET_S[preset],
    }


def describe(label: str, r: dict) -> str:
    return (f"{label:16s} total {r['total_s_median']:7.2f} s (min {r['total_s_min']:.2f}, "
            f"target {r['target_s']}) cpu {r['cpu_s_median']:.2f} s (min {r['cpu_s_min']:.2f}) "
            f"build {r['build_s_median']:.2f} s, first month {r['first_month_s_median']:.2f} s, "
            f"{r['resident_months_per_s'] / 1e6:6.2f} M resident-months/s, "
            f"peak {r['peak_rss_mb']:7.0f} MB, {r['residents']} residents")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--preset", choices=list(TARGET_S), action="append")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--against", type=Path, default=None,
                        help="another checkout to time alongside, interleaved")
    args = parser.parse_args()
    trees = {"this": None} if args.against is None else {"this": None, "against": args.against}
    rows = []
    load_before = os.getloadavg()
    for preset in args.preset or list(TARGET_S):
        repeats = args.repeats or (1 if preset == "city" else 3)
        runs = {name: [] for name in trees}
        for i in range(repeats):
            order = list(trees.items()) if i % 2 == 0 else list(reversed(trees.items()))
            for name, tree in order:
                runs[name].append(measure(preset, tree))
        for name in trees:
            rows.append({"tree": str(trees[name] or "."), **summarise(preset, runs[name])})
            print(describe(f"{preset} {name}" if len(trees) > 1 else preset, rows[-1]),
                  flush=True)
    load = {"before": load_before, "after": os.getloadavg()}
    print(f"load average (1, 5, 15 min) before {load['before']}, after {load['after']}")
    out = Path("results/benchmarks/presets.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"machine": platform.platform(), "python": platform.python_version(),
                               "cpus": os.cpu_count(), "load_average": load, "rows": rows},
                              indent=1))
    print(f"saved {out}")


if __name__ == "__main__":
    main()
