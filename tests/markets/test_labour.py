"""Rule-level tests of the labour market functions on small arrays."""

import numpy as np

from sim.markets import labour
from sim.params import Params
from sim.population import CARING, OTHER, SICK, STUDENT

P = Params.from_preset("town")


def test_pick_winners_fills_each_slot_once_with_the_best_score():
    slot = np.array([0, 0, 1, 2, 2, 2, -1, 1])
    score = np.array([0.1, 0.9, 0.5, 0.3, 0.8, 0.2, 5.0, 0.4])
    winners = labour.pick_winners(slot, score)
    assert sorted(winners.tolist()) == [1, 2, 4]
    assert len(np.unique(slot[winners])) == len(winners)


def test_pick_winners_never_fills_a_slot_twice_on_random_input():
    rng = np.random.default_rng(0)
    slot = rng.integers(-1, 50, 5000)
    score = rng.random(5000)
    winners = labour.pick_winners(slot, score)
    assert len(set(slot[winners].tolist())) == len(winners)
    assert (slot[winners] >= 0).all()
    assert len(winners) == len(set(slot[slot >= 0].tolist()))
    for s in rng.choice(slot[winners], 20):
        applicants = np.flatnonzero(slot == s)
        assert score[applicants].max() == score[winners[slot[winners] == s]][0]


R = labour.rates(P)


def test_competing_events_are_disjoint_and_at_their_rates():
    rng = np.random.default_rng(1)
    events = np.array([labour.competing_event(u, 0.1, np.float32(0.2), 0.05)
                       for u in rng.random(100_000)])
    for event, rate in ((0, 0.65), (1, 0.1), (2, 0.2), (3, 0.05)):
        assert abs((events == event).mean() - rate) < 0.005


def test_new_jobs_separate_more_often_than_established_ones():
    to_u = [labour.separation_hazards(R, months, np.float32(0.8))[0] for months in (0, 3, 6, 60)]
    assert to_u[0] == to_u[1] > to_u[2] == to_u[3]
    assert to_u[0] == P.early_tenure_hazard and to_u[3] == P.separation_base


def test_sickness_exits_rise_as_health_falls_and_vanish_above_threshold():
    to_sick = [labour.separation_hazards(R, 0, np.float32(h))[1] for h in (0.1, 0.3, 0.9)]
    assert to_sick[0] > to_sick[1] > 0 and to_sick[2] == 0


def test_activation_depends_on_reason_health_and_attachment():
    cases = [(SICK, 0.2, 1.0), (SICK, 0.9, 1.0), (CARING, 0.5, 1.0), (STUDENT, 0.5, 1.0),
             (OTHER, 0.5, 1.0), (OTHER, 0.5, 0.0)]
    prob = np.array([labour.activation_probability(R, reason, np.float32(h), np.float32(a))
                     for reason, h, a in cases])
    assert prob[0] == 0 < prob[1]
    assert prob[4] == 2 * prob[5]
    assert ((prob >= 0) & (prob <= 1)).all()


def test_other_inactivity_reasons_follow_the_lfs_shares():
    u = np.random.default_rng(2).random(50_000)
    reasons = np.array([labour.other_reason(R, x) for x in u])
    assert abs((reasons == CARING).mean() - P.caring_share) < 0.01
    assert abs((reasons == STUDENT).mean() - P.student_share) < 0.01


def test_search_effectiveness_falls_with_attachment_and_health_only():
    eff = labour.search_effectiveness(P, np.array([0.8, 0.8, 0.4]), np.array([1.0, 0.5, 1.0]))
    assert eff[0] > eff[1] and eff[0] > eff[2]
    assert eff[1] == eff[2]  # health and attachment enter alike, once


def test_offers_below_the_reservation_wage_are_turned_down():
    benefit = P.benefit_per_month * P.reservation_wage_ratio
    wage = np.array([benefit - 1, benefit + 1, 2000.0, 2200.0])
    current = np.array([0.0, 0.0, 2000.0, 2000.0])
    employed = np.array([False, False, True, True])
    takes = labour.takes_offer(P, wage, current, employed)
    assert takes.tolist() == [False, True, False, 2200 >= 2000 * (1 + P.job_switch_gain)]


def test_pay_rises_with_skill_above_the_job_and_falls_below_it():
    pay = labour.skill_pay(P, np.array([1, 2, 3]), 2)
    assert pay[0] < pay[1] == 1.0 < pay[2]


def test_wages_follow_the_wage_curve_towards_lower_pay_when_unemployment_doubles():
    index = 1.0
    for _ in range(240):
        index = labour.wage_level(P, index, 2 * P.ttwa_unemployment_rate)
    assert abs(index - 2 ** -P.wage_curve_elasticity) < 1e-3
    assert labour.wage_level(P, 1.0, P.ttwa_unemployment_rate) == 1.0


def test_zone_choice_stays_within_reach_and_skips_empty_rows():
    vacancies = np.array([10.0, 0.0, 5.0])
    reach = np.zeros((2, 2, 3), bool)
    reach[0, 0] = [True, True, False]  # PT from home 0: zones 0, 1
    reach[1, 0] = [True, True, True]  # car from home 0: all
    reach[0, 1] = [False, True, False]  # PT from home 1: only zone 1, which has no vacancies
    distance = np.ones((2, 3))
    cdf = labour.zone_cdf(vacancies, reach, distance, 5.0)
    rng = np.random.default_rng(2)
    u = rng.random(1000)
    pt_home0 = labour.choose_zones(cdf, np.zeros(1000, int), u)
    assert set(pt_home0.tolist()) == {0}
    car_home0 = labour.choose_zones(cdf, np.full(1000, 2), u)
    assert set(car_home0.tolist()) == {0, 2}
    assert abs((car_home0 == 0).mean() - 10 / 15) < 0.05
    assert (labour.choose_zones(cdf, np.ones(10, int), u[:10]) == -1).all()


def test_employers_screen_out_underqualified_applicants():
    prob = labour.acceptance_probability(P, np.array([0, 1, 2, 3]), np.array([2, 2, 2, 2]))
    assert prob[0] < prob[1] < prob[2] == prob[3] == 1.0


def test_split_uniforms_gives_four_independent_uniforms_per_draw():
    from sim.dynamics.labour import split_uniforms

    raw = np.random.default_rng(4).bit_generator.random_raw(100_000)
    u = split_uniforms(raw)
    assert u.shape == (4, 100_000) and (u > 0).all() and (u < 1).all()
    assert np.allclose(u.mean(axis=1), 0.5, atol=0.01)
    assert abs(np.corrcoef(u)[0, 1]) < 0.02
