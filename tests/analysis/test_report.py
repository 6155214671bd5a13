"""The board report: one offline page with every section a board needs, percentages as
percentages, the conclusion first; the JSON carries the account, the headline cost and
the marginal values."""

import json
import re

import numpy as np
import pandas as pd
import pytest
from town_scenarios import town_scenario

from sim.analysis import marginal, report

SECTIONS = ("Ranking", "Enough seeds?", "The scenarios and their money",
            "Realised spending by lever", "Additionality account",
            "Deadweight, displacement and leakage", "Marginal value of each lever",
            "People-based and place-based effects", "How sure: interval methods", "Glossary",
            "Provenance")


def _marginal(levers) -> pd.DataFrame:
    rows = [{"lever": lever, "seed": s, "net_employment_years": 5.0 * i + s,
             "net_reengaged": 0.1 * s, "spent_on_lever": 1e6, "spent_total": 1e6}
            for i, lever in enumerate(levers) for s in (1, 2, 3)]
    return marginal.marginal_table(pd.DataFrame(rows))


@pytest.fixture(scope="module")
def comparison():
    scenarios = [town_scenario(name="lsp", regime="lsp", programme=18),
                 town_scenario(name="coalition", regime="coalition", programme=18)]
    result = report.compare_scenarios(scenarios, seeds=2)
    result.marginal = {s.name: _marginal(["skills", "health"]) for s in scenarios}
    return result


@pytest.fixture(scope="module")
def page(comparison, tmp_path_factory):
    folder, _ = report.write_report(comparison, tmp_path_factory.mktemp("report"))
    return (folder / "report.html").read_text()


def test_the_report_has_every_section_and_opens_offline(page):
    headings = re.findall(r"<h[23]>(.*?)</h[23]>", page)
    for section in SECTIONS:
        assert any(h.startswith(section) for h in headings), section
    assert not re.search(r"(src|href)=\"(?!data:)", page)  # nothing fetched
    assert "http://" not in page and "https://" not in page and "<script" not in page
    assert page.count("data:image/png;base64,") >= 4  # waterfall, marginal, panels


def test_the_conclusion_comes_first_and_names_a_scenario(page):
    body = page.split("<body>", 1)[1]
    lead = re.search(r'<p class="lead">(.*?)</p>', body, re.S)
    assert lead and body.index('class="lead"') < body.index("<h2>")
    assert "lsp" in lead.group(1) or "coalition" in lead.group(1) or "No scenario" in lead.group(1)


def test_shares_are_shown_as_percentages(page):
    leakage = re.search(r"Leakage: in-commuter share of assisted firms&#x27; jobs</td><td>(.*?)<",
                        page)
    assert leakage and "%" in leakage.group(1)
    assert "<td>git commit</td>" in page and "{'python'" not in page  # provenance as a table


def test_json_has_the_account_the_headline_cost_and_the_marginal_values(comparison):
    doc = json.loads(report.to_json(comparison))
    assert {r["scenario"] for r in doc["cost_per_net_employment_year"]} == {"lsp", "coalition"}
    assert {r["table"] for r in doc["additionality"]} >= {"jobs account", "people account"}
    lever_rows = doc["marginal"]["coalition"]
    assert [r["lever"] for r in lever_rows if r["outcome"] == "net_employment_years"] == [
        "health", "skills"]
    assert all(r["seeds_used"] == 2 for r in doc["seeds_needed"])


def test_the_ranking_difference_uses_the_delta_method_paired_by_seed(comparison):
    table = report.headline_table(comparison).set_index(["scenario", "measure"])
    row = table.loc[("coalition", "cost_total")]
    assert row.vs_first_method == "t" and np.isfinite(row.vs_first)
    assert table.loc[("coalition", "cost_per_net_employment_year"), "vs_first_method"] == (
        "delta method")


def _headline(cheap: str, diff: tuple, needed=None) -> pd.DataFrame:
    """A two-scenario headline table: `a` is first; `cheap` costs 8,000, the other 10,000."""
    rows = []
    for name in ("a", "b"):
        cost = 8_000.0 if name == cheap else 10_000.0
        vs = diff if name == "b" else (np.nan,) * 3
        for measure in ("cost_per_net_employment_year", "cost_per_net_reengaged_discounted"):
            rows.append({"scenario": name, "measure": measure, "estimate": cost,
                         "ci_low": cost - 500, "ci_high": cost + 500, "vs_first": vs[0],
                         "vs_first_low": vs[1], "vs_first_high": vs[2],
                         "seeds_needed_vs_first": needed})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("cheap", ["a", "b"])
def test_the_conclusion_names_the_cheaper_scenario_and_how_sure(cheap):
    from types import SimpleNamespace

    from sim.analysis.report_html import conclusion

    comparison = SimpleNamespace(scenarios=[SimpleNamespace(name="a"), SimpleNamespace(name="b")],
                                 seeds=[1, 2, 3])
    d = -2_000.0 if cheap == "b" else 2_000.0  # b minus a
    sure = conclusion(comparison, _headline(cheap, (d, d - 500, d + 500)))
    assert sure.startswith(f"<b>{cheap}</b>") and "GBP 2,000 per employment-year cheaper" in sure
    assert "excludes zero" in sure and "20% less" in sure
    unsure = conclusion(comparison, _headline(cheap, (d, -3_000.0, 3_000.0), needed=14))
    assert "cannot tell them apart" in unsure and "14 seeds" in unsure


def test_the_terminal_comparison_shows_shares_as_percentages():
    from sim.analysis.compare import format_comparison

    diff = pd.DataFrame([{"outcome": "reengaged_6m_share", "label": "share re-engaged",
                          "scenario": 0.327, "comparison": 0.264, "difference": 0.0636,
                          "ci_low": 0.06, "ci_high": 0.067}])
    extra = pd.DataFrame([{"measure": "leakage", "estimate": 0.28, "ci_low": 0.05,
                           "ci_high": 0.5}])
    text = format_comparison(diff, extra, "a", "b", [1, 2])
    assert "32.7%" in text and "+6.4 pp" in text and "28.0%" in text
