"""Mesa agents: thin views onto columnar state, plus the few public bodies."""

from sim.agents.business import Business
from sim.agents.household import Household
from sim.agents.public_body import DISPOSITIONS, PARTNERS, Partnership, PublicBody

__all__ = ["Business", "Household", "PublicBody", "Partnership", "PARTNERS", "DISPOSITIONS"]
