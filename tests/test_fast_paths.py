"""The month's fast paths (compiled passes, hash tables, masks) give exactly what the
plain numpy definitions they replace give, so speed never changes a run's output."""

import numpy as np
import pytest

from sim import population
from sim.cohort import UidIndex
from sim.dynamics import labour as labour_dynamics
from sim.dynamics import places
from sim.dynamics.firms import _events, _leave_jobs_at_firms, _resident_staff
from sim.dynamics.places import marked_rows
from sim.markets import labour
from sim.model import LocalEconomy
from sim.outcomes import monthly
from sim.params import Params
from sim.population import EMPLOYED, INACTIVE, NO_EMPLOYER, TTWA_EMPLOYER, UNEMPLOYED

P = Params.from_preset("town")


def _bisection(p, rate):
    """`ttwa_intercept` as first written: a fresh evaluation at every midpoint."""
    x, weight = population._ttwa_scores(p.deprived_share, p.no_qual_share_rest,
                                        p.no_qual_ratio_deprived, p.health_mean_deprived,
                                        p.health_mean_rest, population.ttwa_health(p))
    low, high = -10.0, 10.0
    for _ in range(50):
        mid = 0.5 * (low + high)
        if float((weight / (1 + np.exp(-(mid + x)))).sum()) < rate:
            low = mid
        else:
            high = mid
    return 0.5 * (low + high)


def test_remembered_ttwa_intercept_is_the_fresh_bisection_for_every_rate_and_parameter_set():
    rng = np.random.default_rng(5)
    slow_walk = 0.7 + np.cumsum(rng.normal(0, 0.002, 300))  # months of a TTWA rate
    for p in (P, P.replace(health_mean_deprived=0.5), P):  # a second set, then the first again
        for rate in np.concatenate([slow_walk, rng.random(100)]):
            assert population.ttwa_intercept(p, rate) == _bisection(p, rate)


def test_searchers_match_the_vectorised_rule():
    model = LocalEconomy(P, rng=3).run(12)
    res = model.residents
    rng = np.random.default_rng(1)
    res.search_boost[:] = rng.uniform(0.8, 1.6, res.n).astype(np.float32)
    for _ in range(20):
        u = rng.random(res.n)
        unemployed = np.flatnonzero(res.status == UNEMPLOYED)
        eff = labour.search_effectiveness(P, res.health[unemployed], res.attachment[unemployed])
        eff *= res.search_boost[unemployed]
        looking = u[unemployed] < P.search_intensity * eff
        employed = np.flatnonzero(res.status == EMPLOYED)
        on_job = employed[u[employed] < P.on_the_job_search]
        eff_on_job = labour.search_effectiveness(P, res.health[on_job], res.attachment[on_job])
        people, effectiveness = labour_dynamics.searchers(model, u)
        assert np.array_equal(people, np.concatenate([unemployed[looking], on_job]))
        assert effectiveness.dtype == eff.dtype
        assert np.array_equal(effectiveness, np.concatenate([eff[looking], eff_on_job]))


def test_zone_choice_counts_the_cdf_at_or_below_the_draw():
    rng = np.random.default_rng(2)
    cdf = np.cumsum(rng.random((6, 9)), axis=1)
    cdf /= cdf[:, -1:]
    cdf[4] = 0.0  # nothing in reach
    row = rng.integers(0, 6, 2000)
    u = rng.random(2000)
    u[:5] = 1.0  # at the top: capped at the last zone
    expected = np.where(cdf[row, -1] > 0,
                        np.minimum((cdf[row] <= u[:, None]).sum(axis=1), 8), -1)
    assert np.array_equal(labour.choose_zones(cdf, row, u), expected)


@pytest.mark.parametrize("seed", range(3))
def test_marked_rows_is_setdiff(seed):
    rng = np.random.default_rng(seed)
    for _ in range(300):
        n = int(rng.integers(1, 200))
        a, b, c = (rng.integers(0, n, int(rng.integers(0, 40))) for _ in range(3))
        assert np.array_equal(marked_rows(n, (a, b), c), np.setdiff1d(np.concatenate([a, b]), c))


