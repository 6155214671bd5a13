"""Governance of regeneration money: regimes, the partnership, levers and shocks."""
