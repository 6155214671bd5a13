"""People levers' effects fade, a resident cannot start the same lever again without limit,
and money a lever does not spend in a month carries over (issue 10, item 5)."""

import numpy as np
import pytest

from sim.model import LocalEconomy
from sim.policy.budget import Ledger
from sim.policy.levers import health, registry, skills
from sim.policy.levers.common import release
from sim.policy.spec import Policy
from sim.population import EMPLOYED, UNEMPLOYED

LEVERS = registry.names()


@pytest.fixture(scope="module")
def lsp_run(town_params):
    return LocalEconomy(town_params.replace(burn_in_months=6, programme_months=60), rng=2,
                        policy=Policy("lsp")).run()


def test_nobody_starts_the_same_lever_again_within_the_gap_or_too_often(lsp_run):
    """Without the rule about a third of town's starts were repeats within two years."""
    p, cols = lsp_run.p, lsp_run.participants.columns()
    order = np.lexsort((cols["start_month"], cols["uid"], cols["lever"]))
    lever, uid, start = cols["lever"][order], cols["uid"][order], cols["start_month"][order]
    again = (lever[1:] == lever[:-1]) & (uid[1:] == uid[:-1])
    assert len(uid) > 1000 and again.any()  # the programme lasts long enough for repeats
    assert (np.diff(start)[again] >= p.reenrolment_gap_months).all()
    _, starts = np.unique(np.stack([lever, uid]), axis=1, return_counts=True)
    assert starts.max() <= p.max_enrolments


def test_lsp_buys_business_advice_from_money_carried_over(lsp_run):
    """On town a month's advice money (about GBP 3.75k) is less than a unit of advice
    (GBP 5k): only money carried over between months buys any."""
    p, ledger = lsp_run.p, lsp_run.ledger
    lever = LEVERS.index("business_support")
    monthly_advice = ledger.allocated[..., lever].sum() / p.programme_months * (
        1 - p.gap_funding_share)
    assert monthly_advice < p.business_advice_cost
    advised = int(lsp_run.firms.supported[: lsp_run.firms.n].sum())
    assert advised > 0.5 * ledger.allocated[..., lever].sum() * (1 - p.gap_funding_share) \
        / p.business_advice_cost


def test_an_earmark_carries_over_and_never_exceeds_the_balance():
    ledger = Ledger(1, np.array([0]))
    for _ in range(3):
        ledger.allocate(np.full((2, 1, 1), 1000.0))
        ledger.arrive()
        set_aside = ledger.earmark(0, 1500.0)
    assert set_aside == pytest.approx(4500.0)
    ledger.spend(0, 5000.0)  # another use (gap funding) draws the balance below the earmark
    assert ledger.earmarked[0] == pytest.approx(ledger.available(0)) == pytest.approx(1000.0)


@pytest.fixture
def model(town_params):
    return LocalEconomy(town_params, rng=1, policy=Policy("lsp"))


def test_trained_skill_levels_fade_out_of_work_but_not_in_work(town_params):
    model = LocalEconomy(town_params.replace(burn_in_months=0), rng=1, policy=Policy("lsp"))
    model.step()  # into the programme: skills fade only there
    res, months = model.residents, 24
    res.trained_levels[:] = 1
    employed = res.status == EMPLOYED
    before = res.skill.copy()
    for _ in range(months):
        skills.forget_training(model)
    kept = 1 - model.p.trained_skill_loss / 12
    lost = (res.skill < before)[~employed].mean()
    assert lost == pytest.approx(1 - kept ** months, abs=0.02)
    assert (res.skill[employed] == before[employed]).all()
    assert (before - res.skill == 1 - res.trained_levels).all()


def test_health_gain_halves_in_a_half_life(model):
    res, p = model.residents, model.p
    res.health_gain_held[:] = 0.1
    base = res.health_base.copy()
    for _ in range(p.health_gain_half_life):
        health.progress(model, np.zeros(0, np.int64))
    assert res.health_gain_held == pytest.approx(0.05, rel=1e-3)
    assert base - res.health_base == pytest.approx(0.05, rel=1e-2)


@pytest.mark.parametrize("fade, left", [(0.0, 1.0), (0.5, 0.5), (1.0, 0.0)])
def test_job_search_help_fades_by_its_rate_after_a_programme(model, fade, left):
    res = model.residents
    res.status[:] = UNEMPLOYED
    res.search_boost[:] = 1.4
    release(model.p.replace(search_help_fade=fade), res, np.zeros(0, np.int64))
    assert res.search_boost == pytest.approx(1 + 0.4 * left)
