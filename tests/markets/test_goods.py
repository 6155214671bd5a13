"""Rule-level tests of demand, entry and exit on small firm populations."""

import numpy as np

from sim.businesses import Businesses
from sim.markets import goods
from sim.params import Params

P = Params.from_preset("town")


def _firms(tradable, weight, alive=None):
    firms = Businesses(capacity=4)
    k = len(tradable)
    firms.add(hood=np.zeros(k, int), tradable=np.array(tradable), weight=np.array(weight, float),
              productivity=np.full(k, 3000.0), wage=np.full(k, 1800.0))
    if alive is not None:
        firms.alive[:k] = alive
    return firms


def test_each_sector_shares_its_own_pot_by_weight():
    firms = _firms([False, False, True, True, False], [1, 3, 2, 2, 5],
                   alive=[True, True, True, True, False])
    demand = goods.firm_demand(firms, (400.0, 100.0))
    assert np.allclose(demand, [100, 300, 50, 50, 0])


def test_local_spending_rises_with_resident_income():
    low = goods.local_spending(P, 1e6, 1e5, 1e6)
    high = goods.local_spending(P, 2e6, 1e5, 1e6)
    assert high - low == P.local_spend_share * 1e6


def test_a_newcomer_wins_the_revenue_it_was_sized_for():
    firms = _firms([False, False, True], [1.0, 3.0, 2.0])
    revenue = np.array([100.0])
    w = goods.weights_for_revenue(firms, np.array([False]), revenue, (1000.0, 500.0))
    firms.add(hood=[0], tradable=[False], weight=w, productivity=[3000.0], wage=[1800.0])
    assert np.isclose(goods.firm_demand(firms, (1000.0, 500.0))[3], 100.0)


def test_firms_out_of_cash_exit():
    firms = _firms([False, False], [1.0, 1.0])
    firms.cash[:2] = [-1.0, 10.0]
    assert goods.exits(P, firms, np.array([0.99, 0.99]), np.array([3, 3])).tolist() == [0]


def test_outside_exits_spare_large_firms_but_not_micro_ones_more_than_small():
    firms = _firms([False] * 3, [1.0, 1.0, 1.0])
    firms.cash[:3] = 1e9
    u = np.full(3, P.exogenous_exit_rate * 0.8)
    assert goods.exits(P, firms, u, np.array([1, 9, 500])).tolist() == [0, 1]


def test_revenue_is_capped_by_staff_and_fixed_costs_are_paid():
    firms = _firms([False], [1.0])
    firms.cash[0] = 0.0
    revenue = goods.settle_accounts(P, firms, np.array([30000.0]), np.array([2]))
    assert revenue[0] == 6000.0
    assert np.isclose(firms.cash[0], 6000.0 - 2 * 1800.0 - P.fixed_cost_workers * 3000.0)


def test_births_rise_with_demand_per_firm():
    low = goods.expected_births(P, 100, 1.0, 1.0)
    high = goods.expected_births(P, 100, 1.2, 1.0)
    assert np.isclose(low, P.birth_rate / 12 * 100) and high > low


def test_young_firms_have_more_volatile_demand():
    firms = _firms([False] * 2, [1.0, 1.0])
    firms.birth_month[:2] = [100, -500]
    z = np.array([1.0, 1.0])
    goods.drift_demand_weights(P, firms, 110, z)
    assert firms.weight[0] > firms.weight[1] > 1.0
