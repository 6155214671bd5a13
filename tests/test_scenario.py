"""Scenario files: good files parse; every kind of bad file is one clear ScenarioError."""

from __future__ import annotations

import pytest

from sim.params import Params
from sim.policy.levers import registry
from sim.policy.shocks import Shock
from sim.policy.spec import Policy
from sim.scenario import Scenario, ScenarioError, load_default_scenario, load_scenario


def write(tmp_path, text: str, name: str = "scen.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """
name = "trial"
description = "a test scenario"
preset = "town"
seed = 7

[params]
search_intensity = 0.3
burn_in_months = 12

[policy]
regime = "lsp"

[shocks]
plant_closure = { start = 40 }
"""


def test_good_file_parses(tmp_path):
    path = write(tmp_path, GOOD)
    s = load_scenario(path)
    assert isinstance(s, Scenario)
    assert (s.name, s.description, s.preset, s.seed) == ("trial", "a test scenario", "town", 7)
    assert s.params == Params.from_preset("town", {"search_intensity": 0.3,
                                                   "burn_in_months": 12})
    assert s.policy.regime == "lsp" and s.policy.mix == registry.default_mix()
    assert s.shocks == (Shock("plant_closure", 40),)
    assert s.source == str(path)


def test_defaults_when_keys_are_missing(tmp_path):
    s = load_scenario(write(tmp_path, "", name="bare.toml"))
    assert (s.name, s.description, s.preset, s.seed) == ("bare", "", "district", 1)
    assert s.params == Params.from_preset("district")
    assert (s.policy, s.shocks) == (Policy(), ())


def test_scenario_is_frozen(tmp_path):
    s = load_scenario(write(tmp_path, GOOD))
    with pytest.raises(AttributeError):
        s.seed = 3


def test_embedded_default():
    s = load_default_scenario()
    assert (s.name, s.preset, s.seed) == ("default", "district", 1)
    assert s.params == Params.from_preset("district")


def test_with_changes_reapplies_overrides(tmp_path):
    s = load_scenario(write(tmp_path, GOOD)).with_changes(preset="city", seed=3)
    assert (s.preset, s.seed) == ("city", 3)
    assert s.params == Params.from_preset("city", {"search_intensity": 0.3,
                                                   "burn_in_months": 12})


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ('sed = 3\n', "sed", "did you mean 'seed'"),
        ('seed = "one"\n', "seed", "must be an integer"),
        ('seed = true\n', "seed", "must be an integer"),
        ('seed = -1\n', "seed", ">= 0"),
        ('preset = "twn"\n', "preset", "did you mean 'town'"),
        ('preset = 3\n', "preset", "must be a string"),
        ('name = 5\n', "name", "must be a string"),
        ('params = 3\n', "params", "must be a table"),
        ('policy = "lsp"\n', "policy", "must be a table"),
        ('[params]\nsearch_intensity = 5.0\n', "search_intensity", "allowed range"),
        ('[params]\nsearch_intensity = "high"\n', "search_intensity", "must be a number"),
        ('[params]\nburn_in_months = 1.5\n', "burn_in_months", "whole number"),
    ],
)
def test_bad_file_names_file_key_and_problem(tmp_path, text, key, problem):
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    message = str(err.value)
    assert "\n" not in message
    assert str(path) in message
    assert key in message
    assert problem in message


def test_unknown_param_suggests_close_match(tmp_path):
    path = write(tmp_path, "[params]\nserch_intensity = 0.3\n")
    with pytest.raises(ScenarioError, match="did you mean 'search_intensity'") as err:
        load_scenario(path)
    assert str(path) in str(err.value) and "serch_intensity" in str(err.value)


def test_syntax_error_gives_line(tmp_path):
    path = write(tmp_path, 'name = "x"\nseed = = 3\n')
    with pytest.raises(ScenarioError, match="TOML syntax error") as err:
        load_scenario(path)
    assert str(path) in str(err.value) and "line 2" in str(err.value)


def test_missing_file(tmp_path):
    path = tmp_path / "nope.toml"
    with pytest.raises(ScenarioError, match="not found") as err:
        load_scenario(path)
    assert str(path) in str(err.value)


def test_scenario_error_is_a_value_error():
    assert issubclass(ScenarioError, ValueError)
