"""Seeds and named random streams.

One integer seed per run. Each process (separations, search, moves, ...) draws
from its own stream, derived from the seed and a stable hash of the process
name, so that a change in one process (a new policy, an extra draw) does not
reshuffle the draws of unrelated processes: common random numbers between
scenarios. Never `hash()` (salted per interpreter) and never global state.
"""

from __future__ import annotations

import zlib

import numpy as np


def stable_hash(name: str) -> int:
    """A hash of `name` that is the same in every process and Python version."""
    return zlib.crc32(name.encode("utf-8"))


def stream(seed: int, name: str) -> np.random.Generator:
    """The random stream for process `name` in a run with `seed`."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, stable_hash(name)])))


def replicate_seeds(master_seed: int, n: int) -> list[int]:
    """`n` independent run seeds spawned from one master seed."""
    children = np.random.SeedSequence(master_seed).spawn(n)
    return [int(c.generate_state(1, dtype=np.uint32)[0]) for c in children]


class Streams:
    """Lazily created named streams for one run."""

    def __init__(self, seed: int):
        self.seed = int(seed)
        self._streams: dict[str, np.random.Generator] = {}

    def __getitem__(self, name: str) -> np.random.Generator:
        if name not in self._streams:
            self._streams[name] = stream(self.seed, name)
        return self._streams[name]

    def monthly(self, name: str, month: int) -> np.random.Generator:
        """A fresh stream for process `name` in `month`. For draws indexed by a row whose
        count differs between runs (firms are born and die): row i gets the same number in
        every run, whatever happened to the other rows earlier."""
        return stream(self.seed, f"{name}/{month}")
