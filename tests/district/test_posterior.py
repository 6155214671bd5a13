"""Decisions under calibration uncertainty: compare over posterior draws."""

import numpy as np
import pandas as pd
import pytest

from sim.analysis.posterior import compare_under_posterior, decompose
from sim.calibrate import Posterior
from sim.cli import main
from sim.scenario import parse_scenario

SCENARIO = """name = "skills"
preset = "town"
[params]
burn_in_months = 6
programme_months = 12
[policy]
regime = "lsp"
[policy.mix]
skills = 0.5
employment_support = 0.5
"""


def _posterior(name, values) -> Posterior:
    samples = pd.DataFrame({name: values, "distance": np.linspace(0.1, 0.2, len(values)),
                            "weight": np.full(len(values), 1 / len(values))})
    return Posterior(samples, (name,), 0.3, 0.2)


@pytest.mark.parametrize("param_sd, seed_sd, expect_params", [(1.0, 0.05, True),
                                                              (0.05, 1.0, False)])
def test_the_decomposition_attributes_spread_to_its_source(param_sd, seed_sd, expect_params):
    rng = np.random.default_rng(5)
    d = param_sd * rng.standard_normal((40, 1)) + seed_sd * rng.standard_normal((40, 10))
    out = decompose(d)
    assert out["share_parameters"] + out["share_seeds"] == pytest.approx(1.0)
    assert (out["share_parameters"] > 0.9) is expect_params
    assert out["low"] < d.mean() < out["high"]


def test_a_parameter_that_changes_no_run_contributes_nothing():
    """discount_rate changes reports only: every draw gives the same runs."""
    scenario = parse_scenario(SCENARIO, "test")
    table = compare_under_posterior([scenario], _posterior("discount_rate", [0.01, 0.06]),
                                    draws=2, seeds=[1, 2]).set_index("outcome")
    assert table.loc["employment_rate_deprived_end", "share_parameters"] == 0.0


def test_each_draw_reaches_its_runs():
    """A posterior over the budget: the cost difference varies by draw, not by seed."""
    scenario = parse_scenario(SCENARIO, "test")
    table = compare_under_posterior([scenario], _posterior("regeneration_budget", [5e5, 2e6]),
                                    draws=4, seeds=[1, 2]).set_index("outcome")
    assert table.loc["regeneration_cost", "share_parameters"] > 0.95


def test_compare_posterior_from_the_command_line(tmp_path, capsys):
    path = tmp_path / "skills.toml"
    path.write_text(SCENARIO, encoding="utf-8")
    _posterior("search_intensity", [0.15, 0.25]).write(tmp_path / "posterior.parquet")
    code = main(["compare", str(path), "--posterior", str(tmp_path / "posterior.parquet"),
                 "--draws", "2", "--seeds", "2", "--out", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code == 0 and "2 posterior draws x 2 seeds" in out
    table = pd.read_csv(tmp_path / "out" / "posterior-differences.csv")
    assert {"share_parameters", "share_seeds", "low", "high"} <= set(table.columns)
