"""Model adapters: policy factors, net outcomes against the counterfactual."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.experiments.models import apply_policy
from sim.experiments.spec import parse_experiment
from sim.experiments.tasks import Payload, Simulation, Task, run_batch
from sim.model import LocalEconomy
from sim.outcomes import run_summary
from sim.params import Params
from sim.policy.levers import registry
from sim.policy.spec import Policy

LEVERS = registry.names()


def test_mix_factors_are_renormalised_and_targeting_applies():
    policy = apply_policy(Policy("lsp"), {"mix.skills": 0.6, "targeting": 0.9,
                                          "targeting.health": 0.2, "regime": "coalition"})
    total_others = sum(v for k, v in registry.default_mix().items() if k != "skills")
    assert policy.regime == "coalition"
    assert policy.mix["skills"] == pytest.approx(0.6 / (0.6 + total_others))
    assert sum(policy.mix.values()) == pytest.approx(1.0)
    assert policy.targeting["health"] == 0.2 and policy.targeting["skills"] == 0.9
    with pytest.raises(ValueError, match="sum to 0"):
        apply_policy(Policy("lsp", dict.fromkeys(LEVERS, 0.0)), {})


def test_a_run_without_money_ignores_mix_and_targeting():
    """Why one counterfactual per (parameters, seed) can serve every mix and regime."""
    p = Params.from_preset("town", {"burn_in_months": 2, "programme_months": 6})
    mix = dict.fromkeys(LEVERS, 0.0) | {"skills": 1.0}
    a = run_summary(LocalEconomy(p, rng=4, policy=Policy("none")).run())
    b = run_summary(LocalEconomy(p, rng=4, policy=Policy("none", mix,
                                                         dict.fromkeys(LEVERS, 0.1))).run())
    assert pd.Series(a).equals(pd.Series(b))  # NaN (no firm followed a year) equals NaN


def test_net_outcome_is_the_run_minus_its_counterfactual():
    exp = parse_experiment("""
    [model]
    preset = "town"
    [factors.regime]
    levels = ["coalition"]
    [fixed]
    burn_in_months = 2
    programme_months = 6
    [design]
    method = "grid"
    [outcomes.net]
    summary = "reengaged_3m"
    net = true
    [outcomes.gross]
    summary = "reengaged_3m"
    """.replace("\n    ", "\n"))
    result = run_batch(Payload(exp.run_id, exp),
                       Task((Simulation(0, 0, 9, {"regime": "coalition"}),)))
    row = result.rows[0]
    p = exp.model.scenario.params.replace(burn_in_months=2, programme_months=6)
    base = run_summary(LocalEconomy(p, rng=9, policy=Policy("none")).run())["reengaged_3m"]
    assert row["status"] == "ok"
    assert np.isclose(row["net"], row["gross"] - base)
