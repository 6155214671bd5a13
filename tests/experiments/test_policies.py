"""Policies crossed with uncertain worlds: the design, common random numbers, paired
differences, and the errors a file with [policies] can make."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.experiments import ExperimentError, load_experiment, parse_experiment, run_study
from sim.experiments.design import make_design
from sim.experiments.paired import paired_table, world_table
from sim.experiments.store import read_runs

CLAIMS = Path(__file__).resolve().parents[2] / "experiments" / "claims"

PLANTED = """
name = "planted"
[model]
kind = "function"
function = "function_models:planted_box"
[factors.x1]
low = 0.0
high = 1.0
[factors.x2]
low = 0.0
high = 1.0
[factors.x3]
low = 0.0
high = 1.0
[factors.x4]
low = 0.0
high = 1.0
[policies]
a = { response = 1.0 }
b = { response = 0.0 }
[differences.a_minus_b]
outcome = "y"
of = "a"
minus = "b"
[design]
method = "lhs"
samples = {samples}
replicates = {replicates}
seed = 7
[outcomes.y]
"""


def planted(samples: int = 40, replicates: int = 1) -> str:
    return PLANTED.replace("{samples}", str(samples)).replace("{replicates}", str(replicates))


def test_every_world_runs_under_every_policy_with_the_same_values():
    exp = parse_experiment(planted(samples=5))
    design = make_design(exp)
    assert design.points == 10 and design.settings["worlds"] == 5
    assert design.settings["policies"] == ["a", "b"]
    assert design.values["policy"] == ["a", "b"] * 5
    x1 = np.array(design.values["x1"])
    assert np.array_equal(x1[0::2], x1[1::2])  # world w is points 2w and 2w + 1
    assert len(set(x1[0::2])) == 5
    assert [f.name for f in exp.levers] == ["policy"]
    assert {f.name for f in exp.uncertainties} == {"x1", "x2", "x3", "x4"}


def test_paired_difference_pairs_a_world_with_itself_and_its_seed(tmp_path):
    """The noise of planted_box comes from the seed: only when both policies of a world
    share a seed does it cancel, leaving exactly -1 in the box and +1 outside."""
    path = tmp_path / "planted.toml"
    path.write_text(planted(samples=30, replicates=2), encoding="utf-8")
    folder = run_study(path, backend="serial", out_root=tmp_path / "results", progress=False)
    table = paired_table(folder)
    assert len(table) == 60 and table["ok"].all()
    inside = (table["x1"] > 0.6) & (table["x2"] < 0.3)
    assert np.allclose(table["a_minus_b"], np.where(inside, -1.0, 1.0))
    assert np.allclose(table["a_minus_b"], table["y[a]"] - table["y[b]"])
    worlds = world_table(folder)
    assert len(worlds) == 30 and (worlds["replicates"] == 2).all()
    assert table.groupby("world")["seed"].nunique().eq(2).all()  # two replicates' seeds


def test_without_common_random_numbers_each_world_has_its_own_seed_paired(tmp_path):
    """common_random_numbers = false: a seed per world and replicate, shared by the world's
    policies, so the planted noise still cancels in the difference."""
    path = tmp_path / "planted.toml"
    text = planted(samples=20).replace("seed = 7", "seed = 7\ncommon_random_numbers = false")
    path.write_text(text, encoding="utf-8")
    folder = run_study(path, backend="serial", out_root=tmp_path / "results", progress=False)
    table = paired_table(folder)
    assert table["seed"].nunique() == 20
    inside = (table["x1"] > 0.6) & (table["x2"] < 0.3)
    assert np.allclose(table["a_minus_b"], np.where(inside, -1.0, 1.0))


def test_processes_backend_gives_the_same_paired_table(tmp_path):
    path = tmp_path / "planted.toml"
    path.write_text(planted(samples=12), encoding="utf-8")
    serial = run_study(path, backend="serial", out_root=tmp_path / "s", progress=False)
    pooled = run_study(path, backend="processes", workers=2, out_root=tmp_path / "p",
                       progress=False)
    a, b = paired_table(serial), paired_table(pooled)
    assert a.equals(b)


def test_a_scenario_file_policy_runs_that_scenario_in_the_world(tmp_path):
    """The LSP level in the paired table is exactly a direct run of lsp.toml (town) with
    the world's uncertain value and the same seed."""
    from dataclasses import replace

    from sim.evaluate import Run

    text = f"""
    name = "pol-town"
    [model]
    preset = "town"
    [factors.cooperation_threshold]
    low = 0.1
    high = 0.4
    [fixed]
    burn_in_months = 2
    programme_months = 4
    [policies]
    coalition = "{CLAIMS / 'coalition.toml'}"
    lsp = "{CLAIMS / 'lsp.toml'}"
    [differences.gain]
    outcome = "reengaged"
    of = "coalition"
    minus = "lsp"
    [design]
    method = "lhs"
    samples = 2
    seed = 4
    [outcomes.reengaged]
    summary = "reengaged_3m"
    """.replace("\n    ", "\n")
    path = tmp_path / "pol.toml"
    path.write_text(text, encoding="utf-8")
    exp = load_experiment(path)
    assert all(p.scenario.preset == "town" for p in exp.policies)
    folder = run_study(exp, backend="serial", out_root=tmp_path / "r", progress=False)
    row = paired_table(folder).iloc[0]
    lsp = exp.policy("lsp").scenario
    params = lsp.params.replace(burn_in_months=2, programme_months=4,
                                cooperation_threshold=float(row["cooperation_threshold"]))
    direct = Run(replace(lsp, params=params), int(row["seed"])).execute().row()
    assert row["reengaged[lsp]"] == pytest.approx(direct["reengaged_3m"])
    runs = read_runs(folder)
    assert set(runs["policy"]) == {"coalition", "lsp"}


@pytest.mark.parametrize(("old", "new", "message"), [
    ("[factors.x4]\n", "[factors.x4]\nrole = \"lever\"\n", "role = \"uncertainty\""),
    ('minus = "b"', 'minus = "a"', "same policy"),
    ('of = "a"', 'of = "c"', "unknown policy 'c'"),
    ('method = "lhs"\nsamples = 40', 'method = "morris"\nsamples = 4',
     "method must be one of"),
    ("b = { response = 0.0 }\n", "", "at least two policies"),
    ("b = { response = 0.0 }", "b = { x1 = 0.5 }", "'x1' is also a factor"),
])
def test_policy_file_errors_are_reported(old, new, message):
    text = planted()
    assert old in text
    with pytest.raises(ExperimentError, match=message):
        parse_experiment(text.replace(old, new))


def test_a_study_without_policies_keeps_its_spec_and_run_id_keys():
    exp = parse_experiment(planted().split("[policies]")[0] + "[design]\nmethod = \"lhs\"\n"
                           "samples = 4\n[outcomes.y]\n")
    spec = exp.normalised()
    assert "policies" not in spec and "differences" not in spec
    assert [f.name for f in exp.factors] == ["x1", "x2", "x3", "x4"]
