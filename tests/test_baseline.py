"""The model's fixed-seed output has not changed unless the baseline was updated on purpose."""

import math

import baseline


def test_output_matches_golden_baseline():
    expected, actual = baseline.load(), baseline.summary()
    assert expected.keys() == actual.keys()
    changed = {k: (expected[k], actual[k]) for k in expected
               if not math.isclose(expected[k], actual[k], rel_tol=1e-9, abs_tol=1e-12)}
    assert not changed, (
        f"model output changed for {len(changed)} baseline values, e.g. "
        f"{dict(list(changed.items())[:5])}. If intended, run `python tests/update_baseline.py` "
        "and note it in CHANGELOG.md.")
