"""LocalEconomy: the Mesa model. Builds everything and owns the monthly schedule.

The model holds state and the step order; the rules live in `sim.markets`,
`sim.dynamics`, `sim.policy` and friends. It never writes files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import mesa
import numpy as np

from sim import outcomes
from sim.accounts import Accounts
from sim.agents import DISPOSITIONS, PARTNERS, Business, Household, Partnership, PublicBody
from sim.businesses import initial_businesses
from sim.cohort import Cohort, JobEntries, ParticipantLog, Tracker, UidIndex, form_cohort
from sim.district.geometry import district_neighbourhoods
from sim.dynamics import firms as firm_dynamics
from sim.dynamics import labour as labour_dynamics
from sim.dynamics import people as people_dynamics
from sim.dynamics import places as place_dynamics
from sim.dynamics.setup import employ_initial_workers, initial_references
from sim.dynamics.state import MonthCounters
from sim.markets.ttwa import Ttwa
from sim.params import Params
from sim.policy import board as partnership
from sim.policy import levers
from sim.policy.budget import Ledger
from sim.policy.levers import registry
from sim.policy.one_stop_shop import CaseLoad
from sim.policy.spec import Policy, check_levers
from sim.population import TTWA_EMPLOYER, build_households, build_residents
from sim.residents import income
from sim.rng import Streams
from sim.space import build_neighbourhoods, build_network


@dataclass(frozen=True)
class Stage:
    """One stage of the month: a name, the function that runs it, and what it does."""

    name: str
    run: Callable[[LocalEconomy], None]
    description: str


class LocalEconomy(mesa.Model):
    """A district's households, businesses and public bodies, stepped monthly.

    Args:
        params: the parameter set (default: the `district` preset).
        rng: the run's integer seed; every random draw derives from it.
        policy: regime, mix and targeting (default: no regeneration money).
        shocks: shocks that hit the district (sim.policy.shocks.Shock).
        watch: (slot, uid, start_month, end_month) arrays of people to follow around a
            programme, so a counterfactual run can track another run's participants.
        disabled_levers: levers whose money is not spent (for paired "without" runs).
        district: a district file's neighbourhoods (sim.district.District) instead of the
            synthetic disc of the presets.

    Raises:
        ValueError: a registered lever that no partner delivers, an unknown disabled lever,
            or a policy whose mix or targeting names other levers than the registered ones.
    """

    def __init__(self, params: Params | None = None, rng: int = 0, policy: Policy | None = None,
                 shocks=(), watch=None, disabled_levers=(), district=None):
        super().__init__(rng=int(rng))
        self.p = params or Params.from_preset()
        self.seed = int(rng)
        self.policy = policy or Policy()
        self.shocks = tuple(shocks)
        self.levers = registry.levers()  # this run's levers: a snapshot of the registry
        self.lever_index = {lever.name: i for i, lever in enumerate(self.levers)}
        registry.check_remits(PARTNERS, self.levers)
        check_levers(self.policy, tuple(self.lever_index))
        self.disabled_levers = frozenset(disabled_levers)
        unknown = self.disabled_levers - set(self.lever_index)
        if unknown:
            raise ValueError(f"disabled_levers: unknown lever(s) {sorted(unknown)}")
        self.streams = Streams(self.seed)
        setup = self.streams["setup"]
        self.hoods = (build_neighbourhoods(self.p, setup) if district is None
                      else district_neighbourhoods(self.p, setup, district))
        self.grid = build_network(self.hoods, self.random)
        self.households = build_households(self.p, self.hoods, setup)
        self.residents = build_residents(self.p, self.hoods, self.households, setup,
                                         registry.resident_state(self.levers))
        self.residents_by_hood = np.bincount(self.residents.hood, minlength=self.hoods.n)
        self.firms = initial_businesses(self.p, self.hoods, self.residents_by_hood, setup)
        employ_initial_workers(self, setup)
        self.ttwa = Ttwa.start(self.p, self.residents.n, int(self.firms.incommuters.sum()),
                               int(np.count_nonzero(self.residents.employer == TTWA_EMPLOYER)),
                               self.streams["ttwa"])
        self.ref = initial_references(self)
        self.housing = place_dynamics.HousingPressure(np.zeros(self.hoods.n))
        self.records = {"monthly": [], "business_events": [], "projects": [], "accounts": []}
        self.accounts = Accounts(self)  # this month's flows between sectors (sim/accounts.py)
        self.pending_projects: list[dict] = []
        self._create_agents()
        self._create_programme_state(watch)
        self.counters = MonthCounters.new_month(self)  # this month's counts (sim.dynamics.state)
        self.prev_status = self.residents.status.copy()

    def _create_agents(self) -> None:
        cells = list(self.grid.all_cells)
        by_coordinate = {c.coordinate: c for c in cells}
        self.hood_cells = [by_coordinate[i] for i in range(self.hoods.n + 1)]
        self.business_agents = {}
        for row in range(self.firms.n):
            self.add_business_agent(row)
        for row in range(self.households.n):
            Household(self, row, self.hood_cells[self.households.hood[row]])
        self._create_partners()

    def _create_partners(self) -> None:
        """Partners with dispositions, initial engagement and trust drawn from the `partners`
        stream, so partnerships differ by seed."""
        centre = self.hood_cells[int(np.argmin(np.hypot(self.hoods.x, self.hoods.y)))]
        spend = self.p.mainstream_per_resident * self.p.n_residents_all_ages
        rng = self.streams["partners"]
        fr = min(self.p.free_rider_share, 1 - self.p.conditional_share)
        mix = [self.p.conditional_share, fr, 1 - self.p.conditional_share - fr]
        dispositions = [DISPOSITIONS[rng.choice(3, p=mix)] for _ in PARTNERS]
        spread = self.p.initial_spread * rng.uniform(-1.0, 1.0, size=(2, len(PARTNERS)))
        engagement = np.clip(self.p.initial_engagement + spread[0], 0.0, 1.0)
        trust = np.clip(self.p.initial_trust + spread[1], 0.0, 1.0)
        self.partners = [
            PublicBody(self, name, main * spend, stream * self.p.regeneration_budget,
                       registry.remit_of(name, self.levers), kpi, dispositions[i],
                       float(engagement[i]), float(trust[i]), centre)
            for i, (name, (main, stream, kpi)) in enumerate(PARTNERS.items())]
        self.board = Partnership(self, self.policy)
        self.one_stop_shop = CaseLoad()  # the shop's caseworker capacity (coalition)

    def _create_programme_state(self, watch) -> None:
        self.ledger = Ledger(len(self.partners), registry.lags(self.p, self.levers))
        self.referral_precision = self.p.referral_precision_base
        self.cohort: Cohort | None = None
        self.participants = ParticipantLog()
        self.job_entries = JobEntries()
        empty = np.zeros(0, np.int64)
        self.tracker = Tracker(*(watch if watch is not None else (empty,) * 4))
        self.track_own_participants = watch is None

    def add_business_agent(self, row: int) -> None:
        cell = self.hood_cells[self.firms.hood[row]]
        self.business_agents[row] = Business(self, row, cell)
        # Firms go to the front of their cell's list, before the households: removing an
        # agent searches the list from the front, and firms are the agents that are removed
        # (a death costs a few steps, not a search past every household of the neighbourhood).
        agents = cell._agents
        agents.insert(0, agents.pop())

    @property
    def month(self) -> int:
        """Months simulated so far (Mesa's model time); 1 during the first step."""
        return int(self.time)

    @property
    def in_programme(self) -> bool:
        return self.month > self.p.burn_in_months

    @property
    def total_months(self) -> int:
        return self.p.burn_in_months + self.p.programme_months

    def resident_income(self) -> np.ndarray:
        return income(self.p, self.residents)

    def shared_target(self) -> float:
        """The partnership's shared target: the employment rate of deprived neighbourhoods."""
        res = self.residents
        return float(np.count_nonzero(res.deprived & res.employed) / max(res.deprived.sum(), 1))

    def log_participants(self, people: np.ndarray, lever: str, months: int) -> None:
        res = self.residents
        end = np.full(len(people), self.month + months, np.int64)
        self.participants.add(uid=res.uid[people], slot=people.astype(np.int64),
                              lever=np.full(len(people), self.lever_index[lever], np.int64),
                              start_month=np.full(len(people), self.month, np.int64),
                              end_month=end, deprived=self.hoods.deprived[res.hood[people]],
                              status_at_start=res.status[people].astype(np.int64))
        if self.track_own_participants:
            self.tracker.extend(people.astype(np.int64), res.uid[people],
                                np.full(len(people), self.month, np.int64), end,
                                res.status[people])

    def step(self) -> None:
        """One month: reset the month's counters, then run the stages of `SCHEDULE` in order
        (docs/odd.md section 3; `plan()` lists them)."""
        self.counters = MonthCounters.new_month(self, self.counters)
        for stage in self.schedule:
            stage.run(self)

    def plan(self) -> list[tuple[str, str]]:
        """The month's stages in the order `step()` runs them, as (name, description)."""
        return [(stage.name, stage.description) for stage in self.schedule]

    def observe(self) -> None:
        """Stage `observation`: cohort flags, tracker panels, job entries followed for six
        months, the month's row of outputs."""
        where = UidIndex(self.residents.uid)  # people are found by id: they move within
        if self.cohort is not None:
            self.cohort.update(self.residents, where)
        self.tracker.update(self.residents, self.month, where)
        self.job_entries.update(self.residents, self.prev_status, self.counters.moved,
                                self.month, where)
        self.records["monthly"].append(outcomes.monthly_row(self))
        self.records["accounts"].append(self.accounts.close_month(self))
        self.prev_status = self.residents.status.copy()

    def run(self, months: int | None = None, progress=None) -> LocalEconomy:
        """Step `months` times (default: burn-in plus programme)."""
        for _ in range(self.total_months if months is None else months):
            self.step()
            if progress is not None:
                progress()
        return self


SCHEDULE: tuple[Stage, ...] = (
    Stage("cohort", form_cohort, "at programme month 1, fix the re-engagement cohort from "
          "residents' status at the end of burn-in (sim/cohort.py)"),
    Stage("partnership", partnership.update_partnership, "quarterly trust and engagement, the "
          "yearly allocation, a month of money into the pipeline, referral precision, firms' "
          "engagement (sim/policy/board.py)"),
    Stage("delivery", levers.deliver, "money whose lag has passed arrives; each lever spends "
          "what it holds, in registry order (sim/policy/levers/)"),
    Stage("businesses", firm_dynamics.update_businesses, "demand (a recession's path), "
          "accounts, exits, employment "
          "targets, lay-offs, vacancies, births, investment projects (sim/dynamics/firms.py)"),
    Stage("labour_market", labour_dynamics.run_labour_market, "the TTWA's own month, "
          "separations, activation, one matching round for residents (unemployed and on the "
          "job) and TTWA job seekers, in-commuters leaving, wage offers (sim/dynamics/labour.py, "
          "sim/markets/ttwa.py)"),
    Stage("residents", people_dynamics.update_residents, "programmes run down (each lever's "
          "progress hook), health, attachment, spells, income, well-being "
          "(sim/dynamics/people.py)"),
    Stage("neighbourhoods", place_dynamics.update_neighbourhoods, "crime, decay of environment "
          "gains, residential moves out of, within and into the district, housing pressure "
          "(sim/dynamics/places.py)"),
    Stage("observation", lambda model: model.observe(), "cohort flags, tracker panels, "
          "one row of named outputs (sim/outcomes/) and one row of the accounts "
          "(sim/accounts.py)"),
)
LocalEconomy.schedule = SCHEDULE
