"""Common random numbers: which random streams a change of policy reaches.

In the spirit of Starsim's tests/test_randomness.py::test_worlds. Every process draws
from its own named stream (sim.rng), so runs that differ only in policy share their
random numbers until the policy changes what a process sees.
"""

import numpy as np
import pandas as pd
import pytest

import sim.model
from sim.model import LocalEconomy
from sim.policy.spec import Policy
from sim.rng import Streams, stream

# Streams that draw a fixed count every month (one number per resident slot), whatever
# the policy: their states must never differ between policies.
PER_RESIDENT = ("separation", "activation", "search", "matching", "inactivity_reason",
                "health", "layoffs")


class RecordingStreams(Streams):
    """Streams that also keep each month's fresh (monthly) generators, so a test can read
    the state every stream has reached."""

    def __init__(self, seed: int):
        super().__init__(seed)
        self.monthly_generators: dict[str, np.random.Generator] = {}

    def monthly(self, name: str, month: int) -> np.random.Generator:
        generator = super().monthly(name, month)
        self.monthly_generators[f"{name}/{month}"] = generator
        return generator

    def snapshot(self) -> dict[str, dict]:
        """State of every stream that has drawn at least once (a stream created but not
        drawn from, e.g. training with nobody finishing, counts as untouched)."""
        monthly = {k: g.bit_generator.state for k, g in self.monthly_generators.items()}
        states = {**self.states(), **monthly}
        return {k: v for k, v in states.items() if v != stream(self.seed, k).bit_generator.state}


@pytest.fixture
def recorded(monkeypatch):
    monkeypatch.setattr(sim.model, "Streams", RecordingStreams)


def _arrays(obj) -> dict:
    return {k: v for k, v in vars(obj).items() if isinstance(v, np.ndarray)}


def _assert_same_arrays(a, b) -> None:
    x, y = _arrays(a), _arrays(b)
    assert x.keys() == y.keys()
    for key in x:
        assert np.array_equal(x[key], y[key], equal_nan=x[key].dtype.kind == "f"), key


def _monthly(model) -> pd.DataFrame:
    return pd.DataFrame(model.records["monthly"])


def _stepped(model, months: int) -> list[dict]:
    """Step `months` times; the streams' states after each month."""
    states = []
    for _ in range(months):
        model.step()
        states.append(model.streams.snapshot())
    return states


def test_regimes_share_one_world_through_burn_in(town_params, recorded):
    """(a) The same seed under none, lsp and coalition is bit-identical through burn-in:
    monthly records, resident, household, firm and neighbourhood arrays, and the state of
    every random stream at the end of burn-in."""
    params = town_params.replace(burn_in_months=12, programme_months=12)
    runs = [LocalEconomy(params, rng=7, policy=Policy(regime)).run(params.burn_in_months)
            for regime in ("none", "lsp", "coalition")]
    first = runs[0]
    for other in runs[1:]:
        pd.testing.assert_frame_equal(_monthly(first), _monthly(other))
        for part in ("residents", "households", "firms", "hoods"):
            _assert_same_arrays(getattr(first, part), getattr(other, part))
        assert first.streams.snapshot() == other.streams.snapshot()
    assert len(first.streams.snapshot()) > 20  # every process has drawn by then


def test_disabling_a_lever_reaches_only_the_streams_it_can_reach(town_params, recorded):
    """(b) Disabling skills, against the same run with skills.

    What holds, and is asserted:
    1. Until the month skills would first spend (its money arrives after the delivery
       lag), every stream's state and every monthly record is identical.
    2. In that month, the streams drawn before skills acts (firms' engagement in stage
       1, employment support, the lever before it) are identical, and skills' own stream
       differs (it is not drawn at all in the run without skills).
    3. In every month of the run, the streams that draw one number per resident slot
       (PER_RESIDENT) have identical states: a policy never shifts anyone else's draws.

    What does not hold, so is not claimed: "only the lever's own streams change". From
    its first month the lever changes the state the model is in, and streams whose draw
    count depends on that state diverge: in the same month health's stream (people on a
    course are not eligible for health places, so health's pool is smaller), later
    employment support, wage subsidy, childcare, training, wages, in-commuters and moves.
    """
    params = town_params.replace(burn_in_months=6, programme_months=24)
    policy = Policy("coalition")
    months = params.burn_in_months + 12
    with_skills = LocalEconomy(params, rng=11, policy=policy)
    without = LocalEconomy(params, rng=11, policy=policy, disabled_levers=("skills",))
    states_with, states_without = _stepped(with_skills, months), _stepped(without, months)

    first_spend = params.burn_in_months + params.delivery_lag_months + 1
    spend = _monthly(with_skills).set_index("month")["spend_skills"]
    assert spend.loc[first_spend] > 0 and (spend.loc[:first_spend - 1] == 0).all()

    before = first_spend - 1
    assert states_with[:before] == states_without[:before]
    pd.testing.assert_frame_equal(_monthly(with_skills).iloc[:before],
                                  _monthly(without).iloc[:before])

    with_, wo = states_with[first_spend - 1], states_without[first_spend - 1]
    assert with_["lever_skills"] != wo.get("lever_skills")
    assert with_["lever_employment_support"] == wo["lever_employment_support"]
    key = f"business_engagement/{first_spend}"
    assert with_[key] == wo[key]

    for month, (a, b) in enumerate(zip(states_with, states_without, strict=True), 1):
        for name in PER_RESIDENT:
            assert a[name] == b[name], (name, month)
    assert _monthly(with_skills)["training_completions"].sum() > 0  # the lever did act
    assert not _monthly(with_skills).equals(_monthly(without))
