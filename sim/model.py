"""LocalEconomy: the Mesa model. Builds everything and owns the monthly schedule.

The model holds state and the step order; the rules live in `sim.markets`,
`sim.dynamics` and friends. It never writes files.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim import outcomes
from sim.agents import PARTNERS, Business, Household, PublicBody
from sim.businesses import initial_businesses
from sim.dynamics import firms as firm_dynamics
from sim.dynamics import labour as labour_dynamics
from sim.dynamics import people as people_dynamics
from sim.dynamics import places as place_dynamics
from sim.dynamics.setup import employ_initial_workers, initial_references
from sim.params import Params
from sim.population import build_households, build_residents
from sim.residents import income
from sim.rng import Streams
from sim.space import build_neighbourhoods, build_network


class LocalEconomy(mesa.Model):
    """A district's households, businesses and public bodies, stepped monthly.

    Args:
        params: the parameter set (default: the `district` preset).
        rng: the run's integer seed; every random draw derives from it.
    """

    def __init__(self, params: Params | None = None, rng: int = 0):
        super().__init__(rng=int(rng))
        self.p = params or Params.from_preset()
        self.seed = int(rng)
        self.streams = Streams(self.seed)
        setup = self.streams["setup"]
        self.hoods = build_neighbourhoods(self.p, setup)
        self.grid = build_network(self.hoods, self.random)
        self.households = build_households(self.p, self.hoods, setup)
        self.residents = build_residents(self.p, self.hoods, self.households, setup)
        residents_by_hood = np.bincount(self.residents.hood, minlength=self.hoods.n)
        self.firms = initial_businesses(self.p, self.hoods, residents_by_hood, setup)
        employ_initial_workers(self, setup)
        self.ref = initial_references(self)
        self.next_resident_uid = self.residents.n
        self.next_household_uid = self.households.n
        self.records = {"monthly": [], "business_events": [], "projects": []}
        self.pending_projects: list[dict] = []
        self._create_agents()
        self.month_flags = people_dynamics.new_month_flags(self)
        self.prev_status = self.residents.status.copy()

    def _create_agents(self) -> None:
        cells = list(self.grid.all_cells)
        by_coordinate = {c.coordinate: c for c in cells}
        self.hood_cells = [by_coordinate[i] for i in range(self.hoods.n + 1)]
        # Businesses first: cells keep agents in a list, and firms are the ones removed.
        self.business_agents = {}
        for row in range(self.firms.n):
            self.add_business_agent(row)
        for row in range(self.households.n):
            Household(self, row, self.hood_cells[self.households.hood[row]])
        centre = int(np.argmin(np.hypot(self.hoods.x, self.hoods.y)))
        spend = self.p.mainstream_per_resident * self.p.n_residents_all_ages
        for name, (share, remit) in PARTNERS.items():
            PublicBody(self, name, share * spend, remit, self.hood_cells[centre])

    def add_business_agent(self, row: int) -> None:
        cell = self.hood_cells[self.firms.hood[row]]
        self.business_agents[row] = Business(self, row, cell)

    @property
    def month(self) -> int:
        """Months simulated so far (Mesa's model time)."""
        return int(self.time)

    @property
    def in_programme(self) -> bool:
        return self.month > self.p.burn_in_months

    @property
    def total_months(self) -> int:
        return self.p.burn_in_months + self.p.programme_months

    def resident_income(self) -> np.ndarray:
        return income(self.p, self.residents)

    def step(self) -> None:
        """One month, in the order of model-spec section 4."""
        self.month_flags = people_dynamics.new_month_flags(self)
        firm_dynamics.update_businesses(self)
        labour_dynamics.run_labour_market(self)
        people_dynamics.update_residents(self)
        place_dynamics.update_neighbourhoods(self)
        self.records["monthly"].append(outcomes.monthly_row(self))
        self.prev_status = self.residents.status.copy()

    def run(self, months: int | None = None, progress=None) -> LocalEconomy:
        """Step `months` times (default: burn-in plus programme)."""
        for _ in range(self.total_months if months is None else months):
            self.step()
            if progress is not None:
                progress()
        return self
