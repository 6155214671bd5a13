"""The shipped made-up example district, built once per session."""

from pathlib import Path

import pytest
from district_example import BUSINESSES, CENTROIDS, IOD, LAD, POPULATION

from sim.district import build_district


@pytest.fixture(scope="session")
def example_district(tmp_path_factory) -> Path:
    """The example's district.toml (with business counts)."""
    out = tmp_path_factory.mktemp("district")
    return build_district(IOD, POPULATION, CENTROIDS, out, lad=LAD, business_counts=BUSINESSES)
