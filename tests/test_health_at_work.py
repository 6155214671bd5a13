"""Health at work: ill workers are paid in full but produce less, so firms hire to cover
the time lost and serve less of their demand when they cannot (absence, presenteeism)."""

import copy

import numpy as np
import pytest

from sim.dynamics.firms import resident_staff, update_businesses
from sim.model import LocalEconomy
from sim.params import Params


def _town_after_a_year(**changes):
    model = LocalEconomy(Params.from_preset("town", changes), rng=5)
    model.run(12)
    return model


def _with_workers_healthier(model, gain):
    healthier = copy.deepcopy(model)
    res = healthier.residents
    working = res.employer >= 0
    res.health[working] = np.minimum(res.health[working] + np.float32(gain), np.float32(1.0))
    return healthier


def test_a_worker_at_the_reference_health_counts_as_one_and_an_ill_one_as_less():
    model = _town_after_a_year()
    p, res = model.p, model.residents
    res.health[:] = np.float32(p.health_mean_rest)
    workers, _, labour = resident_staff(model)
    assert np.allclose(labour, workers, rtol=1e-6)
    res.health[:] = np.float32(0.0)
    _, _, ill = resident_staff(model)
    expected = (1 - p.health_time_lost) / (1 - p.health_time_lost * (1 - p.health_mean_rest))
    assert np.allclose(ill, workers * expected, rtol=1e-6)
    assert expected < 0.85


def test_firms_with_healthier_staff_need_fewer_workers_and_add_more_value():
    model = _town_after_a_year()
    healthier = _with_workers_healthier(model, 0.2)
    update_businesses(model)
    update_businesses(healthier)
    assert healthier.firms.desired.sum() < model.firms.desired.sum() * 0.99
    assert healthier.counters.value_added > model.counters.value_added  # short-staffed firms


def test_without_time_lost_health_does_not_touch_firms():
    model = _town_after_a_year(health_time_lost=0.0)
    healthier = _with_workers_healthier(model, 0.2)
    update_businesses(model)
    update_businesses(healthier)
    assert healthier.firms.desired.sum() == pytest.approx(model.firms.desired.sum(), rel=1e-12)
    assert healthier.counters.value_added == pytest.approx(model.counters.value_added,
                                                           rel=1e-12)

