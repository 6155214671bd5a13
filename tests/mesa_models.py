"""A tiny Mesa model (a test double) for tests of the experiment runner's Mesa adapter,
named `mesa_models:RandomWalkers` in experiment files (see `function_models`)."""

from __future__ import annotations

import mesa
import numpy as np


class RandomWalkers(mesa.Model):
    """A minimal Mesa model with keyword parameters: `n` walkers on a line."""

    def __init__(self, n: int = 10, step_size: float = 1.0, rng=None):
        super().__init__(rng=rng)
        self.n, self.step_size = n, step_size
        self.positions = np.zeros(n)

    def step(self) -> None:
        self.positions += self.step_size * self.rng.standard_normal(self.n)

    @property
    def spread(self) -> float:
        """Standard deviation of the walkers' positions."""
        return float(np.std(self.positions))
