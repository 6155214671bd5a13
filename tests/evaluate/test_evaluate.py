"""The evaluation layer: tidy outcomes, resume from a folder, failures isolated, any backend."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.backends import Backend
from sim.evaluate import COMPARISON, SCENARIO, EvaluationError, Pair, Run, evaluate
from sim.evaluate.units import Result
from sim.scenario import parse_scenario

SCENARIO_TEXT = """
name = "quick"
preset = "town"
seed = 1
[params]
burn_in_months = 6
programme_months = 24
[policy]
regime = "coalition"
"""


@pytest.fixture(scope="module")
def scenario():
    return parse_scenario(SCENARIO_TEXT, "quick.toml")


def test_a_pair_returns_tidy_tables_for_both_arms(scenario):
    pair = evaluate([Pair(scenario, 3)])[0]
    assert list(pair.summary["arm"]) == [SCENARIO, COMPARISON] and pair.seed == 3
    assert len(pair.series("month")) == len(pair.series("month", COMPARISON)) == 30
    assert pair.value("regeneration_spend") > 0 == pair.value("regeneration_spend", COMPARISON)
    assert pair.panel["observed"].sum() > 0  # the counterfactual followed the participants
    assert (pair.panel["employed_scenario"] <= pair.panel["observed"]).all()


def test_keys_depend_on_what_determines_results_not_on_names(scenario):
    from dataclasses import replace

    renamed = replace(scenario, name="other name")
    assert Run(scenario, 1).key == Run(renamed, 1).key
    assert Run(scenario, 1).key != Run(scenario, 2).key != Pair(scenario, 2).key
    lsp = replace(scenario, policy=replace(scenario.policy, regime="lsp"))
    assert Pair(scenario, 1).key != Pair(lsp, 1).key


def test_a_folder_keeps_finished_units_and_a_rerun_reads_them(scenario, tmp_path, monkeypatch):
    units = [Run(scenario, s) for s in (1, 2)]
    first = evaluate(units, folder=tmp_path)
    calls = []
    monkeypatch.setattr(Run, "execute", lambda self: calls.append(self) or None)
    again = evaluate(units, folder=tmp_path)
    assert calls == []
    for a, b in zip(first, again, strict=True):
        pd.testing.assert_frame_equal(a.summary, b.summary)
        pd.testing.assert_frame_equal(a.monthly, b.monthly)


class Failing:
    """A unit that raises, to show one failure does not stop the others."""

    key, failed = "failing", True

    def label(self) -> str:
        return "the failing unit"

    def execute(self) -> Result:
        raise ValueError("boom")


def test_a_failing_unit_does_not_stop_the_others(scenario, tmp_path):
    with pytest.raises(EvaluationError, match="1 of 2 simulations failed.*failing unit.*boom"):
        evaluate([Failing(), Run(scenario, 5)], folder=tmp_path)
    assert (tmp_path / "units" / Run(scenario, 5).key).is_dir()
    assert not (tmp_path / "units" / "failing").exists()


def test_outcomes_are_identical_on_every_backend(scenario):
    units = [Pair(scenario, s) for s in (1, 2)] + [Run(scenario, 3)]
    serial = evaluate(units)
    for backend in (Backend("processes", 2), Backend("dask", 2)):
        for a, b in zip(serial, evaluate(units, backend), strict=True):
            for table in ("summary", "monthly", "panel"):
                pd.testing.assert_frame_equal(getattr(a, table), getattr(b, table))
