"""Sites and transport: spend on a neighbourhood closes its site-readiness and public
transport gaps (saturating), which widens job reach. Works take three delivery lags."""

from __future__ import annotations

import numpy as np

from sim.policy.levers.base import Lever
from sim.policy.levers.common import every_neighbourhood, per_hood_money
from sim.space import update_reach

NAME = "sites_transport"


def deliver(model, money: float) -> float:
    p, hoods = model.p, model.hoods
    gain = 1 - np.exp(-per_hood_money(model, money, NAME) / p.site_cost)
    hoods.site_readiness += (1 - hoods.site_readiness) * gain
    hoods.pt_access += (1 - hoods.pt_access) * gain
    update_reach(hoods, p)
    return money


LEVER = Lever(
    name=NAME, label="Sites and transport", cost_param="site_cost",
    groups=frozenset({"place", "growth"}), default_share=0.1,  # [A] default mix
    remit=("local_authority", "development_agency"), deliver=deliver,
    eligible=every_neighbourhood, unit="neighbourhoods",
    lag_multiplier=3,  # [A] capital works take three times the delivery lag
    description="site preparation and public transport works")
