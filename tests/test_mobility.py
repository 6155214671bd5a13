"""Residential mobility as a market (sim/dynamics/places.py, docs/odd.md 8.7.2).

Internal movers keep who they are and stay observed; no slot is lost or duplicated; every
per-person column moves; in-movers' employment follows the TTWA market; more district
vacancies bring more in-movers who work in the district.
"""

import numpy as np
import pytest
from town_scenarios import town_scenario

from sim.cohort import UidIndex
from sim.dynamics import places
from sim.evaluate.build import build_model
from sim.model import LocalEconomy, Stage
from sim.params import Params
from sim.population import EMPLOYED

MONTHS = 30


@pytest.fixture(scope="module")
def short_params() -> Params:
    return Params.from_preset("town", {"burn_in_months": 6, "programme_months": 24})


def test_every_column_travels_with_the_mover(short_params, monkeypatch):
    """Directly after the moves, each internal mover's columns equal their own columns
    before the moves (found by uid in the snapshot), the dummy column included."""
    model = LocalEconomy(short_params, rng=2)
    res = model.residents
    res.dummy_column = np.random.default_rng(1).random(res.n)  # a column nobody knows of
    assert "dummy_column" in res.person_columns()
    original = places.move_households
    checked = []

    def wrapped(m):
        before = {name: getattr(res, name).copy() for name in res.person_columns()}
        prev = m.prev_status.copy()
        original(m)
        movers = np.flatnonzero(res.moved_within == m.month)
        old = UidIndex(before["uid"]).find(res.uid[movers])
        assert (old >= 0).all(), "an internal mover must have lived in the district"
        assert (old != movers).all(), "an internal mover changes dwelling"
        for name, column in before.items():
            if name == "moved_within":
                continue
            np.testing.assert_array_equal(getattr(res, name)[movers], column[old], err_msg=name)
        np.testing.assert_array_equal(m.prev_status[movers], prev[old])
        checked.append(len(movers))

    monkeypatch.setattr(places, "move_households", wrapped)
    model.run(18)
    assert sum(checked) > 30


def test_no_slot_lost_or_duplicated(short_params):
    model = LocalEconomy(short_params, rng=3)
    res, hh = model.residents, model.households
    sizes = hh.size.copy()
    for _ in range(MONTHS):
        model.step()
        assert len(np.unique(res.uid)) == res.n, "resident ids must be unique"
        assert len(np.unique(hh.uid)) == hh.n, "household ids must be unique"
        np.testing.assert_array_equal(hh.size, sizes)
        np.testing.assert_array_equal(res.hood, hh.hood[res.household])
        row = model.records["monthly"][-1]
        assert row["households_moved_in"] == row["households_moved_out"]
    assert sum(r["households_moved_within"] for r in model.records["monthly"]) > 100
    assert (res.moved_within > 0).any() and (res.arrived > 0).any()
    # jobs are conserved by moves: every resident at a firm works at a live one
    at_firm = res.employer >= 0
    assert model.firms.alive[res.employer[at_firm]].all()
    assert (model.firms.incommuters[: model.firms.n] >= 0).all()


def test_cohort_and_tracker_follow_internal_movers():
    scenario = town_scenario(burn_in=6, programme=36)
    model = build_model(scenario, seed=4).run()
    res, cohort = model.residents, model.cohort
    present = cohort.present(res)
    same_slot = res.uid[cohort.slot] == cohort.uid
    moved_inside = present & ~same_slot
    assert moved_inside.sum() > 0, "some cohort members moved within the district"
    # they are observed: a member found in another slot is flagged when in work there
    slot = UidIndex(res.uid).find(cohort.uid[moved_inside])
    assert (res.moved_within[slot] > 0).all()
    tracker = model.tracker
    seen = (tracker.panel >= 0).any(axis=1)
    where = UidIndex(res.uid).find(tracker.uid)
    elsewhere = (where >= 0) & (where != tracker.slot)
    assert elsewhere.any(), "some participants moved within the district"
    last = model.month - tracker.end
    observable = elsewhere & (last >= 0) & (last < tracker.panel.shape[1])
    assert observable.any()
    assert seen[observable].all()
    np.testing.assert_array_equal(
        tracker.panel[observable, last[observable]],
        (res.status[where[observable]] == EMPLOYED).astype(np.int8))


def inmover_employment(params, ttwa_jobs: float, seed: int = 5) -> tuple[float, float]:
    """In-movers' employment on arrival, and the TTWA's employment rate, when the rest of the
    TTWA has `ttwa_jobs` times the jobs it starts with (its market then settles there)."""
    model = LocalEconomy(params.replace(pressure_employment_effect=0.0), rng=seed)
    model.ttwa.jobs_at_start *= ttwa_jobs
    model.run()
    rows = model.records["monthly"]
    arrived = sum(r["households_moved_in"] for r in rows)
    employed = [r["inmover_employment_at_arrival"] for r in rows if r["households_moved_in"]]
    assert arrived > 100
    return float(np.mean(employed)), rows[-1]["ttwa_employment_rate"]


def test_inmovers_employment_follows_the_ttwa_market(short_params):
    high, ttwa_high = inmover_employment(short_params, 1.0)
    low, ttwa_low = inmover_employment(short_params, 0.85)
    assert ttwa_high - ttwa_low > 0.05, (ttwa_high, ttwa_low)
    assert high - low > 0.04, (high, low)


def with_extra_vacancies(model, extra: int) -> None:
    """Add `extra` unfilled vacancies to each of the five largest firms every month, just
    before the residential moves (a positive shock to district job openings)."""
    def add(m):
        n = m.firms.n
        rows = np.argsort(-m.firms.incommuters[:n])[:5]
        rows = rows[m.firms.alive[rows]]
        m.firms.vacancies[rows] += extra

    stages = []
    for stage in model.schedule:
        if stage.name == "neighbourhoods":
            stages.append(Stage("vacancy_shock", add, "test: extra vacancies"))
        stages.append(stage)
    model.schedule = tuple(stages)


def test_more_district_vacancies_bring_inmovers_who_work_in_the_district(short_params):
    totals = {}
    for extra in (0, 10):
        model = LocalEconomy(short_params, rng=6)
        with_extra_vacancies(model, extra)
        model.run()
        rows = model.records["monthly"]
        totals[extra] = (sum(r["inmovers_in_district_jobs"] for r in rows),
                         sum(r["households_moved_in_for_work"] for r in rows))
    assert totals[10][0] > totals[0][0] + 20, totals
    assert totals[10][1] > totals[0][1], totals


def test_a_district_of_more_than_127_neighbourhoods_runs_its_moves():
    # neighbourhood indices must not be squeezed into 8-bit arithmetic (city has 666)
    p = Params.from_preset("town").replace(n_neighbourhoods=130, residents_per_neighbourhood=1000,
                                           burn_in_months=1, programme_months=2)
    m = LocalEconomy(p, rng=1)
    m.run()
    assert m.hoods.n == 130
    moved = [row["households_moved_within"] for row in m.records["monthly"]]
    assert sum(moved) > 0
