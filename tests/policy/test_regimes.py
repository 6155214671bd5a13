"""Claims about regimes are emergent: they hold under defaults and fail under other settings."""

import numpy as np
import pytest

from sim.model import LocalEconomy
from sim.outcomes import run_summary
from sim.params import Params
from sim.policy.spec import Policy

NO_COALITION_INCENTIVES = {"pot_access_value": 0.0, "reward_grant_share": 0.0,
                           "performance_pressure": 0.0, "growth_weight": 0.8}


def _conditional_engagement(model):
    return np.mean([b.engagement for b in model.partners if b.disposition == "conditional"])


def test_pooling_raises_engagement_of_conditional_cooperators(town_params):
    lsp = LocalEconomy(town_params, rng=2, policy=Policy("lsp")).run()
    coalition = LocalEconomy(town_params, rng=2, policy=Policy("coalition")).run()
    assert _conditional_engagement(coalition) > _conditional_engagement(lsp) + 0.3
    assert coalition.records["monthly"][-1]["business_engagement_share"] > \
        lsp.records["monthly"][-1]["business_engagement_share"]


@pytest.mark.slow
def test_without_its_incentives_the_coalition_does_no_better_than_the_lsp():
    params = Params.from_preset("town", NO_COALITION_INCENTIVES)
    lsp, coalition = [], []
    for seed in (1, 2, 3):
        lsp.append(run_summary(LocalEconomy(params, rng=seed, policy=Policy("lsp")).run()))
        coalition.append(run_summary(LocalEconomy(params, rng=seed,
                                                  policy=Policy("coalition")).run()))
    mean = lambda runs, k: np.mean([r[k] for r in runs])  # noqa: E731
    engagement = "partner_engagement_mean_end"
    assert mean(coalition, engagement) < mean(lsp, engagement) + 0.05
    assert mean(coalition, "reengaged_6m") <= 1.03 * mean(lsp, "reengaged_6m")
    assert mean(coalition, "employment_rate_deprived_end") <= mean(
        lsp, "employment_rate_deprived_end") + 0.005


def test_a_large_growth_weight_starves_social_partners_missions(town_params):
    growth = LocalEconomy(town_params.replace(growth_weight=1.0), rng=4,
                          policy=Policy("coalition")).run()
    trust = {b.name: b.trust for b in growth.partners}
    assert trust["police"] < trust["development_agency"]
    assert trust["health_body"] < town_params.initial_trust
