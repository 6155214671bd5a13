"""Marginal value by lever: the raised mix keeps every other lever's money, a lever that
buys nothing shows no effect, more money for job search support shows more work."""

import numpy as np
import pandas as pd
import pytest
from town_scenarios import town_scenario

from sim.analysis import marginal
from sim.policy.levers import Lever, registry

IDLE = Lever(name="idle", label="Idle", cost_param=None, groups=frozenset({"place"}),
             default_share=0.0, remit=("voluntary_sector",), deliver=lambda model, money: 0.0,
             eligible=lambda model: np.array([], np.int64), unit="neighbourhoods",
             description="a lever that buys nothing (tests)")


def test_the_raised_lever_gets_the_extra_money_and_the_others_keep_theirs():
    base = town_scenario(name="lsp", regime="lsp", programme=24)
    up = marginal.raised(base, "skills", 2e6)
    budget, years = base.params.regeneration_budget, base.params.programme_months / 12
    new_budget = up.params.regeneration_budget
    assert new_budget * years == pytest.approx(budget * years + 2e6)
    for lever, share in base.policy.mix.items():
        extra = 2e6 if lever == "skills" else 0.0
        assert up.policy.mix[lever] * new_budget * years == pytest.approx(
            share * budget * years + extra)
    assert sum(up.policy.mix.values()) == pytest.approx(1.0)


def test_a_lever_that_buys_nothing_has_an_interval_covering_zero():
    """Against the counterfactual (the wrong comparison) the same runs would show the whole
    programme's effect, far from zero; against the mix as given they show noise only."""
    with registry.registered(IDLE):
        base = town_scenario(name="lsp", regime="lsp", programme=24)
        table = marginal.marginal_values(base, [1, 2], levers=["idle"])
    assert (table["spent_on_lever"] == 0).all()
    for row in table.itertuples():
        assert row.ci_low <= 0 <= row.ci_high, row
        assert row.verdict == ""


def test_more_money_for_job_search_support_buys_more_employment_years():
    # the marginal effect is a few employment-years per GBP 1m on town: it needs the
    # model's own burn-in, three programme years and six seeds to be told from zero
    base = town_scenario(name="lsp", regime="lsp", programme=36, burn_in=36)
    table = marginal.marginal_values(base, [1, 2, 3, 4, 5, 6], levers=["employment_support"],
                                     extra=3e6)
    row = table.set_index("outcome").loc[marginal.HEADLINE]
    assert row.ci_low > 0 and row.verdict == "grow"
    assert row.spent_on_lever > 0 and row.seeds == 6


def _frame(effects: dict, seeds: int = 6, sd: float = 1.0) -> pd.DataFrame:
    rng = np.random.default_rng(3)  # synthetic per-seed effects, not a model stream
    rows = [{"lever": lever, "seed": s, "net_employment_years": mean + sd * rng.standard_normal(),
             "net_reengaged": 0.0, "spent_on_lever": 1e6, "spent_total": 1e6}
            for lever, mean in effects.items() for s in range(seeds)]
    return pd.DataFrame(rows)


def test_levers_are_sorted_and_labelled_only_where_the_interval_excludes_zero():
    table = marginal.marginal_table(_frame({"skills": 0.0, "health": 20.0,
                                            "childcare": -20.0}))
    head = table[table["outcome"] == marginal.HEADLINE]
    assert head["lever"].tolist() == ["health", "skills", "childcare"]
    assert head["verdict"].tolist() == ["grow", "", "cut"]
    assert table.loc[table["outcome"] == "net_reengaged", "verdict"].eq("").all()
