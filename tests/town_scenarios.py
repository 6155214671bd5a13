"""Short town scenarios for tests: the text of a scenario file, or the parsed Scenario."""

from __future__ import annotations

from sim.scenario import Scenario, parse_scenario


def scenario_text(name: str = "quick", regime: str = "coalition", seed: int = 1,
                  burn_in: int = 6, programme: int = 24, extra: str = "") -> str:
    """A town scenario file with a short burn-in and programme; `extra` is appended."""
    return (f'name = "{name}"\npreset = "town"\nseed = {seed}\n[params]\n'
            f"burn_in_months = {burn_in}\nprogramme_months = {programme}\n"
            f'[policy]\nregime = "{regime}"\n{extra}')


def town_scenario(**settings) -> Scenario:
    """The parsed `scenario_text(**settings)`."""
    return parse_scenario(scenario_text(**settings), f"{settings.get('name', 'quick')}.toml")
