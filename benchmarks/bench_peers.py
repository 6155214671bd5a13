"""Side-by-side throughput of our model and two peer agent-based frameworks.

Measurements, not tests. In each round (default 3) every peer runs once, each in
a fresh Python process, in an order rotated from round to round so that drift of
a shared machine's speed falls on all of them alike:

* ours: `district` and `town` (optionally `city`), the full default run
  (36 burn-in + 120 programme months) as benchmarks/bench_presets.py does it;
  throughput in resident-months per second (working-age residents x months).
* mesa: Mesa's BoltzmannWealth example (one Python object per agent; the Mesa of
  this project's environment), 2,500 agents on a 50 x 50 grid (the example's
  density of one agent per cell), 100 steps; agent-steps per second.
* starsim: Starsim's SIR on its random contact network, 100,000 agents, 100
  yearly steps (Starsim's own tests/profile_sim.py uses the same size), default
  disease parameters; agent-steps per second. Starsim runs in a SEPARATE Python
  environment (its pins need not agree with ours); this script installs nothing.
  Give its interpreter with --starsim-python or the STARSIM_PYTHON variable;
  make one with

      python3.12 -m venv /path/starsim-venv && /path/starsim-venv/bin/pip install starsim

What is timed: imports are excluded, and so is one small warm-up run in the
same process (it loads our cached numba kernels and compiles Starsim's and
numpy's first-use paths), so the headline throughput is the steady stepping
rate. Construction (our model's build, Mesa's agent creation, Starsim's
`sim.init()`) is timed apart and reported, and a second throughput counts it in.
Ratios compare medians over rounds.

    python benchmarks/bench_peers.py                          # 3 rounds
    python benchmarks/bench_peers.py --rounds 5 --with-city   # city adds about a minute a round

Results print as a table and are saved to results/benchmarks/peers.json.
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

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "results" / "benchmarks" / "peers.json"
STARSIM_ENV = "STARSIM_PYTHON"
INSTALL_STARSIM = ("python3.12 -m venv /path/starsim-venv && "
                   "/path/starsim-venv/bin/pip install starsim")

MESA_AGENTS, MESA_SIDE, MESA_STEPS = 2_500, 50, 100
STARSIM_AGENTS, STARSIM_STEPS = 100_000, 100

# Each child prints one JSON line: build_s, step_s, units (agent-steps or resident-months).
OURS = r"""
import json, sys, time
from sim.model import LocalEconomy
from sim.params import Params
warm = Params.from_preset("town").replace(burn_in_months=1, programme_months=1)
LocalEconomy(warm, rng=2).run()
t0 = time.perf_counter()
m = LocalEconomy(Params.from_preset(sys.argv[1]), rng=1)
t1 = time.perf_counter()
m.run()
t2 = time.perf_counter()
print(json.dumps({"build_s": t1 - t0, "step_s": t2 - t1, "agents": int(m.residents.n),
                  "steps": m.total_months, "units": int(m.residents.n) * m.total_months}))
"""

MESA = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
import mesa
from benchmarks_boltzmann import BoltzmannKw
n, side, steps = (int(a) for a in sys.argv[2:5])
w = BoltzmannKw(n=100, width=10, height=10, rng=2)
for _ in range(5):
    w.step()
t0 = time.perf_counter()
m = BoltzmannKw(n=n, width=side, height=side, rng=1)
t1 = time.perf_counter()
for _ in range(steps):
    m.step()
t2 = time.perf_counter()
print(json.dumps({"build_s": t1 - t0, "step_s": t2 - t1, "agents": n, "steps": steps,
                  "units": n * steps, "version": mesa.__version__}))
"""

