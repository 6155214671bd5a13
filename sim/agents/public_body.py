"""Public bodies (partners). Few, so plain per-agent state and methods are right here.

In this release they deliver baseline (mainstream) services only; the
partnership, regimes and levers build on this state.
"""

from __future__ import annotations

from mesa.discrete_space import FixedAgent

# name -> (share of mainstream public spending, remit: levers it can fund)
# [A] shares shaped on Total Place maps: health and benefits dominate.
PARTNERS: dict[str, tuple[float, tuple[str, ...]]] = {
    "local_authority": (0.22, ("housing_environment", "childcare", "sites_transport",
                               "business_support")),
    "health_body": (0.30, ("health",)),
    "police": (0.05, ("community_safety",)),
    "skills_provider": (0.10, ("skills",)),
    "employment_service": (0.28, ("employment_support", "wage_subsidy")),
    "development_agency": (0.03, ("business_support", "sites_transport")),
    "voluntary_sector": (0.02, ("employment_support", "community_safety")),
}


class PublicBody(FixedAgent):
    """A public body with a mainstream budget, a remit, engagement and trust."""

    def __init__(self, model, name: str, mainstream_budget: float, remit, cell):
        super().__init__(model)
        self.name = name
        self.mainstream_budget = mainstream_budget  # GBP / year
        self.remit = tuple(remit)
        self.engagement = 0.0
        self.trust = 0.5
        self.cell = cell
