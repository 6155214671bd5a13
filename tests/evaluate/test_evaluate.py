"""The evaluation layer: tidy outcomes, resume from a folder, failures isolated, any backend."""

from __future__ import annotations

import pandas as pd
import pytest
from town_scenarios import town_scenario

from sim.backends import Backend
from sim.evaluate import COMPARISON, SCENARIO, EvaluationError, Pair, Run, evaluate
from sim.evaluate.units import Result


@pytest.fixture(scope="module")
def scenario():
    return town_scenario()


def test_a_pair_returns_tidy_tables_for_both_arms(scenario):
    pair = evaluate([Pair(scenario, 3)])[0]
    assert list(pair.summary["arm"]) == [SCENARIO, COMPARISON] and pair.seed == 3
    assert len(pair.series("month")) == len(pair.series("month", COMPARISON)) == 30
    assert pair.value("regeneration_spend") > 0 == pair.value("regeneration_spend", COMPARISON)
    assert pair.panel["observed"].sum() > 0  # the counterfactual followed the participants
    assert (pair.panel["employed_scenario"] <= pair.panel["observed"]).all()


def test_keys_depend_on_what_determines_results_not_on_names(scenario):
    from dataclasses import replace

    from sim.policy.shocks import Shock

    renamed = replace(scenario, name="other name")
    assert Run(scenario, 1).key == Run(renamed, 1).key
    assert Run(scenario, 1).key != Run(scenario, 2).key != Pair(scenario, 2).key
    changes = [replace(scenario, policy=replace(scenario.policy, regime="lsp")),
               replace(scenario, params=scenario.params.replace(growth_weight=0.9)),
               replace(scenario, shocks=(Shock("pot_ends", 3),))]
    keys = {Pair(s, 1).key for s in [scenario, *changes]}
    keys.add(Pair(scenario, 1, scenario, disabled=("skills",)).key)
    assert len(keys) == 5


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

    key = "failing"

    def label(self) -> str:
        return "the failing unit"

    def execute(self) -> Result:
        raise ValueError("boom")


def test_a_failing_unit_does_not_stop_the_others(scenario, tmp_path):
    with pytest.raises(EvaluationError, match="1 of 2 simulations failed.*failing unit.*boom"):
        evaluate([Failing(), Run(scenario, 5)], folder=tmp_path)
    assert (tmp_path / "units" / Run(scenario, 5).key).is_dir()
    assert not (tmp_path / "units" / "failing").exists()
    trace = (tmp_path / "failures" / "failing.txt").read_text()
    assert "ValueError: boom" in trace and "Traceback" in trace
    with pytest.raises(EvaluationError, match="nothing was kept"):
        evaluate([Failing()])


def test_duplicates_run_once_and_a_killed_write_is_cleaned_up(scenario, tmp_path,
                                                               monkeypatch):
    partial = tmp_path / "units" / ".tmp-abc-123"
    partial.mkdir(parents=True)
    calls, execute = [], Run.execute
    monkeypatch.setattr(Run, "execute", lambda self: calls.append(self) or execute(self))
    one, two = evaluate([Run(scenario, 7), Run(scenario, 7)], folder=tmp_path)
    assert len(calls) == 1 and one is two and not partial.exists()


def test_a_folder_in_use_by_a_live_process_is_refused(scenario, tmp_path):
    from lock_holder import lock_held

    from sim.evaluate import FolderBusy

    with lock_held(tmp_path) as other:
        with pytest.raises(FolderBusy, match=f"is in use by PID {other.pid} on "):
            evaluate([Run(scenario, 1)], folder=tmp_path)


def test_stored_units_of_other_code_are_not_reused(scenario, monkeypatch):
    from sim.evaluate import units

    before = Run(scenario, 1).key
    monkeypatch.setattr(units, "code_version", lambda: "another version")
    assert Run(scenario, 1).key != before


def test_outcomes_are_identical_on_every_backend(scenario):
    units = [Pair(scenario, s) for s in (1, 2)] + [Run(scenario, 3)]
    serial = evaluate(units)
    for backend in (Backend("processes", 2), Backend("dask", 2)):
        for a, b in zip(serial, evaluate(units, backend), strict=True):
            for table in ("summary", "monthly", "panel"):
                pd.testing.assert_frame_equal(getattr(a, table), getattr(b, table))


def test_a_fan_runs_the_scenario_once_and_each_lever_left_out(scenario):
    """The same effects as one pair per lever, with the scenario run once."""
    from sim.evaluate import Fan

    fan = evaluate([Fan(scenario, 2, without=("skills", "health"))])[0]
    assert list(fan.summary["arm"]) == [SCENARIO, "without_skills", "without_health"]
    assert fan.value("spend_skills", "without_skills") == 0 < fan.value("spend_skills")
    pair = evaluate([Pair(scenario, 2, scenario, disabled=("health",))])[0]
    panel = fan.panel[fan.panel["arm"] == "without_health"].drop(columns="arm")
    pd.testing.assert_frame_equal(panel.reset_index(drop=True), pair.panel)
    pd.testing.assert_frame_equal(fan.arm_monthly(), pair.arm_monthly())


def test_nonparticipants_are_the_same_people_in_both_runs_and_never_took_a_place(scenario):
    import numpy as np

    from sim.evaluate import build_model, counterfactual
    from sim.evaluate.units import nonparticipants

    a = build_model(scenario, 3).run()
    b = build_model(counterfactual(scenario), 3, watch=a.tracker.watch).run()
    slots, slots_b = nonparticipants(a, b)
    uid = a.residents.uid[slots]
    assert len(slots) > a.residents.n / 2 and (uid == b.residents.uid[slots_b]).all()
    assert (uid // a.residents.n <= scenario.params.burn_in_months).all()
    assert len(a.participants) > 0 and not np.isin(uid, a.participants.columns()["uid"]).any()
    pair = evaluate([Pair(scenario, 3)])[0]
    assert pair.value("nonparticipants") == len(slots) == pair.value("nonparticipants",
                                                                      COMPARISON)
