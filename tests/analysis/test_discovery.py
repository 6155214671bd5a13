"""Scenario discovery: PRIM recovers a planted box; the box choice, the words, the
scenario files built from a box, and the command."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.analysis import discovery
from sim.experiments import run_study

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS / "experiments"))
from test_policies import planted  # noqa: E402

CLAIMS = TESTS.parent / "experiments" / "claims"


@pytest.fixture(scope="module")
def planted_study(tmp_path_factory):
    root = tmp_path_factory.mktemp("planted")
    path = root / "planted.toml"
    path.write_text(planted(samples=250), encoding="utf-8")
    return run_study(path, backend="serial", out_root=root / "results", progress=False)


def test_prim_recovers_the_planted_box(planted_study):
    """Known answer: the coalition-like policy does worse exactly where x1 > 0.6 and
    x2 < 0.3 (tests/function_models.py: planted_box); x3 and x4 do nothing."""
    found = discovery.discover(planted_study, "a_minus_b", 0.0, below=True, min_density=0.95,
                               write=False)
    box = found.box
    assert set(box.limits) == {"x1", "x2"}
    assert box.limits["x1"][0] == pytest.approx(0.6, abs=0.05)
    assert box.limits["x2"][1] == pytest.approx(0.3, abs=0.05)
    assert box.quasi_p["x1"][1] is None and box.quasi_p["x2"][0] is None  # one-sided
    assert box.density >= 0.95 and box.coverage >= 0.85
    assert box.mass == pytest.approx(0.4 * 0.3, abs=0.04)


def test_the_box_is_explained_in_words_and_files(planted_study):
    found = discovery.discover(planted_study, "a_minus_b", 0.0, below=True)
    files = {p.name for p in found.folder.iterdir()}
    assert {"trajectory.png", "trajectory.csv", "box.csv", "box.json", "cart.png",
            "cart.txt", "discovery.md"} <= files
    text = (found.folder / "discovery.md").read_text(encoding="utf-8")
    assert "A's y is lower than b's in" in text
    assert re.search(r"x1 is above 0\.[56]\d* and x2 is below 0\.[23]", text)
    assert f"these worlds are {found.box.mass:.0%} of the sample" in text
    box = json.loads((found.folder / "box.json").read_text(encoding="utf-8"))
    assert set(box["restricted"]) == {"x1", "x2"}
    assert "x1" in found.cart_text and "x3" not in found.cart_text.split("\n")[0]
    trajectory = pd.read_csv(found.folder / "trajectory.csv")
    assert trajectory["chosen"].sum() == 1


def test_inside_the_box_the_cases_are_as_dense_as_reported(planted_study):
    from sim.experiments.paired import world_table

    found = discovery.discover(planted_study, "a_minus_b", 0.0, write=False)
    worlds = world_table(planted_study)
    inside = found.box.contains(worlds)
    assert inside.sum() == found.box.n
    assert (worlds.loc[inside, "a_minus_b"] < 0).mean() == pytest.approx(found.box.density)


def test_choose_box_takes_the_largest_box_dense_enough_else_the_densest():
    trajectory = pd.DataFrame({"density": [0.2, 0.5, 0.85, 0.9, 0.95],
                               "coverage": [1.0, 0.95, 0.9, 0.7, 0.4]})
    assert discovery.choose_box(trajectory, 0.8)[0] == 2
    index, rule = discovery.choose_box(trajectory, 0.99)
    assert index == 4 and "no box reaches" in rule


def test_no_region_to_find_is_an_error():
    x = pd.DataFrame({"a": np.linspace(0, 1, 50)})
    with pytest.raises(ValueError, match="no world is a case"):
        discovery.run_prim(x, np.zeros(50, bool))
    with pytest.raises(ValueError, match="every world is a case"):
        discovery.run_prim(x, np.ones(50, bool))


def test_a_study_without_policies_is_discovered_on_its_points(tmp_path):
    text = planted(samples=300).split("[policies]")[0] + (
        "[fixed]\nresponse = 1.0\n[design]\nmethod = \"lhs\"\nsamples = 300\nseed = 3\n"
        "[outcomes.y]\n")
    path = tmp_path / "levels.toml"
    path.write_text(text, encoding="utf-8")
    folder = run_study(path, backend="serial", out_root=tmp_path / "r", progress=False)
    found = discovery.discover(folder, "y", 0.0, below=True, min_density=0.95, write=False)
    assert set(found.box.limits) == {"x1", "x2"}
    with pytest.raises(ValueError, match="unknown outcome 'z'"):
        discovery.discover(folder, "z", 0.0, write=False)


def test_a_box_becomes_a_scenario_at_its_midpoints(tmp_path):
    from sim.scenario import load_scenario

    lsp = load_scenario(CLAIMS / "lsp.toml").with_changes(preset="town")
    midpoints = {"cooperation_threshold": 0.45, "budget": 750_000.0,
                 "mainstream_cost_per_reengaged": 30_000.0}
    path = tmp_path / "lsp-box.toml"
    path.write_text(discovery.scenario_toml(lsp, midpoints, "study"), encoding="utf-8")
    again = load_scenario(path)
    assert again.preset == "town" and again.policy == lsp.policy
    assert again.params.cooperation_threshold == 0.45
    assert again.params.regeneration_budget == 750_000.0
    assert again.params.mainstream_cost_per_reengaged == 30_000.0
    assert again.params.replace(cooperation_threshold=lsp.params.cooperation_threshold,
                                regeneration_budget=lsp.params.regeneration_budget,
                                mainstream_cost_per_reengaged=100_000.0) == lsp.params


def test_discover_command_prints_the_finding(planted_study, capsys):
    from sim.experiments.cli import main

    assert main(["discover", str(planted_study), "--outcome", "a_minus_b", "--below",
                 "0"]) == 0
    out = capsys.readouterr().out
    assert "of the worlds where x1 is above" in out and "Output:" in out
    assert main(["discover", str(planted_study), "--outcome", "nope", "--below", "0"]) == 2


def test_noise_alone_finds_no_region():
    """Cases drawn at random, whatever the world: PRIM's peeling still finds a denser box
    by chance, but no restriction passes the quasi-p test, and the summary says so."""
    rng = np.random.default_rng(11)
    x = pd.DataFrame(rng.uniform(0, 1, (300, 3)), columns=["a", "b", "c"])
    y = rng.uniform(size=300) < 0.4
    box, _ = discovery.run_prim(x, y)
    assert box.limits == {}
    found = discovery.Discovery("y", 0.0, True, 300, int(y.sum()), box, pd.DataFrame(), "",
                                max_p=0.01)
    summary = discovery.summary_markdown(found, [])
    assert "No region found" in summary and "quasi-p <= 0.01" in summary  # the test it used
