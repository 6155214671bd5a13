"""Confirming a discovered box on fresh worlds: the file `discover` writes, the verdict
(which can go either way), the Wilson interval, the command, and the TOML writer."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from sim.analysis import box_confirmation, discovery
from sim.experiments import load_experiment, run_study
from sim.toml_text import toml_document

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS / "experiments"))
from test_policies import planted  # noqa: E402


@pytest.fixture(scope="module")
def planted_box(tmp_path_factory):
    """The planted study (a_minus_b is -1 inside x1 > 0.6, x2 < 0.3 and +1 outside), its
    discovered box, and the confirmation study run from the box's confirm.toml."""
    root = tmp_path_factory.mktemp("confirm")
    path = root / "planted.toml"
    path.write_text(planted(samples=250), encoding="utf-8")
    study = run_study(path, backend="serial", out_root=root / "results", progress=False)
    found = discovery.discover(study, "a_minus_b", 0.0, below=True, min_density=0.95)
    confirm_file = found.folder / box_confirmation.CONFIRM_FILE
    fresh = run_study(confirm_file, backend="serial", out_root=root / "results",
                      progress=False)
    return study, found, confirm_file, fresh


def test_confirm_toml_narrows_the_restricted_dimensions_and_draws_fresh_worlds(planted_box):
    study, found, confirm_file, _ = planted_box
    exp = load_experiment(confirm_file)
    factors = {f.name: f for f in exp.uncertainties}
    x1_low, x2_high = found.box.limits["x1"][0], found.box.limits["x2"][1]
    assert (factors["x1"].low, factors["x1"].high) == (x1_low, 1.0)  # open edge: the file's
    assert (factors["x2"].low, factors["x2"].high) == (0.0, x2_high)
    assert (factors["x3"].low, factors["x3"].high) == (0.0, 1.0)  # unrestricted: unchanged
    doc = tomllib.loads(confirm_file.read_text(encoding="utf-8"))
    assert doc["design"] == {"method": "lhs", "samples": box_confirmation.CONFIRM_WORLDS,
                             "replicates": 1, "seed": 8,  # the study's seed 7, plus one
                             "common_random_numbers": False}  # a seed per world
    assert "confirm.toml" in (found.folder / "discovery.md").read_text(encoding="utf-8")


def test_a_box_that_holds_is_confirmed_on_fresh_worlds(planted_box):
    _, found, _, fresh = planted_box
    result = box_confirmation.confirm(fresh, "a_minus_b", 0.0, below=True)
    assert result.worlds == box_confirmation.CONFIRM_WORLDS
    from sim.experiments.paired import paired_table

    assert paired_table(fresh)["seed"].nunique() == box_confirmation.CONFIRM_WORLDS
    assert result.confirmed and result.high < 0
    assert result.cases / result.worlds >= 0.9  # as dense as the box was in the study
    assert result.share_low <= result.cases / result.worlds <= result.share_high


def test_a_region_that_does_not_hold_is_not_confirmed(planted_box):
    """Over the whole planted sample the difference is mostly +1: the same reading says no."""
    study, _, _, _ = planted_box
    result = box_confirmation.confirm(study, "a_minus_b", 0.0, below=True)
    assert not result.confirmed and result.mean > 0
    assert "Not confirmed" in box_confirmation.format_confirmation(result)


def test_wilson_interval_matches_published_values():
    """Newcombe (1998), Statistics in Medicine 17: 857-872, the score method's intervals
    for his examples 81/263, 15/148, 0/20 and 1/29."""
    for (k, n), expected in {(81, 263): (0.2553, 0.3662), (15, 148): (0.0624, 0.1605),
                             (0, 20): (0.0, 0.1611), (1, 29): (0.0061, 0.1718)}.items():
        assert box_confirmation.wilson(k, n) == pytest.approx(expected, abs=1e-4)


def _box(limits: dict, quasi_p: dict) -> discovery.Box:
    return discovery.Box(limits, {}, quasi_p, 0.5, 0.8, 0.2, 40, 32, 3, "test")


def test_a_grid_of_levels_and_nested_lever_factors_narrows_to_the_box_levels(tmp_path):
    """regime-mix-grid: `[factors.mix.skills]` is a nested table with numeric levels and
    `regime` a categorical; the model's scenario path is relative to the file."""
    source = TESTS.parent / "experiments" / "regime-mix-grid.toml"
    box = _box({"mix.skills": (0.2, 0.45), "regime": ("coalition",)},
               {"mix.skills": (0.01, None), "regime": (0.01, None)})
    doc = box_confirmation.confirmation_doc(source, box, "grid-confirm")
    assert doc["factors"]["mix"]["skills"]["levels"] == [0.25, 0.4]
    assert doc["factors"]["mix"]["employment_support"]["levels"] == [0.1, 0.25, 0.4]
    assert doc["factors"]["regime"]["levels"] == ["coalition"]
    assert Path(doc["model"]["scenario"]).is_absolute()
    path = tmp_path / "confirm.toml"
    path.write_text(toml_document(doc), encoding="utf-8")
    exp = load_experiment(path)  # valid wherever it is written
    assert exp.design.samples == box_confirmation.CONFIRM_WORLDS
    assert not exp.design.common_random_numbers


def test_a_distribution_is_sampled_uniformly_over_the_box(tmp_path):
    """A normal factor has no bounds: the box's limits become its range, both edges."""
    source = tmp_path / "normal.toml"
    source.write_text(planted(samples=10).replace(
        "[factors.x3]\nlow = 0.0\nhigh = 1.0", '[factors.x3]\ndistribution = "normal"\n'
        "mean = 0.5\nsd = 0.1"), encoding="utf-8")
    box = _box({"x3": (0.42, 0.71)}, {"x3": (0.01, None)})
    doc = box_confirmation.confirmation_doc(source, box, "normal-confirm")
    assert doc["factors"]["x3"] == {"low": 0.42, "high": 0.71}


def test_the_confirmation_study_name_is_a_valid_study_name():
    name = box_confirmation.study_name("study", Path("y-above-1e+06"))
    assert name == "study-confirm-y-above-1e_06"


def test_confirm_command_prints_the_verdict(planted_box, capsys):
    from sim.experiments.cli import main

    _, _, _, fresh = planted_box
    assert main(["confirm", str(fresh), "--outcome", "a_minus_b", "--below", "0"]) == 0
    assert "Confirmed: the interval of the mean lies below 0." in capsys.readouterr().out
    assert main(["confirm", str(fresh), "--outcome", "nope", "--below", "0"]) == 2


def test_toml_document_reads_back_as_written():
    doc = {"name": 'a "quoted" name', "flag": True, "seed": 3, "share": 0.25,
           "levels": ["lsp", "coalition"],
           "factors": {"x.1": {"low": 0.0, "high": 1e6}, "x2": {"levels": [1, 2]}},
           "policies": {"a": {"response": 1.0}, "b": "claims/lsp.toml"}, "empty": {}}
    assert tomllib.loads(toml_document(doc)) == doc
