"""Local demand, the multiplier, and business growth, survival and entry.

Non-tradable firms share a pot of local spending: residents' wages, benefits and
payouts from firms they own, in-commuters' spending and the local parts of public and
programme spending. More
resident jobs raise that pot and so the demand for local jobs: the multiplier
emerges from the accounts, it is not a parameter. Tradable firms share an
external market that erodes slowly and grows when investment projects land.
"""

from __future__ import annotations

import numpy as np

from sim.businesses import Businesses
from sim.params import Params


def local_spending_parts(p: Params, household_income: float, incommuter_wages: float,
                         public_spend: float, programme_spend: float = 0.0) -> dict[str, float]:
    """Monthly spending in district non-tradable businesses by who spends it (GBP):
    households (of wages, benefits and owners' payouts), in-commuters, mainstream public
    spending and programme (regeneration) spending."""
    return {"households": p.local_spend_share * household_income,
            "incommuters": p.incommuter_spend_share * incommuter_wages,
            "public": p.public_local_share * public_spend,
            "programme": p.programme_local_share * programme_spend}


def local_spending(p: Params, household_income: float, incommuter_wages: float,
                   public_spend: float, programme_spend: float = 0.0) -> float:
    """Monthly spending in district non-tradable businesses (GBP)."""
    return sum(local_spending_parts(p, household_income, incommuter_wages, public_spend,
                                    programme_spend).values())


def drift_demand_weights(p: Params, firms: Businesses, month: int, z: np.ndarray) -> None:
    """Idiosyncratic demand shocks; young firms are more volatile [S] Jovanovic 1982."""
    n = firms.n
    young = (month - firms.birth_month[:n]) < p.young_firm_months
    sigma = np.where(young, p.demand_volatility_young, p.demand_volatility_mature)
    firms.weight[:n] *= np.exp(sigma * z[:n] - 0.5 * sigma**2)


def firm_demand(firms: Businesses, pots: tuple[float, float]) -> np.ndarray:
    """Each live firm's revenue demand: its weight's share of its sector's pot."""
    n = firms.n
    alive, tradable = firms.alive[:n], firms.tradable[:n]
    weight = firms.weight[:n] * alive
    demand = np.zeros(n)
    for sector, pot in enumerate(pots):
        in_sector = alive & (tradable == bool(sector))
        total = weight[in_sector].sum()
        if total > 0:
            demand[in_sector] = pot * weight[in_sector] / total
    return demand


def weights_for_revenue(firms: Businesses, tradable: np.ndarray, revenue: np.ndarray,
                        pots: tuple[float, float]) -> np.ndarray:
    """Demand weights newcomers need to win `revenue` of their sector's pot.

    With total weight W and share s = revenue / pot, the weight w solves
    w / (W + w) = s.
    """
    n = firms.n
    live_weight = firms.weight[:n] * firms.alive[:n]
    tradable_rows = firms.tradable[:n]
    totals = np.array([live_weight[~tradable_rows].sum(), live_weight[tradable_rows].sum()])
    pot = np.maximum(np.asarray(pots, float)[tradable.astype(int)], 1e-9)
    share = np.minimum(revenue / pot, 0.5)
    total = totals[tradable.astype(int)]
    return np.where(total > 0, share * total / (1 - share), 1.0)


def fixed_costs(p: Params, firms: Businesses) -> np.ndarray:
    """Each live firm's fixed monthly cost (GBP): bought from outside the district."""
    n = firms.n
    return np.where(firms.alive[:n], p.fixed_cost_workers * firms.productivity[:n], 0.0)


def place_costs(p: Params, firms: Businesses, employees: np.ndarray, rent_rise: np.ndarray,
                crime_change: np.ndarray) -> np.ndarray:
    """Each live firm's monthly costs from its place, as a change since the start (GBP):
    premises rent rises with its neighbourhood's rents (`rent_rise`, a share), and crime's
    losses and prevention move with the neighbourhood's crime (`crime_change`, in units of
    the district's starting mean crime; negative where crime fell). Both are paid outside
    the district (landlords and losses), like the fixed costs they add to."""
    n = firms.n
    hood = firms.hood[:n]
    per_job = (p.premises_rent_per_job * rent_rise[hood]
               + p.business_crime_cost * crime_change[hood])
    return np.where(firms.alive[:n], employees * per_job / 12, 0.0)


def settle_accounts(p: Params, firms: Businesses, demand: np.ndarray, employees: np.ndarray,
                    wage_bill: np.ndarray | None = None, costs: np.ndarray | None = None):
    """Book a month's profit into cash; revenue is capped by the staff to serve demand.

    `employees` is each firm's effective labour (workers, less the time ill health takes:
    sim.dynamics.firms.resident_staff), `wage_bill` its wages paid this month (default,
    for staff at the reference health: the firm's wage times `employees`) and `costs` its
    other costs (default: its fixed costs). Demand above the cap is not served; the
    accounts (sim.accounts) book it as imports bought outside the district.
    """
    n = firms.n
    prod = firms.productivity[:n]
    wages = firms.wage[:n] * employees if wage_bill is None else wage_bill
    costs = fixed_costs(p, firms) if costs is None else costs
    revenue = np.minimum(demand, employees * prod)
    profit = revenue - wages - costs
    firms.cash[:n] += np.where(firms.alive[:n], profit, 0.0)
    return revenue


def pay_dividends(p: Params, firms: Businesses, monthly_costs: np.ndarray) -> np.ndarray:
    """Live firms pay their owners `dividend_payout_share` of the cash they hold above a
    buffer of `dividend_buffer_months` of this month's costs; returns the payouts (GBP).

    A payout never takes cash below the buffer, so it never causes an exit."""
    n = firms.n
    above = firms.cash[:n] - p.dividend_buffer_months * monthly_costs
    payout = np.where(firms.alive[:n], p.dividend_payout_share * np.maximum(above, 0.0), 0.0)
    firms.cash[:n] -= payout
    return payout


def outside_exit_hazard(p: Params, employees: np.ndarray) -> np.ndarray:
    """Monthly hazard of closing for reasons outside the accounts (the owner retires,
    falls ill or moves on).

    It is the same for micro and small firms and falls only for firms of a few dozen
    employees and more, `exogenous_exit_rate / (1 + employees / exit_sale_size)`: an
    owner leaving a larger firm usually sells it as a going concern, and a change of
    owner is not a business death in ONS Business Demography [S]. Small firms'
    higher death rates come from their accounts (thin cash, volatile demand), not
    from this hazard.
    """
    return p.exogenous_exit_rate / (1.0 + employees / p.exit_sale_size)


def exits(p: Params, firms: Businesses, u: np.ndarray, employees: np.ndarray) -> np.ndarray:
    """Rows of firms that close: out of cash, or for reasons outside the model."""
    n = firms.n
    outside = u[:n] < outside_exit_hazard(p, employees)
    closing = firms.alive[:n] & ((firms.cash[:n] < 0) | outside)
    return np.flatnonzero(closing)


def expected_births(p: Params, n_alive: int, demand_per_firm: float, reference: float) -> float:
    """Births a month in a sector: more when demand per firm is above its starting level."""
    ratio = demand_per_firm / max(reference, 1e-9)
    return p.birth_rate / 12 * n_alive * ratio**p.entry_demand_elasticity
