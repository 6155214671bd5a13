"""Experiment files: valid files load; every kind of mistake is one readable line."""

from __future__ import annotations

from pathlib import Path

import pytest
from exp_helpers import ISHIGAMI

from sim.experiments import ExperimentError, load_experiment

REPO = Path(__file__).resolve().parents[2]

LOCAL = """
name = "local"
[model]
kind = "local_economy"
preset = "town"
[factors.search_intensity]
low = 0.2
high = 0.35
[factors.delivery_lag_months]
low = 1
high = 6
[factors.regime]
levels = ["lsp", "coalition"]
[factors.mix.skills]
low = 0.1
high = 0.5
[fixed]
programme_months = 60
[design]
method = "sobol"
samples = 8
[outcomes.reengaged]
summary = "reengaged_6m"
net = true
[outcomes.employment_deprived]
column = "employment_rate_deprived"
stat = "mean"
window = [37, 96]
"""


def error_of(write, text: str) -> str:
    path = write(text)
    with pytest.raises(ExperimentError) as info:
        load_experiment(path)
    message = str(info.value)
    assert str(path) in message
    return message


def replace(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)


def test_local_economy_experiment_loads_with_roles_and_kinds(write):
    exp = load_experiment(write(LOCAL))
    kinds = {f.name: (f.kind, f.role, f.sets) for f in exp.factors}
    assert kinds == {"search_intensity": ("float", "uncertainty", "param"),
                     "delivery_lag_months": ("int", "uncertainty", "param"),
                     "regime": ("categorical", "lever", "policy"),
                     "mix.skills": ("float", "lever", "policy")}
    assert [f.name for f in exp.levers] == ["regime", "mix.skills"]
    assert exp.fixed == {"programme_months": 60}
    assert exp.model.scenario.preset == "town"
    assert exp.needs_counterfactual
    assert [o.kind for o in exp.outcomes] == ["scalar", "scalar"]


def test_run_id_is_stable_and_ignores_description_and_run_settings(write):
    a = load_experiment(write(LOCAL))
    described = LOCAL.replace('name = "local"', 'name = "local"\ndescription = "x"')
    b = load_experiment(write(described + "[run]\nworkers = 1\n", "b.toml"))
    c = load_experiment(write(replace(LOCAL, "samples = 8", "samples = 16"), "c.toml"))
    assert a.run_id == b.run_id != c.run_id
    assert len(a.run_id) == 10


def test_bundled_experiment_files_are_valid():
    names = ("morris-screening", "sobol-reengagement", "regime-mix-grid", "sobol-town-quick")
    for name in names:
        exp = load_experiment(REPO / "experiments" / f"{name}.toml")
        assert exp.name == name
    grid = load_experiment(REPO / "experiments" / "regime-mix-grid.toml")
    assert {f.name for f in grid.factors} == {"regime", "mix.skills", "mix.employment_support"}


@pytest.mark.parametrize("old,new,expected", [
    ("[factors.search_intensity]", "[factors.search_intensty]",
     "[factors.search_intensty]: unknown factor 'search_intensty'; did you mean "
     "'search_intensity'"),
    ("high = 0.35", "high = 1.5", "[factors.search_intensity]: key 'high'"),
    ("low = 0.2", "low = 0.5", "key 'low' (0.5) must be below key 'high' (0.35)"),
    ('levels = ["lsp", "coalition"]', 'levels = ["lsp", "coalitoin"]',
     "[factors.regime]: 'coalitoin' is not allowed"),
    ("low = 1\nhigh = 6", "low = 1.5\nhigh = 6",
     "[factors.delivery_lag_months]: key 'low': 'delivery_lag_months' must be a whole number"),
    ('summary = "reengaged_6m"', 'summary = "reengaged_6"',
     "[outcomes.reengaged]: key 'summary': unknown run_summary key 'reengaged_6'; did you mean"),
    ('column = "employment_rate_deprived"', 'column = "employment_deprived"',
     "unknown monthly column 'employment_deprived'; did you mean 'employment_rate_deprived'"),
    ("samples = 8", "samples = 10", "[design]: key 'samples' must be a power of 2 for Sobol "
     "sequences (got 10; try 8 or 16)"),
    ('method = "sobol"', 'method = "sobel"', "[design]: key 'method': 'sobel' is not allowed; "
     "did you mean 'sobol'"),
    ("programme_months = 60", "programme_months = 60\nsearch_intensity = 0.3",
     "[fixed] key 'search_intensity': is also a factor"),
    ("programme_months = 60", "programme_month = 60", "[fixed] key 'programme_month': "
     "unknown factor 'programme_month'; did you mean 'programme_months'"),
    ("window = [37, 96]", "window = [37, 120]", "[outcomes.employment_deprived] key 'window': "
     "[37, 120] goes past the run's last month (96"),
    ('kind = "local_economy"', 'kind = "local_economy"\nscenario = "nope.toml"',
     "[model]: key 'scenario': scenario file not found"),
    ('preset = "town"', 'preset = "twon"', "[model]: key 'preset': unknown preset 'twon'"),
    ("[design]", "[design]\nlevels = 4", "key 'levels' applies only to method = \"morris\""),
    ("[outcomes.reengaged]", "[outcomes.point]", "[outcomes.point]: 'point' is a reserved "
     "column name"),
    ("net = true", "net = true\nstat = \"mean\"", "key 'stat' applies only to a monthly column"),
    ("[factors.regime]", "[factors.regime]\nlow = 0", "give either levels or a range"),
    ("name = \"local\"", "name = \"local\"\ndescriptoin = \"x\"", "unknown key 'descriptoin'; "
     "did you mean 'description'"),
    ("programme_months = 60", "programme_months = 60\non_the_job_search = nan",
     "[fixed] key 'on_the_job_search': 'on_the_job_search' must be a finite number"),
    ("high = 0.35", "high = inf", "[factors.search_intensity]: key 'high' must be a finite "
     "number"),
    ("low = 0.1\nhigh = 0.5", "low = nan\nhigh = 0.5", "[factors.mix.skills]: key 'low' must "
     "be a finite number"),
    ("samples = 8", "samples = 1073741824", "[design]: key 'samples' must be at most 1,048,576"),
])
def test_each_mistake_names_file_table_key_and_what_is_allowed(write, old, new, expected):
    assert expected in error_of(write, replace(LOCAL, old, new))


