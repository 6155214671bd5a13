"""Community safety: spend builds a stock per resident (a two-year memory, GBP per
resident a year at a steady spend); crime's target level falls with it
(sim.neighbourhood.update_crime, which also decays the stock each month)."""

from __future__ import annotations

from sim.policy.levers.base import Lever
from sim.policy.levers.common import every_neighbourhood, per_hood_money

NAME = "community_safety"


def deliver(model, money: float) -> float:
    stock = model.hoods.safety_stock
    stock += per_hood_money(model, money, NAME) / model.residents_by_hood * 12 / 24
    return money


LEVER = Lever(
    name=NAME, label="Community safety", cost_param="safety_scale",
    groups=frozenset({"place", "social"}), default_share=0.1,  # [A] default mix
    remit=("local_authority", "police", "voluntary_sector"), deliver=deliver,
    eligible=every_neighbourhood, unit="neighbourhoods",
    description="community safety spend per resident")