STARSIM = r"""
import json, sys, time
import starsim as ss
n, steps = int(sys.argv[1]), int(sys.argv[2])
def make(n_agents, dur, seed):
    return ss.Sim(n_agents=n_agents, start=2000, dur=dur, diseases="sir", networks="random",
                  rand_seed=seed, verbose=0)
make(1000, 5, 2).run()
t0 = time.perf_counter()
sim = make(n, steps, 1)
sim.init()
t1 = time.perf_counter()
sim.run()
t2 = time.perf_counter()
points = len(sim.t.timevec)  # Starsim steps once per time point, the first included
print(json.dumps({"build_s": t1 - t0, "step_s": t2 - t1, "agents": n, "steps": points,
                  "units": n * points, "version": ss.__version__}))
"""


def commands(peer: str, starsim_python: str | None) -> list[str]:
    """The child command line that measures `peer` once."""
    if peer in ("town", "district", "city"):
        return [sys.executable, "-c", OURS, peer]
    if peer == "mesa":
        return [sys.executable, "-c", MESA, str(ROOT / "benchmarks"),
                str(MESA_AGENTS), str(MESA_SIDE), str(MESA_STEPS)]
    return [starsim_python, "-c", STARSIM, str(STARSIM_AGENTS), str(STARSIM_STEPS)]


def measure(peer: str, starsim_python: str | None) -> dict:
    """One fresh-process measurement of `peer`, with the load average before and after."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), STARSIM_INSTALL_FONTS="0")
    before = os.getloadavg()
    done = subprocess.run(commands(peer, starsim_python), capture_output=True, text=True,
                          cwd=ROOT, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{peer} failed: {done.stderr.strip()[-2000:]}")
    row = json.loads(done.stdout.strip().splitlines()[-1])
    row.update(peer=peer, load_before=before[0], load_after=os.getloadavg()[0])
    return row


def starsim_interpreter(given: str | None) -> str | None:
    """The Starsim environment's python, or None (with the reason printed) if unusable."""
    path = given or os.environ.get(STARSIM_ENV)
    if not path:
        print(f"starsim: skipped (no interpreter given: pass --starsim-python or set "
              f"{STARSIM_ENV}; make one with: {INSTALL_STARSIM})")
        return None
    probe = subprocess.run([path, "-c", "import starsim"], capture_output=True, text=True,
                           env=dict(os.environ, STARSIM_INSTALL_FONTS="0"), check=False)
    if probe.returncode != 0:
        print(f"starsim: skipped ({path} cannot import starsim; make an environment with: "
              f"{INSTALL_STARSIM})")
        return None
    return path


def rotated(peers: list[str], round_index: int) -> list[str]:
    """`peers` rotated by the round number, so each takes every position in turn."""
    k = round_index % len(peers)
    return peers[k:] + peers[:k]


def summarise(rows: list[dict]) -> dict:
    """Medians over rounds for one peer."""
    step = statistics.median(r["step_s"] for r in rows)
    build = statistics.median(r["build_s"] for r in rows)
    units = rows[0]["units"]
    rates = [r["units"] / r["step_s"] for r in rows]
    return {"rounds": len(rows), "agents": rows[0]["agents"], "steps": rows[0]["steps"],
            "units": units, "build_s": build, "step_s": step,
            "per_s": statistics.median(rates), "per_s_min": min(rates), "per_s_max": max(rates),
            "per_s_with_build": units / (build + step), "version": rows[0].get("version")}


def per_round_ratio(rows: dict, top: str, bottom: str) -> float | None:
    """Median over rounds of top's throughput over bottom's in the same round."""
    if not rows.get(top) or not rows.get(bottom):
        return None
    return statistics.median((a["units"] / a["step_s"]) / (b["units"] / b["step_s"])
                             for a, b in zip(rows[top], rows[bottom], strict=True))


