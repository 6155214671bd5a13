"""The default parameters reproduce all 25 calibration targets (town preset, eight seeds).

The paired effects (training, health, employment support) are measured as
`coalition validate` measures them: each seed's baseline against the same seed with
that lever spending nothing, following the same participants.
"""

from sim.analysis.validation import PASS, load_targets, validate
from sim.backends import Backend


def test_town_baseline_meets_every_calibration_target():
    # training effects on a town are noisy: eight seeds
    table = validate("town", seeds=8, backend=Backend("processes", 2)).set_index("target")
    assert list(table.index) == list(load_targets()["target"])
    failing = table[table["status"] != PASS]
    assert failing.empty, f"targets out of range:\n{failing.to_string()}"
