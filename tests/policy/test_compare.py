"""The paired comparison reports net effects with intervals, from Python and the CLI."""

import json

import numpy as np
import pandas as pd
import pytest
from town_scenarios import scenario_text

from sim import outcomes
from sim.analysis.compare import compare
from sim.backends import Backend
from sim.cli import main
from sim.evaluate import counterfactual
from sim.scenario import parse_scenario

SCENARIO = scenario_text(name="quick-coalition", programme=36)


def test_compare_against_counterfactual_gives_net_effects_with_intervals():
    s = parse_scenario(SCENARIO, "test.toml")
    diff, extra, pairs = compare(s, seeds=3)
    assert [p.seed for p in pairs] == [1, 2, 3]
    row = diff.set_index("outcome").loc["reengaged_6m"]
    assert np.isfinite([row.difference, row.ci_low, row.ci_high]).all()
    assert row.ci_low <= row.difference <= row.ci_high
    assert set(extra["measure"]) >= {"cost_per_net_reengaged", "deadweight_participants",
                                     "displacement", "leakage", "private_leverage"}
    assert counterfactual(s).policy.regime == "none"
    costs = diff.set_index("outcome")["difference"]
    assert costs["mainstream_aligned_spend"] > 0  # aligned money is a cost beside regeneration
    assert costs["public_cost"] == pytest.approx(costs["regeneration_cost"]
                                                 + costs["mainstream_aligned_spend"])
    assert costs["reengaged_6m_net_of_forgone"] == pytest.approx(
        costs["reengaged_6m"] - costs["aligned_forgone_reengaged"])


def test_comparison_does_not_depend_on_worker_count():
    s = parse_scenario(SCENARIO, "test.toml")
    one = compare(s, seeds=2)[0]
    two = compare(s, seeds=2, backend=Backend("processes", 2))[0]
    assert one.equals(two)


def test_cli_compare_prints_net_reengagement(tmp_path, capsys):
    path = tmp_path / "s.toml"
    path.write_text(SCENARIO)
    assert main(["compare", str(path), "--seeds", "2", "--workers", "1",
                 "--out", str(tmp_path / "cmp")]) == 0
    out = capsys.readouterr().out
    assert outcomes.label("reengaged_6m") in out and "95% CI" in out
    assert "Public cost per net resident employment-year" in out
    assert (tmp_path / "cmp" / "headline.csv").is_file()


def test_compare_several_scenarios_writes_a_self_contained_report(tmp_path, capsys):
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text(SCENARIO.replace("quick-coalition", "lsp").replace('"coalition"', '"lsp"'))
    b.write_text(SCENARIO)
    out = tmp_path / "report"
    assert main(["compare", str(a), str(b), "--seeds", "2", "--workers", "2",
                 "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "vs lsp" in text and "Report:" in text
    page = (out / "report.html").read_text()
    assert page.count("data:image/png;base64,") >= 2
    assert "http://" not in page and "https://" not in page and "<script" not in page
    headline = pd.read_csv(out / "headline.csv")
    assert set(headline["scenario"]) == {"lsp", "quick-coalition"}
    row = headline.set_index(["scenario", "measure"]).loc[("quick-coalition", "reengaged_6m")]
    assert np.isfinite(row.vs_first) and row.vs_first_low <= row.vs_first <= row.vs_first_high
    net = headline.set_index(["scenario", "measure"])["estimate"]["quick-coalition"]
    assert net["public_cost"] == pytest.approx(net["regeneration_cost"]
                                               + net["mainstream_aligned_spend"])
    assert net["mainstream_aligned_spend"] > 0
    assert "aligned mainstream money spent" in text.lower() and "public cost" in text.lower()


def test_duplicate_scenario_names_are_a_user_error(tmp_path, capsys):
    path = tmp_path / "s.toml"
    path.write_text(SCENARIO)
    assert main(["compare", str(path), str(path), "--seeds", "2"]) == 2
    assert "names must differ" in capsys.readouterr().err


def test_cost_per_net_outcome_is_undefined_when_the_gain_could_be_zero():
    """Fieller's interval replaces the bootstrap: a cost per net job whose net jobs' interval
    includes zero is reported as undefined (n/a), not as a number with a one-sided interval."""
    from sim.analysis.compare import fmt, ratio_interval

    spend = np.full(5, 1e6)
    gain = np.array([10.0, -8.0, -6.0, 9.0, 1.0])
    assert all(fmt(x) == "n/a" for x in ratio_interval(spend, gain, positive=True))
    clear = np.array([10.0, 12.0, 8.0, 11.0, 9.0])
    estimate, low, high = ratio_interval(spend, clear, positive=True)
    assert estimate == pytest.approx(1e5) and low < estimate < high


def test_json_has_the_account_and_cost_per_net_employment_year(tmp_path, capsys):
    path = tmp_path / "s.toml"
    path.write_text(SCENARIO.replace('"coalition"', '"lsp"'))
    assert main(["compare", str(path), "--seeds", "3", "--workers", "1", "--json",
                 "--out", str(tmp_path / "cmp")]) == 0
    doc = json.loads(capsys.readouterr().out)
    headline = {r["measure"]: r for r in doc["headline"]}
    row = headline["cost_per_net_employment_year"]
    assert row["estimate"] is None or row["ci_low"] <= row["estimate"] <= row["ci_high"]
    assert headline["cost_total"]["estimate"] > 0 and headline["unspent"]["estimate"] >= 0
    tables = {r["table"] for r in doc["additionality"]}
    assert tables == {"measures", "jobs account", "people account"}
    assert doc["benchmarks"] and all(b["source"] for b in doc["benchmarks"])
    page = (tmp_path / "cmp" / "report.html").read_text()
    assert "Additionality account" in page and "UK evaluation figures" in page
