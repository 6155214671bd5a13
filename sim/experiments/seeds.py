"""Seeds of an experiment, all derived from one master seed with numpy's SeedSequence.

* Simulation seeds: with common random numbers (the default) every design point
  of replicate ``r`` gets the same seed, the ``r``-th child of
  ``SeedSequence(master)`` (identical to `sim.rng.replicate_seeds`). Differences
  between points are then not blurred by different random draws. Without them,
  point ``p`` of replicate ``r`` gets the child ``(r, p)``; in a study with
  policies the key is the world instead of the point, so a world's policies share
  their seeds (sim.experiments.runner.pending_tasks).
* The sampler seed given to SALib and the seed for bootstrap intervals in the
  analysis are children of ``SeedSequence([master, crc32(purpose)])``, never 0:
  some SALib functions test ``if seed:`` and would silently ignore a seed of 0.
"""

from __future__ import annotations

import numpy as np

from sim.rng import stable_hash


def _state(sequence: np.random.SeedSequence) -> int:
    return int(sequence.generate_state(1, dtype=np.uint32)[0])


def simulation_seed(master: int, point: int, replicate: int, common: bool = True) -> int:
    """The seed of one simulation (a 32-bit unsigned integer).

    Args:
        master: the study's master seed.
        point: the design point.
        replicate: the replicate (0-based).
        common: common random numbers: every point of a replicate shares its seed.
    """
    key = (replicate,) if common else (replicate, point)
    return _state(np.random.SeedSequence(master, spawn_key=key))


def purpose_seed(master: int, purpose: str) -> int:
    """A nonzero seed for `purpose` ("design", "analysis"), derived from the master seed."""
    seed = _state(np.random.SeedSequence([master, stable_hash(purpose)])) % (2**31 - 1)
    return seed or 1