def test_several_problems_are_reported_together_one_line_each(write):
    text = replace(replace(LOCAL, "[factors.search_intensity]", "[factors.serch_intensity]"),
                   'summary = "reengaged_6m"', 'summary = "nope"')
    lines = error_of(write, text).splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("2 problems in ") and lines[0].endswith("exp.toml:")
    assert "serch_intensity" in lines[1] and "'nope'" in lines[2]


def test_factor_and_outcome_names_may_not_collide(write):
    text = ISHIGAMI + "[outcomes.x1]\nkey = \"y\"\n"
    assert "'x1' is also a factor name" in error_of(write, text)


def test_function_and_mesa_models_are_checked(write):
    bad = ISHIGAMI.replace("function_models:ishigami", "function_models:nothing")
    assert "cannot use function 'function_models:nothing'" in error_of(write, bad)
    constant = ISHIGAMI.replace("function_models:ishigami", "math:pi")
    assert "cannot use function 'math:pi': it is a float, not a class" in error_of(write, constant)
    unbounded = ISHIGAMI.replace("high = 3.14159\n[factors.x2]", "high = inf\n[factors.x2]", 1)
    assert "[factors.x1]: key 'high' must be a finite number" in error_of(write, unbounded)
    fixed_nan = ISHIGAMI.replace("[design]", "[fixed]\na = nan\n[design]")
    assert "[fixed] key 'a': 'a' must be a finite number" in error_of(write, fixed_nan)
    typo = ISHIGAMI.replace("[factors.x3]", "[factors.x4]")
    assert "unknown factor 'x4'" in error_of(write, typo)
    mesa = """
    [model]
    kind = "mesa"
    class = "mesa.examples.basic.boltzmann_wealth_model.model:BoltzmannWealth"
    steps = 5
    [factors.nn]
    low = 10
    high = 20
    [design]
    method = "lhs"
    samples = 4
    [outcomes.gini]
    attribute = "gini"
    net = true
    """
    message = error_of(write, mesa)
    assert "unknown factor 'nn'; did you mean 'n'" in message
    assert "key 'net' applies only to local_economy models" in message


def test_sampler_sharp_edges_are_errors(write):
    normal = ISHIGAMI.replace("low = -3.14159\nhigh = 3.14159\n[factors.x2]",
                              "distribution = \"normal\"\nmean = 0\nsd = 1\n[factors.x2]", 1)
    morris = normal.replace('method = "sobol"', 'method = "morris"').replace("samples = 16",
                                                                             "samples = 4")
    assert "Morris needs bounded factors" in error_of(write, morris)
    fast = ISHIGAMI.replace('method = "sobol"', 'method = "fast"')
    assert "must be > 4 * harmonics^2 = 64" in error_of(write, fast)
    tri = ISHIGAMI.replace("high = 3.14159\n[factors.x2]",
                           "high = 3.14159\ndistribution = \"triangular\"\nmode = 3.14159\n"
                           "[factors.x2]", 1)
    assert "key 'mode' (3.14159) must be >= low and < high" in error_of(write, tri)
    registry_normal = LOCAL.replace("low = 0.2\nhigh = 0.35",
                                    "distribution = \"normal\"\nmean = 0.3\nsd = 0.02")
    assert "a normal distribution is unbounded" in error_of(write, registry_normal)


def test_missing_file_and_bad_toml(write, tmp_path):
    with pytest.raises(ExperimentError, match="experiment file not found"):
        load_experiment(tmp_path / "missing.toml")
    assert "TOML syntax error" in error_of(write, "name = \n")
