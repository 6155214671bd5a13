"""Stock-flow consistent accounts: every pound of a month has a payer and a receiver.

Four sectors: households (the district's residents), firms (district businesses), the
public sector (central and local government and the partners, funded from outside the
district) and the rest of the world (TTWA employers, in-commuters, outside owners and
creditors, firms outside the district that sell imports and buy exports). Every flow in
`FLOWS` goes from one sector (its use) to another (its source). Per sector and month

    residual = sources - uses - change in net worth

and the residual is zero to rounding. The changes in net worth are: firms, the change in
the cash of live firms, measured from the firm arrays (so the firm residual checks the
flows against the stock the model keeps); households, their saving (the model keeps no
household wealth, so saving is the balancing item); the public sector, zero (its spending
is financed by central government as it is spent); the rest of the world, minus the sum
of the others' (its claims are the other side of theirs), so its residual checks that
the whole table closes.

All flows of a month are those of the businesses stage (sim/dynamics/firms.py), at the
state the stage sees: residents' status and wages, firms' employees. Two lags:
households spend the payouts of firms they own (dividends, cash of firms that close) the
month after they receive them; regeneration money spent after the month's demand is
formed (gap funding, paid when projects are appraised at the end of the stage) reaches
the local pot and the accounts the next month (`programme_spend_carried`).

The model keeps one row a month in `model.records["accounts"]`; a run writes it as
`accounts.parquet` (sim/io.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.population import EMPLOYED, TTWA_EMPLOYER

SECTORS = ("households", "firms", "public", "rest_of_world")


@dataclass(frozen=True)
class Flow:
    """A flow of money a month (GBP): from the sector that pays to the one that receives."""

    name: str
    payer: str
    receiver: str
    description: str


FLOWS: tuple[Flow, ...] = (
    Flow("wages_district_residents", "firms", "households",
         "wages paid by district firms to residents"),
    Flow("wages_incommuters", "firms", "rest_of_world", "wages paid by district firms to "
         "in-commuters"),
    Flow("wages_ttwa_residents", "rest_of_world", "households",
         "wages paid by TTWA employers to residents"),
    Flow("benefits", "public", "households", "benefits of non-employed residents"),
    Flow("public_local", "public", "firms", "mainstream public spending in district "
         "non-tradable firms (the local part of public_spend)"),
    Flow("public_outside", "public", "rest_of_world", "the rest of mainstream public spending"),
    Flow("programme_local", "public", "firms", "regeneration spending in district "
         "non-tradable firms (programme_local_share)"),
    Flow("programme_outside", "public", "rest_of_world", "the rest of regeneration spending"),
    Flow("public_funding", "rest_of_world", "public", "central government finance of the "
         "public sector's spending (its deficit: no taxes are raised in the district)"),
    Flow("household_local_spending", "households", "firms",
         "residents' spending in district non-tradable firms"),
    Flow("household_outside_spending", "households", "rest_of_world",
         "residents' spending outside the district (imports, rents, taxes)"),
    Flow("incommuter_local_spending", "rest_of_world", "firms",
         "in-commuters' spending in district non-tradable firms"),
    Flow("exports", "rest_of_world", "firms", "tradable firms' external revenue"),
    Flow("unserved_local_demand", "firms", "rest_of_world", "local demand above the "
         "capacity of non-tradable firms (or with no firm to serve it), bought outside as "
         "imports"),
    Flow("fixed_costs", "firms", "rest_of_world", "firms' fixed costs, bought from outside "
         "(the model has no local intermediate inputs), with the change since the start in "
         "their premises rents and crime costs (goods.place_costs)"),
    Flow("dividends_local", "firms", "households", "payouts to resident owners"),
    Flow("dividends_outside", "firms", "rest_of_world", "payouts to outside owners"),
    Flow("entry_capital_local", "households", "firms",
         "starting cash of new firms put in by resident owners"),
    Flow("entry_capital_outside", "rest_of_world", "firms",
         "starting cash of new firms put in by outside owners"),
    Flow("exit_payout_local", "firms", "households",
         "cash of closing firms returned to resident owners"),
    Flow("exit_payout_outside", "firms", "rest_of_world",
         "cash of closing firms returned to outside owners"),
    Flow("exit_write_off", "rest_of_world", "firms", "overdrafts of firms that close with "
         "negative cash, written off by outside creditors"),
)
FLOW_NAMES = tuple(f.name for f in FLOWS)
MEMOS = {
    "local_demand": "non-tradable demand pot after any recession factor",
    "unserved_tradable_demand": "external demand above tradable firms' capacity (not a flow: "
                                "outside buyers buy elsewhere)",
    "programme_spend_ledger": "regeneration money the ledger recorded as spent this month",
    "programme_spend_carried": "regeneration money spent after this month's demand was "
                               "formed, booked next month",
    "one_stop_shop_spend": "one stop shop spending (inside programme_local/outside)",
    "mainstream_aligned_spend": "aligned mainstream money spent through levers (inside "
                                "public_local/outside, not extra)",
    "firm_cash": "cash of live firms at the end of the month",
    "household_wealth": "households' saving accumulated since the start",
    "household_income_gap": "residents' income as households see it minus wages, TTWA wages "
                            "and benefits as the accounts book them (zero)",
}


def total_cash(firms) -> float:
    """Cash held by live firms (GBP)."""
    n = firms.n
    return float(firms.cash[:n][firms.alive[:n]].sum())


class Accounts:
    """The month's flows as the businesses stage books them, and the stocks they change.

    Attributes:
        flows: this month's flows so far, by name (GBP).
        firm_cash: cash of live firms at the end of last month (GBP).
        household_wealth: saving accumulated since the start (GBP).
        capital_income_last: resident owners' payouts last month, spent this month (GBP).
        programme_carry: regeneration money spent last month after demand was formed (GBP).
    """

    def __init__(self, model):
        self.flows = dict.fromkeys(FLOW_NAMES, 0.0)
        self.memo = dict.fromkeys(MEMOS, 0.0)
        self.firm_cash = total_cash(model.firms)
        self.household_wealth = 0.0
        self.capital_income_last = 0.0
        self.programme_carry = 0.0
        self._programme_at_pot = 0.0

    def add(self, name: str, amount: float) -> None:
        self.flows[name] += float(amount)

    def _split_owners(self, p, amount: float, local: str, outside: str) -> None:
        self.add(local, p.local_ownership_share * amount)
        self.add(outside, (1 - p.local_ownership_share) * amount)

    def programme_spend_now(self, model) -> float:
        """Regeneration money to book this month: spent so far this month, carried from
        last month, and the one stop shop (GBP)."""
        self._programme_at_pot = float(model.ledger.spent_this_month[0].sum())
        return (self._programme_at_pot + self.programme_carry
                + float(model.counters.one_stop_shop_spend))

    def book_demand(self, model, parts: dict[str, float], factor: float,
                    resident_income: float, programme: float, incommuter_wages: float,
                    resident_wages: float, rent_rise: float = 0.0) -> None:
        """Households' income and spending, public and programme spending, and the local
        demand pot (`parts` from goods.local_spending_parts, times the recession `factor`).
        `resident_income` is residents' wages and benefits (households add last month's
        capital income). `rent_rise` is what they pay in rent rises (GBP), outside the
        district: it comes out of their local spending (goods.local_spending_parts)."""
        p, res = model.p, model.residents
        employed = res.status == EMPLOYED
        ttwa = float(res.wage[employed & (res.employer == TTWA_EMPLOYER)].sum())
        benefits = float(np.count_nonzero(~employed)) * p.benefit_per_month
        self.add("wages_ttwa_residents", ttwa)
        self.add("benefits", benefits)
        self.memo["household_income_gap"] += resident_income - (resident_wages + ttwa + benefits)
        household_income = resident_income + self.capital_income_last
        # households: the recession's cut in local spending is saved, not spent elsewhere
        self.add("household_local_spending", factor * parts["households"])
        self.add("household_outside_spending", (1 - p.local_spend_share) * household_income
                 + p.local_spend_share * rent_rise)
        self.add("incommuter_local_spending", factor * parts["incommuters"])
        public_local = factor * parts["public"]
        self.add("public_local", public_local)
        self.add("public_outside", model.public_spend - public_local)
        programme_local = factor * parts["programme"]
        self.add("programme_local", programme_local)
        self.add("programme_outside", programme - programme_local)
        self.memo["local_demand"] += factor * sum(parts.values())
        self.memo["one_stop_shop_spend"] += float(model.counters.one_stop_shop_spend)

    def book_firms(self, p, firms, demand, revenue, resident_wages, incommuter_wages,
                   fixed, payout) -> None:
        """Firms' revenue, wages, fixed costs and payouts at the month's settlement."""
        n = firms.n
        alive, tradable = firms.alive[:n], firms.tradable[:n]
        self.add("wages_district_residents", resident_wages[alive].sum())
        self.add("wages_incommuters", incommuter_wages[alive].sum())
        self.add("exports", revenue[alive & tradable].sum())
        served_local = float(revenue[alive & ~tradable].sum())
        # Booked against the demand pot, so demand with no firm to serve it leaks too.
        self.add("unserved_local_demand", self.memo["local_demand"] - served_local)
        self.memo["unserved_tradable_demand"] += float(
            (demand - revenue)[alive & tradable].sum())
        self.add("fixed_costs", fixed.sum())
        self._split_owners(p, float(payout.sum()), "dividends_local", "dividends_outside")

    def book_entry(self, p, cash: np.ndarray) -> None:
        """New firms' starting cash, put in by their owners."""
        self._split_owners(p, float(cash.sum()), "entry_capital_local", "entry_capital_outside")

    def book_exit(self, p, cash: np.ndarray) -> None:
        """Closing firms' cash: positive cash goes to owners, overdrafts are written off."""
        self._split_owners(p, float(np.maximum(cash, 0.0).sum()), "exit_payout_local",
                           "exit_payout_outside")
        self.add("exit_write_off", float(np.maximum(-cash, 0.0).sum()))

    def close_month(self, model) -> dict:
        """The month's row: flows, sector sources, uses, changes in net worth and residuals;
        then the stocks move on and the flows start again."""
        f = self.flows
        f["public_funding"] = 0.0
        f["public_funding"] = sum(v for flow, v in zip(FLOWS, f.values(), strict=True)
                                  if flow.payer == "public")
        row: dict = {"month": model.month,
                     "phase": "programme" if model.in_programme else "burn_in", **f}
        sources = dict.fromkeys(SECTORS, 0.0)
        uses = dict.fromkeys(SECTORS, 0.0)
        for flow in FLOWS:
            uses[flow.payer] += f[flow.name]
            sources[flow.receiver] += f[flow.name]
        cash = total_cash(model.firms)
        saving = sources["households"] - uses["households"]
        change = {"households": saving, "firms": cash - self.firm_cash, "public": 0.0}
        change["rest_of_world"] = -sum(change.values())
        row["household_saving"] = saving
        row["firm_cash_change"] = change["firms"]
        for sector in SECTORS:
            row[f"sources_{sector}"] = sources[sector]
            row[f"uses_{sector}"] = uses[sector]
            row[f"net_worth_change_{sector}"] = change[sector]
            row[f"residual_{sector}"] = sources[sector] - uses[sector] - change[sector]
        row["total_flows"] = float(sum(f.values()))
        self.firm_cash = cash
        self.household_wealth += saving
        self.capital_income_last = f["dividends_local"] + f["exit_payout_local"]
        spent = float(model.ledger.spent_this_month[0].sum())
        self.programme_carry = spent - self._programme_at_pot
        self._programme_at_pot = 0.0
        self.memo.update(programme_spend_ledger=spent,
                         programme_spend_carried=self.programme_carry,
                         mainstream_aligned_spend=float(model.ledger.spent_this_month[1].sum()),
                         firm_cash=cash, household_wealth=self.household_wealth)
        row.update(self.memo)
        self.flows = dict.fromkeys(FLOW_NAMES, 0.0)
        self.memo = dict.fromkeys(MEMOS, 0.0)
        return row


def max_relative_residual(rows) -> float:
    """The largest |residual| of any sector and month relative to that month's total
    flows (0 for no rows)."""
    worst = 0.0
    for row in rows:
        scale = max(abs(row["total_flows"]), 1.0)
        worst = max(worst, *(abs(row[f"residual_{s}"]) / scale for s in SECTORS))
    return worst
