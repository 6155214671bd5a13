"""Function models (test doubles) for tests of the experiment runner and the analysis.

Experiment files in the tests name them as `function_models:<name>`: pytest puts
`tests/` on sys.path (`pythonpath` in pyproject.toml), and the runner's spawned
worker processes and Dask workers inherit the parent's sys.path.

`ishigami` is the standard test function of sensitivity analysis, with known
Sobol indices (Ishigami and Homma 1990; SALib's `SALib.test_functions.Ishigami`).
The others misbehave on purpose: `sometimes_fails` raises for some inputs,
`dies` kills its own process for one input (as a segfault would), `slow` sleeps,
`flaky` fails while an environment variable is set. (The Mesa test model is in
`mesa_models`, so that importing this module stays fast.)
"""

from __future__ import annotations

import os
import time

import numpy as np
from ishigami import ISHIGAMI_A, ISHIGAMI_B
from ishigami import ishigami as vectorised_ishigami


def ishigami(x1: float, x2: float, x3: float, seed: int = 0, a: float = ISHIGAMI_A,
             b: float = ISHIGAMI_B) -> dict:
    """The Ishigami function as a plug-in model; `seed` is accepted (and ignored: it is
    deterministic). Analytic indices: ishigami.ishigami_indices."""
    return {"y": float(vectorised_ishigami(np.array([[x1, x2, x3]]), a, b)[0])}


def noisy_linear(x: float, seed: int = 0, slope: float = 2.0, noise: float = 0.1) -> dict:
    """`slope * x` plus normal noise drawn from `seed` (to test seeds and replicates)."""
    rng = np.random.default_rng(seed)
    return {"y": slope * x + noise * float(rng.standard_normal()), "seed_echo": float(seed)}


def sometimes_fails(x: float, seed: int = 0) -> dict:
    """`x` squared, but raises ValueError when x > 0.7 (about 30% of a [0, 1] design)."""
    if x > 0.7:
        raise ValueError(f"x = {x:.3f} is too large for this model")
    return {"y": x * x}


def dies(x: float, seed: int = 0, threshold: float = 0.9) -> dict:
    """`x` doubled, but the process exits at once (os._exit) when x >= threshold."""
    if x >= threshold:
        os._exit(3)
    return {"y": 2 * x}


def slow(x: float, seed: int = 0, seconds: float = 0.05) -> dict:
    """`x + seed mod 7`, after sleeping `seconds` (for interruption tests)."""
    time.sleep(seconds)
    return {"y": x + seed % 7}


def trivial(x: float, seed: int = 0) -> dict:
    """Returns x: a model that costs nothing, to measure the runner's overhead."""
    return {"y": x}


def boltzmann_gini(model) -> float:
    """Gini coefficient of wealth of a Mesa Boltzmann wealth model (an outcome function)."""
    wealth = np.sort(np.array([a.wealth for a in model.agents], dtype=float))
    n = len(wealth)
    if n == 0 or wealth.sum() == 0:
        return 0.0
    cum = np.cumsum(wealth)
    return float((n + 1 - 2 * (cum / cum[-1]).sum()) / n)


def flaky(x: float, seed: int = 0) -> dict:
    """`x`, but raises for x > 0.5 while the environment variable SIM_TEST_FLAKY is set
    (to test `retry_failed`)."""
    if os.environ.get("SIM_TEST_FLAKY") and x > 0.5:
        raise RuntimeError("flaky failure")
    return {"y": x}


def hangs(x: float, seed: int = 0, threshold: float = 0.9) -> dict:
    """`x`, but never returns (sleeps for an hour) when x >= threshold while the
    environment variable SIM_TEST_HANG is set: for timeouts, and resumes that succeed."""
    if x >= threshold and os.environ.get("SIM_TEST_HANG"):
        time.sleep(3600)
    return {"y": x}


def kills_itself(x: float, seed: int = 0, threshold: float = 0.9) -> dict:
    """`x`, but sends SIGKILL to its own process when x >= threshold."""
    if x >= threshold:
        import signal

        os.kill(os.getpid(), signal.SIGKILL)
    return {"y": x}


def infinite(x: float, seed: int = 0, threshold: float = 0.9) -> dict:
    """`x`, but +inf when x >= threshold (a model that overflows)."""
    return {"y": float("inf") if x >= threshold else x}


def planted_box(x1: float, x2: float, x3: float, x4: float, seed: int = 0,
                response: float = 1.0) -> dict:
    """A known answer for scenario discovery: `y` is `response` times -1 inside the box
    x1 > 0.6 and x2 < 0.3 and +1 elsewhere, plus noise drawn from the seed; x3 and x4 do
    nothing. Two policies that set `response` to 1 and 0 differ by exactly -1 inside the
    box and +1 outside when they share seeds (the noise cancels), so PRIM on "difference
    below 0" should find the box."""
    noise = np.random.default_rng(seed).normal(0.0, 0.5)
    inside = x1 > 0.6 and x2 < 0.3
    return {"y": response * (-1.0 if inside else 1.0) + noise}
