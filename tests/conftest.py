"""Shared fixtures: small, fast models."""

import pytest

from sim.model import LocalEconomy
from sim.params import Params


@pytest.fixture(scope="session")
def town_params() -> Params:
    return Params.from_preset("town")


@pytest.fixture(scope="session")
def town_run(town_params) -> LocalEconomy:
    """A full default-length town run with seed 3 (shared, do not mutate)."""
    return LocalEconomy(town_params, rng=3).run()
