"""Public bodies (partners) and the partnership board. Few, so plain per-agent state.

The rules they follow live in sim.policy.engagement (engagement and trust) and
sim.policy.regimes (who spends what on which lever).
"""

from __future__ import annotations

from mesa import Agent
from mesa.discrete_space import FixedAgent

from sim.policy import regimes

# name -> (share of mainstream spending, share of regeneration streams, KPI: the monthly
#          column it answers for). [A] shares shaped on Total Place maps and NRF partnership
#          accounts. A partner's remit (the levers it funds, following its statutory role) is
#          declared on the levers (`Lever.remit`, sim.policy.levers) and derived from them.
PARTNERS: dict[str, tuple[float, float, str]] = {
    "local_authority": (0.22, 0.25, "employment_rate_deprived"),
    "health_body": (0.30, 0.15, "mean_health"),
    "police": (0.05, 0.10, "crime_deprived"),
    "skills_provider": (0.10, 0.15, "training_completions"),
    "employment_service": (0.28, 0.15, "job_finding_rate"),
    "development_agency": (0.03, 0.15, "private_investment"),
    "voluntary_sector": (0.02, 0.05, "wellbeing_deprived"),
}
DISPOSITIONS = ("conditional", "free_rider", "hump")


class PublicBody(FixedAgent):
    """A public body: mainstream budget, regeneration stream, remit, KPI, engagement, trust."""

    def __init__(self, model, name: str, mainstream_budget: float, stream: float, remit, kpi: str,
                 disposition: str, engagement: float, trust: float, cell):
        super().__init__(model)
        self.name = name
        self.mainstream_budget = mainstream_budget  # GBP / year
        self.stream = stream  # regeneration money, GBP / year
        self.remit = tuple(remit)
        self.kpi = kpi
        self.disposition = disposition
        self.engagement = engagement  # 0-1, drawn per seed (sim.model)
        self.trust = trust  # 0-1, drawn per seed
        self.shortfall_quarters = 0  # quarters in a row its mission was short of money
        self.funding_received = stream  # GBP / year it delivers; compared with its stream
        self.cell = cell


class Partnership(Agent):
    """The board: regime, pot, allocation, growth weight, reward grant, one stop shop."""

    def __init__(self, model, policy):
        super().__init__(model)
        self.policy = policy
        self.regime = regimes.lookup(policy.regime)  # a sim.policy.regimes.Regime
        self.pot = 0.0  # GBP / year pooled (coalition)
        self.one_stop_shop = False
        self.reward_reserve = 0.0
        self.reward_paid = 0.0  # GBP: the last reward grant actually paid to partners
        self.allocation = None  # [partner, lever] GBP / year, set each programme year
        self.aligned = None  # [partner, lever] GBP / year of bent mainstream money
        self.target_last_year = None
        self.target_last_quarter = 0.0
        self.one_stop_shop_budget = 0.0
