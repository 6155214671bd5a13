"""The default parameters reproduce the calibration targets (town preset, eight seeds)."""

from sim.analysis.validation import all_pass, validate
from sim.backends import Backend


def test_town_baseline_meets_every_simulated_target():
    # training effects on a town are noisy: eight seeds
    table = validate("town", seeds=8, backend=Backend("processes", 2))
    simulated = table[table["status"] != "NOT SIMULATED YET"]
    assert len(simulated) >= 12
    failing = simulated[simulated["status"] != "PASS"]
    assert all_pass(table), f"targets out of range:\n{failing.to_string()}"