def test_uid_index_finds_movers_and_misses_leavers():
    uid = np.arange(10, dtype=np.int64)
    uid[[2, 7]] = uid[[7, 2]]  # two people swapped dwellings
    uid[4] = 10 * 3 + 4  # an in-mover of month 3 in slot 4; the old resident 4 left
    found = UidIndex(uid).find(np.array([2, 7, 34, 4, 9]))
    assert found.tolist() == [7, 2, 4, -1, 9]


def _move_choices_numpy(u, has_worker, hood, p_out_table, p_within_table, n_hoods):
    """`places._move_choices` as first written: gathers and masks."""
    cell = np.where(has_worker, n_hoods, 0) + hood
    p_out, p_within = p_out_table[cell], p_within_table[cell]
    return np.flatnonzero(u < p_out), np.flatnonzero((u >= p_out) & (u < p_out + p_within))


@pytest.mark.parametrize("n", [0, 1, 50, 5000])
def test_move_choices_match_the_masks(n):
    rng = np.random.default_rng(n)
    for n_hoods in (1, 7, 130):
        p_out = rng.uniform(0, 0.5, 2 * n_hoods)
        p_within = np.minimum(rng.uniform(0, 0.6, 2 * n_hoods), 1 - p_out)
        u, has_worker = rng.random(n), rng.random(n) < 0.6
        hood = rng.integers(0, n_hoods, n).astype(np.int32)
        u[: n // 3] = p_out[np.where(has_worker, n_hoods, 0) + hood][: n // 3]  # on the edge
        got = places._move_choices(u, has_worker, hood, p_out, p_within, n_hoods)
        expected = _move_choices_numpy(u, has_worker, hood, p_out, p_within, n_hoods)
        for a, b in zip(got, expected, strict=True):
            assert a.dtype == b.dtype and np.array_equal(a, b)


@pytest.mark.parametrize("n", [0, 1, 2, 100, 5000])
def test_uid_index_finds_every_id_as_a_dictionary_does(n):
    rng = np.random.default_rng(n)
    for month in (1, 40, 157):
        uid = n * rng.integers(0, month, n) + np.arange(n)  # arrived in their own slot...
        movers = rng.permutation(n)[: n // 3]
        uid[movers] = uid[rng.permutation(movers)]  # ...but a third swapped dwellings
        gone = rng.random(n) < 0.1
        uid[gone] = n * (month + 1) + np.arange(n)[gone]  # in-movers replaced leavers
        where = {int(u): slot for slot, u in enumerate(uid)}
        wanted = np.concatenate([rng.choice(uid, 3 * n) if n else uid,
                                 n * rng.integers(0, month + 2, 200) + rng.integers(0, n + 1, 200)])
        expected = [where.get(int(u), -1) for u in wanted]
        assert UidIndex(uid).find(wanted).tolist() == expected


@pytest.mark.parametrize("k", [0, 1, 30])
def test_business_events_read_each_firm_row_as_a_per_row_record(k):
    model = LocalEconomy(P, rng=4).run(3)
    f, rng = model.firms, np.random.default_rng(k)
    rows = rng.choice(f.n, k, replace=False)
    sizes = rng.integers(0, 40, k).astype(float)
    expected = [dict(month=model.month, business_id=int(r), event="death",
                     tradable=bool(f.tradable[r]), hood=int(f.hood[r]),
                     age_months=int(model.month - f.birth_month[r]), employees=int(s))
                for r, s in zip(rows, sizes, strict=True)]
    got = _events(model, rows, "death", sizes)
    assert got == expected
    assert [list(map(type, e.values())) for e in got] == [
        list(map(type, e.values())) for e in expected]


def _random_states(rng, n):
    """Statuses and employers of `n` residents: the employed at district firms 0-29 or in
    TTWA jobs, the others without an employer."""
    status = rng.choice(np.array([EMPLOYED, UNEMPLOYED, INACTIVE], np.int8), n)
    employer = np.where(status == EMPLOYED, rng.integers(TTWA_EMPLOYER, 30, n), NO_EMPLOYER)
    employer[employer == NO_EMPLOYER] = TTWA_EMPLOYER  # employed: a district or TTWA job
    employer[status != EMPLOYED] = NO_EMPLOYER
    return status, employer.astype(np.int32)


@pytest.mark.parametrize("n", [0, 1, 100, 5000])
def test_count_by_group_is_a_bincount_of_the_mask(n):
    rng = np.random.default_rng(n)
    status, _ = _random_states(rng, n)
    group = rng.integers(0, 40, n).astype(np.int32)
    for in_work in (False, True):
        expected = np.bincount(group[(status == EMPLOYED) == in_work], minlength=40)
        assert np.array_equal(places._count_by_group(group, status, 40, in_work), expected)


@pytest.mark.parametrize("n", [0, 1, 100, 5000])
@pytest.mark.parametrize("n_firms", [0, 1, 30])
def test_leave_jobs_at_firms_matches_the_mask(n, n_firms):
    rng = np.random.default_rng(n + n_firms)
    status, employer = _random_states(rng, n)
    if n_firms == 0:
        employer[employer >= 0] = TTWA_EMPLOYER
    else:
        employer = np.where(employer >= 0, employer % n_firms, employer).astype(np.int32)
    rate, u = rng.uniform(0, 0.5, n_firms), rng.random(n)
    at_firm = employer >= 0
    leaving = at_firm & (u < rate[np.maximum(employer, 0)] if n_firms else False)
    expected_lost = np.bincount(employer[leaving], minlength=n_firms)
    state = [status.copy(), np.full(n, 3, np.int8), np.full(n, 9, np.int32), employer.copy(),
             np.full(n, 5, np.int32), np.full(n, 2000.0)]
    lost = _leave_jobs_at_firms(rate, u, *state)
    assert np.array_equal(lost, expected_lost)
    new_status, reason, spell, new_employer, work_zone, wage = state
    assert np.array_equal(new_status, np.where(leaving, UNEMPLOYED, status))
    assert np.array_equal(new_employer, np.where(leaving, NO_EMPLOYER, employer))
    assert np.array_equal(wage, np.where(leaving, 0.0, 2000.0))
    assert np.array_equal(spell, np.where(leaving, 0, 9)) and np.array_equal(
        work_zone, np.where(leaving, -1, 5)) and np.array_equal(reason, np.where(leaving, 0, 3))


def _tally_numpy(status, prev_status, moved, deprived, reason, spell, employer, work_zone,
                 hood, distance, wage, household, income, wellbeing, health, arrived,
                 moved_within, programme, since, n_firms, n_households):
    """The month's tally by masks and bincounts; totals summed in slot order (cumsum), as
    the compiled pass sums them."""
    def in_order(x):
        return float(np.cumsum(x)[-1]) if len(x) else 0.0
    d, e = deprived.astype(int), status == EMPLOYED
    inactive = status == INACTIVE
    group = np.where(arrived > since, 2, np.where(moved_within > since, 1, 0))
    return dict(
        status=np.bincount(3 * d + status, minlength=6).reshape(2, 3),
        flows=np.bincount((3 * prev_status + status)[~moved], minlength=9).reshape(3, 3),
        sick=np.count_nonzero(inactive & deprived & (reason == population.SICK)),
        inactive_dep=np.count_nonzero(inactive & deprived),
        ltu=np.count_nonzero((status == UNEMPLOYED) & (spell >= 12)),
        students=np.count_nonzero(inactive & (reason == population.STUDENT)),
        at_firm=np.bincount(employer[employer >= 0], minlength=n_firms),
        in_ttwa=np.count_nonzero(employer == TTWA_EMPLOYER), employed=np.count_nonzero(e),
        commute=in_order(distance[hood[e], work_zone[e]]), wages=in_order(wage[e]),
        hh_income=np.bincount(household, income, n_households),
        hh_workers=np.bincount(household[e], minlength=n_households),
        wellbeing=np.array([in_order(wellbeing[~deprived].astype(float)),
                            in_order(wellbeing[deprived].astype(float))]),
        health=in_order(health.astype(float)),
        movers=np.bincount(group, minlength=3), movers_employed=np.bincount(group[e], minlength=3),
        on_programme=np.count_nonzero(programme >= 0))


@pytest.mark.parametrize("n", [0, 1, 100, 5000])
def test_tally_matches_the_masks_and_bincounts(n):
    rng = np.random.default_rng(n)
    status, employer = _random_states(rng, n)
    prev_status, _ = _random_states(rng, n)
    n_households, n_hoods = max(n // 2, 1), 7
    household = np.sort(rng.integers(0, n_households, n)).astype(np.int32)
    hood = (household % n_hoods).astype(np.int32)
    work_zone = np.where(status == EMPLOYED, rng.integers(0, n_hoods + 1, n), -1)
    arrays = dict(
        status=status, prev_status=prev_status, moved=rng.random(n) < 0.05,
        deprived=hood < 3, reason=rng.integers(0, 5, n).astype(np.int8),
        spell=rng.integers(0, 30, n).astype(np.int32), employer=employer,
        work_zone=work_zone.astype(np.int32), hood=hood,
        distance=rng.uniform(0, 20, (n_hoods, n_hoods + 1)),
        wage=np.where(status == EMPLOYED, rng.uniform(1000, 3000, n), 0.0),
        household=household, income=rng.uniform(300, 3000, n),
        wellbeing=rng.uniform(0, 10, n).astype(np.float32),
        health=rng.uniform(0, 1, n).astype(np.float32),
        arrived=rng.integers(-1, 60, n).astype(np.int32),
        moved_within=rng.integers(-1, 60, n).astype(np.int32),
        programme=rng.integers(-1, 3, n).astype(np.int8), since=36, n_firms=30,
        n_households=n_households)
    expected = _tally_numpy(**arrays)
    a = arrays
    counts = monthly._tally_counts(a["status"], a["prev_status"], a["moved"], a["deprived"],
                                   a["reason"], a["spell"], a["employer"], a["arrived"],
                                   a["moved_within"], a["programme"], a["since"])
    sums = monthly._tally_sums(a["status"], a["employer"], a["work_zone"], a["hood"],
                               a["distance"], a["wage"], a["household"], a["income"],
                               a["wellbeing"], a["deprived"], a["health"], a["n_firms"],
                               a["n_households"])
    got = dict(zip(["status", "flows", "sick", "inactive_dep", "ltu", "students", "in_ttwa",
                    "employed", "movers", "movers_employed", "on_programme"], counts,
                   strict=True))
    got.update(zip(["at_firm", "hh_income", "hh_workers", "wellbeing", "health", "commute",
                    "wages"], sums, strict=True))
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert np.array_equal(got[key], value), key


@pytest.mark.parametrize("n", [0, 1, 100, 5000])
@pytest.mark.parametrize("n_firms", [0, 1, 30])
def test_resident_staff_are_weighted_bincounts(n, n_firms):
    rng = np.random.default_rng(n + n_firms)
    _, employer = _random_states(rng, n)
    employer = np.where(employer >= 0, employer % max(n_firms, 1), employer).astype(np.int32)
    if n_firms == 0:
        employer[employer >= 0] = TTWA_EMPLOYER
    wage, health = rng.uniform(1000, 3000, n), rng.uniform(0, 1, n).astype(np.float32)
    at = employer >= 0
    effective = (1.0 - 0.2 * (1.0 - health[at].astype(float))) / (1.0 - 0.2 * (1.0 - 0.78))
    expected = (np.bincount(employer[at], minlength=n_firms),
                np.bincount(employer[at], wage[at], minlength=n_firms),
                np.bincount(employer[at], effective, minlength=n_firms))
    got = _resident_staff(employer, wage, health, 0.2, 0.78, n_firms)
    assert [a.dtype for a in got] == [np.int64, np.float64, np.float64]
    for a, b in zip(got, expected, strict=True):
        assert np.array_equal(a, b)
