"""Designs: sizes, bounds, integer rounding, categorical levels, seeds."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from exp_helpers import ISHIGAMI
from SALib.sample import sobol

from sim.experiments import load_experiment
from sim.experiments.design import make_design
from sim.experiments.seeds import purpose_seed, simulation_seed
from sim.rng import replicate_seeds

THREE = """
[model]
kind = "function"
function = "function_models:ishigami"
[factors.x1]
low = 0.0
high = 1.0
[factors.x2]
low = 1
high = 4
integer = true
[factors.x3]
levels = ["a", "b", "c"]
[design]
{design}
[outcomes.y]
"""


def design_of(write, design: str):
    return make_design(load_experiment(write(THREE.format(design=design))))


@pytest.mark.parametrize("design,points", [
    ('method = "sobol"\nsamples = 16', 16 * (3 + 2)),
    ('method = "sobol"\nsamples = 16\nsecond_order = true', 16 * (2 * 3 + 2)),
    ('method = "morris"\nsamples = 5\nlevels = 4', 5 * (3 + 1)),
    ('method = "fast"\nsamples = 65', 65 * 3),
    ('method = "lhs"\nsamples = 20', 20),
    ('method = "grid"\nsamples = 5', 5 * 4 * 3),
])
def test_design_sizes(write, design, points):
    d = design_of(write, design + "\nreplicates = 3")
    assert d.points == points == d.settings["points"]
    assert d.settings["simulations"] == 3 * points
    assert len(d.frame()) == points


def test_values_stay_in_bounds_integers_round_and_levels_map(write):
    d = design_of(write, 'method = "lhs"\nsamples = 600\nseed = 4')
    x1, x2, x3 = (np.array(d.values[n]) for n in ("x1", "x2", "x3"))
    assert x1.min() >= 0 and x1.max() <= 1
    assert set(x2.tolist()) == {1, 2, 3, 4} and x2.dtype.kind == "i"
    assert np.bincount(x2)[1:].min() > 120  # each whole number about equally likely
    u = d.samples[:, 2]
    assert (x3 == np.array(["a", "b", "c"])[np.minimum((u * 3).astype(int), 2)]).all()
    assert np.abs(d.samples[:, 1] - x2).max() <= 0.5


def test_categorical_mapping_at_the_edges(write):
    factor = load_experiment(write(THREE.format(design='method = "lhs"\nsamples = 4'))).factors[2]
    assert factor.realise(np.array([0.0, 0.33, 0.34, 0.99, 1.0])) == ["a", "a", "b", "c", "c"]
    assert factor.realise(factor.grid(None)) == ["a", "b", "c"]


def test_grid_crosses_every_level_and_range_point(write):
    d = design_of(write, 'method = "grid"\nsamples = 3')
    combos = set(zip(d.values["x1"], d.values["x2"], d.values["x3"], strict=True))
    assert len(combos) == 3 * 3 * 3  # x2: 3 of its 4 whole numbers, ends included
    assert sorted(set(d.values["x1"])) == [0.0, 0.5, 1.0]
    assert {1, 4} <= set(d.values["x2"])


def test_designs_are_deterministic_and_follow_the_master_seed(write):
    a = design_of(write, 'method = "sobol"\nsamples = 8\nseed = 9')
    b = design_of(write, 'method = "sobol"\nsamples = 8\nseed = 9')
    c = design_of(write, 'method = "sobol"\nsamples = 8\nseed = 10')
    assert np.array_equal(a.samples, b.samples) and a.settings["digest"] == b.settings["digest"]
    assert not np.array_equal(a.samples, c.samples)


def test_manifest_settings_regenerate_the_sample_with_salib(write):
    """The analysis regenerates X from the manifest block alone: it must match."""
    d = make_design(load_experiment(write(ISHIGAMI)))
    s = d.settings
    again = sobol.sample(copy.deepcopy(s["problem"]), s["samples"],
                         calc_second_order=s["second_order"], seed=s["seed"])
    assert np.array_equal(again, d.samples)
    assert s["master_seed"] == 5 and s["seed"] != 0


def test_seeds_derive_from_the_master_seed():
    assert [simulation_seed(42, 0, r) for r in range(4)] == replicate_seeds(42, 4)
    assert simulation_seed(42, 7, 1) == simulation_seed(42, 0, 1)  # common random numbers
    assert simulation_seed(42, 7, 1, common=False) != simulation_seed(42, 8, 1, common=False)
    assert purpose_seed(0, "design") != 0 and purpose_seed(0, "design") != purpose_seed(
        0, "analysis")
