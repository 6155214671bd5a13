"""Wall time, throughput and peak memory of a full default run for each preset.

Each measurement runs in a fresh Python process (so peak RSS is that run's own):
model construction, then 36 + 120 months. Resident-months per second counts
working-age residents times months simulated, over the stepping time.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
from sim.model import LocalEconomy
from sim.params import Params
t0 = time.perf_counter()
m = LocalEconomy(Params.from_preset(sys.argv[1]), rng=1)
t1 = time.perf_counter()
m.run()
t2 = time.perf_counter()
print(json.dumps({"build_s": t1 - t0, "step_s": t2 - t1, "total_s": t2 - t0,
                  "residents": int(m.residents.n), "months": m.total_months,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

TARGET_S = {"town": 0.3, "district": 2.0, "city": 30.0}


def measure(preset: str) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, preset], check=True,
                         capture_output=True, text=True)
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
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs), "target_s": TARGET_S[preset],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--preset", choices=list(TARGET_S), action="append")
    parser.add_argument("--repeats", type=int, default=None)
    args = parser.parse_args()
    rows = []
    for preset in args.preset or list(TARGET_S):
        repeats = args.repeats or (1 if preset == "city" else 3)
        rows.append(summarise(preset, [measure(preset) for _ in range(repeats)]))
        r = rows[-1]
        print(f"{preset:9s} total {r['total_s_median']:7.2f} s (min {r['total_s_min']:.2f}, "
              f"target {r['target_s']}) build {r['build_s_median']:.2f} s, "
              f"{r['resident_months_per_s'] / 1e6:6.2f} M resident-months/s, "
              f"peak {r['peak_rss_mb']:7.0f} MB, {r['residents']} residents", flush=True)
    out = Path("results/benchmarks/presets.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"machine": platform.platform(), "python": platform.python_version(),
                               "cpus": __import__("os").cpu_count(), "rows": rows}, indent=1))
    print(f"saved {out}")


if __name__ == "__main__":
    main()
