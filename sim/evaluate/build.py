"""The one place outside the model where a `LocalEconomy` is built, and the one
definition of the counterfactual."""

from __future__ import annotations

from dataclasses import replace

from sim.model import LocalEconomy
from sim.policy.spec import Policy
from sim.scenario import Scenario


def build_model(scenario: Scenario, seed: int | None = None, watch=None,
                disabled_levers=()) -> LocalEconomy:
    """A model of `scenario`, not yet stepped.

    Args:
        scenario: district, parameters, policy and shocks.
        seed: the run's seed (default: the scenario's).
        watch: people to follow (another run's `tracker.watch`), for a paired run.
        disabled_levers: levers whose money is not spent.
    """
    return LocalEconomy(scenario.params, rng=scenario.seed if seed is None else seed,
                        policy=scenario.policy, shocks=scenario.shocks, watch=watch,
                        disabled_levers=disabled_levers, district=scenario.district)


def counterfactual(scenario: Scenario) -> Scenario:
    """The same district, parameters, shocks and seed with no regeneration money.

    With no money flowing, a run does not depend on regime, mix or targeting, so the
    counterfactual takes the default mix and targeting: one counterfactual per parameter
    set and seed serves every policy (and has the same key when stored).
    """
    return replace(scenario, name=f"{scenario.name} (no programme)", policy=Policy("none"))
