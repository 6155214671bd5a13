"""Invariants that must hold after every month of a run."""

import numpy as np
import pytest

from sim.agents import Business, Household, PublicBody
from sim.model import LocalEconomy
from sim.population import EMPLOYED, INACTIVE, NO_EMPLOYER, NO_REASON, TTWA_EMPLOYER


def check_month(m: LocalEconomy, n_residents: int) -> None:
    res, firms = m.residents, m.firms
    n = firms.n
    assert res.n == n_residents == len(res.status)  # residents conserved (moves swap people)
    employed = res.status == EMPLOYED
    # every filled job has exactly one worker: a resident's employer is a live firm or the TTWA
    assert (res.employer[~employed] == NO_EMPLOYER).all()
    assert (res.employer[employed] != NO_EMPLOYER).all()
    at_firm = res.employer[res.employer >= 0]
    assert firms.alive[at_firm].all(), "a resident works for a firm that has closed"
    assert (res.employer[employed & (res.employer < 0)] == TTWA_EMPLOYER).all()
    assert (firms.vacancies[:n] >= 0).all() and (firms.incommuters[:n] >= 0).all()
    assert (firms.vacancies[:n][~firms.alive[:n]] == 0).all()
    assert (firms.incommuters[:n][~firms.alive[:n]] == 0).all()
    assert ((res.reason == NO_REASON) == (res.status != INACTIVE)).all()
    for arr in (res.health, res.attachment):
        assert ((arr >= 0) & (arr <= 1)).all()
    assert ((res.wellbeing >= 0) & (res.wellbeing <= 10)).all()
    assert len(np.unique(res.uid)) == res.n


def test_invariants_hold_every_month(town_params):
    m = LocalEconomy(town_params.replace(burn_in_months=6, programme_months=54), rng=11)
    n_residents = m.residents.n
    for _ in range(m.total_months):
        m.step()
        check_month(m, n_residents)


def test_no_vacancy_is_filled_twice(town_params):
    """Hires this month never exceed the vacancies open before matching."""
    m = LocalEconomy(town_params, rng=5)
    for _ in range(36):
        m.step()
        row = m.records["monthly"][-1]
        assert row["hires_residents"] + row["hires_incommuters"] <= row["vacancies"]


def test_rates_lie_in_unit_interval(town_run):
    rates = [k for k in town_run.records["monthly"][0] if k.endswith(("_rate", "_share"))
             or "_rate_" in k or "_share_" in k]
    assert len(rates) > 10
    for row in town_run.records["monthly"]:
        for k in rates:
            assert np.isnan(row[k]) or 0.0 <= row[k] <= 1.0, (k, row[k])


def test_agents_mirror_the_columnar_state(town_run):
    m = town_run
    households = m.agents_by_type[Household]
    assert len(households) == m.households.n
    businesses = m.agents_by_type[Business]
    assert len(businesses) == int(m.firms.alive[: m.firms.n].sum())
    assert len(m.agents_by_type[PublicBody]) == 7
    h = households[0]
    assert h.cell is m.hood_cells[h.hood] and h in h.cell.agents
    assert h.income == pytest.approx(m.resident_income()[h.members].sum())
    b = next(iter(businesses))
    assert b.cell is m.hood_cells[m.firms.hood[b.row]] and m.firms.alive[b.row]


def test_population_and_business_counts_scale_with_the_preset(town_params):
    m = LocalEconomy(town_params, rng=1)
    expected = town_params.n_residents_all_ages * town_params.working_age_share
    assert abs(m.residents.n / expected - 1) < 0.05
    assert abs(m.firms.n / (town_params.businesses_per_100k * 0.105) - 1) < 0.05