def ratios(summary: dict, rows: dict) -> list[dict]:
    """The issue's targets as measured ratios (None where a peer was not run): `value` is
    the ratio of medians, `per_round` the median of the ratios within each round."""
    def rate(peer):
        return summary[peer]["per_s"] if peer in summary else None

    out = []
    district = rate("district")
    for peer, target in (("starsim", 3.0), ("mesa", 50.0)):
        value = district / rate(peer) if district and rate(peer) else None
        out.append({"ratio": f"district / {peer}", "value": value, "target": f">= {target:g}",
                    "per_round": per_round_ratio(rows, "district", peer),
                    "met": None if value is None else value >= target})
    ours = {p: rate(p) for p in ("town", "district", "city") if rate(p)}
    if len(ours) > 1:
        spread = max(ours.values()) / min(ours.values()) - 1
        out.append({"ratio": f"throughput spread ({', '.join(ours)}): max / min - 1",
                    "value": spread, "target": "<= 0.2", "per_round": None,
                    "met": spread <= 0.2})
    return out


def format_table(summary: dict) -> str:
    lines = [f"{'peer':9s} {'version':>8s} {'agents':>8s} {'steps':>6s} {'build s':>8s} "
             f"{'step s':>7s} {'M per s':>8s} {'(min-max)':>13s} {'M/s incl. build':>16s}"]
    for peer, s in summary.items():
        lines.append(f"{peer:9s} {s['version'] or 'ours':>8s} {s['agents']:8d} {s['steps']:6d} "
                     f"{s['build_s']:8.2f} {s['step_s']:7.2f} {s['per_s'] / 1e6:8.2f} "
                     f"{s['per_s_min'] / 1e6:6.2f}-{s['per_s_max'] / 1e6:<6.2f} "
                     f"{s['per_s_with_build'] / 1e6:16.2f}")
    return "\n".join(lines)


def format_ratios(rows: list[dict]) -> str:
    lines = []
    for r in rows:
        value = "n/a" if r["value"] is None else f"{r['value']:.2f}"
        paired = "" if r["per_round"] is None else f" (per round {r['per_round']:.2f})"
        met = {None: "not measured", True: "met", False: "NOT met"}[r["met"]]
        lines.append(f"{r['ratio']:50s} {value:>6s}{paired:18s} target {r['target']:6s} {met}")
    return "\n".join(lines)


def cpu_model() -> str:
    """The processor's name (Linux), else what platform knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def commit() -> str:
    done = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True, check=False)
    return done.stdout.strip() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--starsim-python", help=f"python of a Starsim environment "
                        f"(default: ${STARSIM_ENV})")
    parser.add_argument("--with-city", action="store_true", help="add the city preset")
    parser.add_argument("--skip", action="append", default=[],
                        choices=["town", "district", "mesa", "starsim"])
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    starsim = None if "starsim" in args.skip else starsim_interpreter(args.starsim_python)
    peers = [p for p in ("district", "town", "mesa", "starsim") if p not in args.skip]
    peers = [p for p in peers if p != "starsim" or starsim] + (["city"] if args.with_city else [])
    if not peers:
        parser.error("nothing left to run")
    uptime_before = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    rows: dict[str, list[dict]] = {p: [] for p in peers}
    for i in range(args.rounds):
        for peer in rotated(peers, i):
            row = measure(peer, starsim)
            rows[peer].append(row)
            print(f"round {i + 1}: {peer:9s} {row['units'] / row['step_s'] / 1e6:7.2f} M/s "
                  f"(step {row['step_s']:.2f} s, load {row['load_before']:.2f})", flush=True)
    summary = {p: summarise(rows[p]) for p in peers}
    targets = ratios(summary, rows)
    print()
    print(format_table(summary))
    print()
    print(format_ratios(targets))
    uptime_after = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"\nuptime before: {uptime_before}\nuptime after:  {uptime_after}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({
        "commit": commit(), "machine": platform.platform(), "processor": cpu_model(),
        "python": platform.python_version(), "cpus": os.cpu_count(), "rounds": args.rounds,
        "uptime_before": uptime_before, "uptime_after": uptime_after,
        "summary": summary, "targets": targets, "runs": rows}, indent=1) + "\n")
    print(f"saved {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
