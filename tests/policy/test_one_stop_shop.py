"""The one stop shop's capacity, business engagement under an LSP, gap funding's deadweight
and the growth levers as a scenario choice (issue 10)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.investment import appraise, gap_offer
from sim.model import LocalEconomy
from sim.outcomes import run_summary
from sim.params import Params
from sim.policy import regimes
from sim.policy.levers import registry
from sim.policy.one_stop_shop import CaseLoad
from sim.policy.spec import Policy
from sim.scenario import ScenarioError, parse_scenario

SHORT = {"burn_in_months": 12, "programme_months": 60}


def _run(regime: str, seed: int = 4, **overrides) -> LocalEconomy:
    p = Params.from_preset("town", {**SHORT, **overrides})
    return LocalEconomy(p, rng=seed, policy=Policy(regime)).run()


def test_caseload_stops_when_capacity_runs_out():
    p = Params.from_preset("town", {"oss_cost_per_case": 10000.0})
    shop = CaseLoad()
    shop.new_year(p, budget=24000.0, running=True)  # 0.2 cases a month
    taken = 0
    for _ in range(12):
        shop.new_month(authority=1.0)
        taken += sum(shop.take_case() for _ in range(3))  # three projects a month want help
    assert taken == 2
    shop.new_year(p, budget=24000.0, running=False)  # an LSP: no shop
    shop.new_month(authority=1.0)
    assert not shop.take_case()


def _case(p, cut: float, case_months: float) -> dict:
    """One inward project at the district's first neighbourhood, appraised with the shop's
    `cut` and `case_months` and no gap funding."""
    from sim.space import build_neighbourhoods

    hoods = build_neighbourhoods(p, np.random.default_rng(0))
    project = dict(project_id=0, month=0, hood=0, deprived=True, kind="inward", jobs=10,
                   skill_need=2, gross_value=1e5, appraisal_error=0.0)
    skills = np.full((hoods.n, 5), 100)
    no_rent = np.zeros(hoods.n)
    return appraise(p, hoods, project, skills, no_rent, friction_cut=cut,
                    case_months=case_months)


def test_a_shop_without_delegated_powers_is_one_more_stop():
    """A case's process costs time whatever the shop cuts: with full authority the cut
    outweighs it; where partners delegate nothing the case is worth less than no shop."""
    p = Params.from_preset("town", {"oss_case_months": 2.0})
    alone = _case(p, cut=0.0, case_months=0.0)
    delegated = _case(p, cut=p.oss_friction_cut, case_months=p.oss_case_months)
    undelegated = _case(p, cut=0.0, case_months=p.oss_case_months)
    assert delegated["one_stop_shop_value"] > 0 > undelegated["one_stop_shop_value"]
    assert undelegated["net_value"] < alone["net_value"] < delegated["net_value"]


def test_tiny_budget_serves_fewer_projects():
    """Capacity binds: with a shop budget that buys about one case in five years fewer
    projects get the friction cut than with the default budget."""
    default = run_summary(_run("coalition", projects_per_year_per_100k=50.0))
    tiny = run_summary(_run("coalition", projects_per_year_per_100k=50.0,
                            one_stop_shop_budget=6000.0))
    assert default["one_stop_shop_cases"] > 2
    assert tiny["one_stop_shop_cases"] <= 1 < default["one_stop_shop_cases"]


def test_firms_engage_under_an_lsp_for_the_brokerage():
    """Under an LSP firms engage for brokered recruits, within the calibration range
    (0.03-0.20); without the brokerage's value fewer do (the rest is noise and peers)."""
    def share(**overrides):
        m = _run("lsp", **overrides)
        rows = [r for r in m.records["monthly"] if r["phase"] == "programme"]
        return np.mean([r["business_engagement_share"] for r in rows])

    with_brokerage = share()
    assert 0.03 <= with_brokerage <= 0.20
    assert share(brokered_recruit_value=0.0) < with_brokerage - 0.02


def test_brokerage_fills_engaged_firms_vacancies_faster():
    """Engaged firms' applicants come through the brokerage, which vouches for them: with a
    full screening cut their fill rate beats that of firms not engaged."""
    m = _run("lsp", brokerage_screening_cut=1.0, skill_screen_penalty=3.0)
    rows = [r for r in m.records["monthly"] if r["phase"] == "programme"]
    engaged = np.nanmean([r["fill_rate_engaged_firms"] for r in rows])
    other = np.nanmean([r["fill_rate_other_firms"] for r in rows])
    assert engaged > other


def _deadweight(sd: float) -> float:
    """Share of funded projects that were viable anyway, over many marginal projects."""
    p = Params.from_preset("town", {"appraisal_error_sd": sd})
    rng = np.random.default_rng(0)
    funded = anyway = 0
    for net, error in zip(rng.normal(0, 2e5, 2000), rng.standard_normal(2000), strict=True):
        offer = gap_offer(p, {"gross_value": 1e6, "appraisal_error": error}, net, 5e5)
        if offer > 0 and net + offer > 0:
            funded += 1
            anyway += net > 0
    return anyway / funded


def test_deadweight_emerges_only_from_noisy_appraisal():
    assert _deadweight(0.0) == 0.0
    assert _deadweight(0.3) > 0.2


def test_growth_levers_choose_what_the_growth_weight_favours():
    p = Params.from_preset("town", {"growth_weight": 0.5})
    levers = registry.levers()
    mix = np.full(len(levers), 1 / len(levers))
    health = registry.names().index("health")
    as_growth = regimes.growth_tilted_mix(p, mix, levers, ("health",))
    default = regimes.growth_tilted_mix(p, mix, levers, Policy().growth_levers)
    assert as_growth[health] > default[health]


@pytest.mark.parametrize("value", ['["business_support", "casino"]', '"skills"'])
def test_unknown_growth_levers_are_a_user_error(value):
    text = f'preset = "town"\n[policy]\nregime = "coalition"\ngrowth_levers = {value}\n'
    with pytest.raises(ScenarioError, match=r"^my\.toml: \[policy\]: .*growth_levers"):
        parse_scenario(text, source="my.toml")


def test_growth_levers_default_and_choice():
    text = 'preset = "town"\n[policy]\nregime = "coalition"\n'
    assert parse_scenario(text, "a.toml").policy.growth_levers == Policy().growth_levers
    chosen = parse_scenario(text + 'growth_levers = ["skills"]\n', "b.toml")
    assert chosen.policy.growth_levers == ("skills",)
