"""coalition-sim: an agent-based model of a local economy under regeneration regimes."""

__version__ = "0.1.0"
