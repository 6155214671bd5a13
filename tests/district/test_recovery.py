"""Calibration recovers parameter values the targets were produced with."""

import warnings

from recovery import TRUTH, recover

from sim.params import REGISTRY


def test_calibration_recovers_the_values_that_made_the_targets(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        posterior, _ = recover(tmp_path, trials=32, accept=0.2, months=(12, 12))
    for name, value in TRUTH.items():
        low, high = posterior.interval(name, 0.9)
        assert low <= value <= high, (name, value, low, high)
    # ... and the targets inform it: the health interval is well inside its prior range
    # (search_intensity is only weakly identified by 12 months of a town: docs/calibration.md).
    low, high = posterior.interval("health_mean_deprived", 0.9)
    prior = REGISTRY["health_mean_deprived"]
    assert high - low < 0.4 * (prior.high - prior.low)


def _unit_files(folder):
    return {p: p.stat().st_mtime_ns for p in (folder / "units").rglob("*") if p.is_file()}


def test_a_resumed_calibration_runs_only_the_missing_trials(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        recover(tmp_path, trials=3, accept=1.0, months=(6, 6))
        first = _unit_files(tmp_path)
        posterior, _ = recover(tmp_path, trials=4, accept=1.0, months=(6, 6))
    assert len(posterior.samples) == 4
    after = _unit_files(tmp_path)
    assert len(after) > len(first) and all(after[p] == t for p, t in first.items())
