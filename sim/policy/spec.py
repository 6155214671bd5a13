"""What a scenario says about policy: the regime, the mix of levers and targeting.

Kept apart from the behavioural parameters (sim.params): these are the choices a
partnership makes, the levers of an experiment, not uncertainties about the world.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field

from sim.policy import regimes
from sim.policy.levers import registry
from sim.policy.regimes import REGIMES

DEFAULT_TARGETING = 0.7  # [A] share of each lever's money aimed at deprived neighbourhoods
# The levers a growth objective favours: the Local Growth Fund's single pot went on
# infrastructure (transport and sites), skills and business support [S~] House of Commons
# Library briefing 7120, Local Growth Deals (2020); NAO 2016, Local Enterprise Partnerships.
DEFAULT_GROWTH_LEVERS = ("business_support", "sites_transport", "skills")
# How a coalition's board splits its pot across levers: its mix tilted by the growth weight,
# or the split an LSP's remits would realise from the same streams and mix (so a
# coalition-vs-LSP comparison spends alike by lever and differs only in governance).
POT_MIXES = ("tilted", "as_lsp")


class PolicyError(ValueError):
    """A policy table asks for something not allowed."""


@dataclass(frozen=True)
class Policy:
    """The regime, the intervention mix (shares of the budget), targeting by lever, the
    levers the coalition's growth weight tilts the pot towards (`growth_levers`) and how
    the board splits the pot (`pot_mix`, one of `POT_MIXES`)."""

    regime: str = "none"
    mix: dict = field(default_factory=registry.default_mix)
    targeting: dict = field(
        default_factory=lambda: dict.fromkeys(registry.names(), DEFAULT_TARGETING))
    growth_levers: tuple[str, ...] = DEFAULT_GROWTH_LEVERS
    pot_mix: str = POT_MIXES[0]

    @property
    def funded(self) -> bool:
        """Whether the regime lets regeneration money flow."""
        return regimes.lookup(self.regime).funded


def check_levers(policy: Policy, names: tuple[str, ...]) -> None:
    """The policy's mix and targeting must name exactly the levers `names`.

    Raises:
        PolicyError: a lever the run does not have (a plug-in not registered here), or one
            the policy leaves out; otherwise its share would silently go elsewhere.
    """
    for what, table in (("mix", policy.mix), ("targeting", policy.targeting)):
        unknown, missing = set(table) - set(names), set(names) - set(table)
        if unknown or missing:
            raise PolicyError(
                f"the policy's {what} does not match the registered levers"
                + (f"; not registered: {', '.join(sorted(unknown))} (register the plug-in "
                   "lever first)" if unknown else "")
                + (f"; missing: {', '.join(sorted(missing))}" if missing else ""))


def _unknown(name, valid, what) -> PolicyError:
    close = difflib.get_close_matches(name, list(valid), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return PolicyError(f"unknown {what} {name!r}{hint} (allowed: {', '.join(valid)})")


def _share(value, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise PolicyError(f"{where} must be a number between 0 and 1, got {value!r}")
    return float(value)


def _budget(value) -> float:
    """`budget`: a finite number of GBP a year (its range is the registry's
    regeneration_budget, checked with the other parameters)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise PolicyError(f"'budget' must be a finite number of GBP a year, got {value!r}")
    return value


def parse_mix(table: dict) -> dict:
    if not isinstance(table, dict):
        raise PolicyError(f"'mix' must be a table of lever = share, got {table!r}")
    levers = registry.names()
    mix = dict.fromkeys(levers, 0.0)
    for lever, share in table.items():
        if lever not in levers:
            raise _unknown(lever, levers, "lever in 'mix'")
        mix[lever] = _share(share, f"mix.{lever}")
    total = sum(mix.values())
    if abs(total - 1.0) > 1e-6:
        raise PolicyError(f"the shares in 'mix' must sum to 1, they sum to {total:.6g}")
    return mix


def parse_targeting(value) -> dict:
    """One share for every lever, or a table of lever = share (others keep the default)."""
    levers = registry.names()
    if isinstance(value, dict):
        targeting = dict.fromkeys(levers, DEFAULT_TARGETING)
        for lever, share in value.items():
            if lever not in levers:
                raise _unknown(lever, levers, "lever in 'targeting'")
            targeting[lever] = _share(share, f"targeting.{lever}")
        return targeting
    return dict.fromkeys(levers, _share(value, "targeting"))


def parse_policy(table: dict) -> tuple[Policy, dict]:
    """A Policy and parameter overrides (budget) from a scenario's [policy] table."""
    allowed = ("regime", "mix", "targeting", "budget", "growth_levers", "pot_mix")
    for key in table:
        if key not in allowed:
            raise _unknown(key, allowed, "key in [policy]")
    regime = table.get("regime", "none")
    if regime not in REGIMES:
        raise _unknown(str(regime), REGIMES, "regime")
    mix = parse_mix(table["mix"]) if "mix" in table else registry.default_mix()
    targeting = parse_targeting(table.get("targeting", DEFAULT_TARGETING))
    growth = parse_growth_levers(table.get("growth_levers", list(DEFAULT_GROWTH_LEVERS)))
    pot_mix = table.get("pot_mix", POT_MIXES[0])
    if pot_mix not in POT_MIXES:
        raise _unknown(str(pot_mix), POT_MIXES, "pot_mix")
    overrides = {"regeneration_budget": _budget(table["budget"])} if "budget" in table else {}
    return Policy(regime, mix, targeting, growth, pot_mix), overrides


def parse_growth_levers(value) -> tuple[str, ...]:
    """`growth_levers = [...]`: registered lever names, each at most once (may be empty)."""
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise PolicyError(f"'growth_levers' must be a list of lever names, got {value!r}")
    levers = registry.names()
    for lever in value:
        if lever not in levers:
            raise _unknown(lever, levers, "lever in 'growth_levers'")
    if len(set(value)) < len(value):
        raise PolicyError(f"'growth_levers' names a lever twice: {value!r}")
    return tuple(value)
