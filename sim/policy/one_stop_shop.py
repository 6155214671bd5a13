"""The one stop shop as a service with limited capacity.

Its budget (taken off the top of the coalition's pot, sim.policy.regimes) buys caseworker
time: each month `budget / 12 / oss_cost_per_case` cases. Unused case time carries over
within the programme year and lapses when the next year's budget is set. A case is one
investment project whose site-search, planning and recruitment frictions the shop cuts
(sim.investment.appraise) as far as the partners who hold those powers delegate them: its
`authority`, the partners' mean engagement this month. Its case process takes
`oss_case_months` whatever it cuts, so with little authority it is one more stop.
Projects of engaged firms are taken on first, then inward investors; other projects, and
those beyond capacity, are appraised without the shop.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.params import Params


@dataclass
class CaseLoad:
    """The shop's caseworker capacity and what it has done.

    Attributes:
        open: whether the shop is running (a coalition with a budget, until the pot ends).
        monthly_cases: cases the year's budget buys each month.
        available: case capacity left this programme year (cases, may be fractional).
        authority: share of its friction cut the shop can deliver this month (partners'
            mean engagement: they delegate planning, land and recruitment powers).
        cases: cases taken on this month; helped: of them, projects that went ahead only
            because of the cut (they were not viable without it).
        served: cases over the run; value_served: GBP of frictions cut over the run.
    """

    open: bool = False
    monthly_cases: float = 0.0
    available: float = 0.0
    authority: float = 0.0
    cases: int = 0
    helped: int = 0
    served: int = 0
    value_served: float = 0.0

    def new_year(self, p: Params, budget: float, running: bool) -> None:
        """The year's budget sets monthly capacity; last year's unused capacity lapses."""
        self.open = running and budget > 0
        self.monthly_cases = budget / 12 / p.oss_cost_per_case if self.open else 0.0
        self.available = 0.0

    def new_month(self, authority: float) -> None:
        """This month's caseworker time arrives with the partners' delegated `authority`;
        the month's counts restart."""
        self.cases = self.helped = 0
        self.authority = authority
        if self.open:
            self.available += self.monthly_cases

    def close(self) -> None:
        """The pot has ended: no more cases."""
        self.open, self.monthly_cases, self.available = False, 0.0, 0.0

    def take_case(self) -> bool:
        """Take on one more project if a whole case of capacity is left."""
        if not self.open or self.available < 1.0:
            return False
        self.available -= 1.0
        self.cases += 1
        self.served += 1
        return True

    def record(self, record: dict) -> None:
        """Book a served project's appraisal: the value cut and whether the cut decided it."""
        self.value_served += record["one_stop_shop_value"]
        self.helped += int(record["went_ahead"] and not record["would_have_gone_ahead"])

    def mean_case_value(self) -> float:
        """GBP a case has been worth so far (frictions cut less the case process's delay
        cost; negative where the shop is one more stop): what a firm expects."""
        return self.value_served / self.served if self.served else 0.0
