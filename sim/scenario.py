"""Scenario files: a preset, a seed and parameter overrides, in TOML.

A scenario file looks like this::

    name = "baseline"                 # optional; default: the file's stem; printable
                                      # text (no control characters: it titles figures)
    description = "LSP baseline"      # optional; no control characters but tab and newline
    preset = "district"               # one of sim.params.PRESETS; default "district"
    seed = 1                          # optional integer >= 0; default 1
    district = "my/district.toml"     # optional: neighbourhoods from a district file
                                      # (`coalition district build`), path relative to this file

    [params]                          # overrides, checked against the registry
    search_intensity = 0.25

    [policy]                          # optional; default: no regeneration money
    regime = "coalition"              # none | lsp | coalition
    budget = 10_000_000               # GBP a year (sets regeneration_budget)
    targeting = 0.7                   # share to deprived neighbourhoods, or a table by lever
    growth_levers = ["business_support", "sites_transport", "skills"]  # what the growth
                                      # weight tilts towards (this is the default)
    pot_mix = "tilted"                # or "as_lsp": the pot split by lever as an LSP's
                                      # remits would split the same mix (like for like)
    [policy.mix]                      # shares of the budget by lever; must sum to 1
    skills = 0.5
    employment_support = 0.5

    [shocks.recession]                # optional shocks, programme months from 1
    start = 24
    months = 18
    size = 0.5

Any other top-level key is an error. Every problem is reported in one
`ScenarioError`: one line per problem, each naming the file, the key and what is
wrong; several problems start with a line "N problems in FILE:". (A TOML syntax
error stops the reading at once: nothing after it can be trusted.)
"""

from __future__ import annotations

import difflib
import tomllib
import unicodedata
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from sim.params import DEFAULT_PRESET, PRESETS, ParameterError, Params
from sim.policy.shocks import Shock, ShockError, parse_shocks
from sim.policy.spec import Policy, PolicyError, parse_policy

DEFAULT_SEED = 1
DEFAULT_SOURCE = "sim/data/default.toml (embedded)"
ALLOWED_KEYS = ("name", "description", "preset", "seed", "params", "policy", "shocks",
                "optimise", "district")
FREE_SETTINGS = ("targeting", "growth_weight", "pooled_share", "reward_grant_share",
                 "one_stop_shop_budget")


class ScenarioError(ValueError):
    """A scenario file is missing, malformed or asks for something not allowed."""


@dataclass(frozen=True)
class Scenario:
    """One validated scenario.

    Attributes:
        name: short name, used for output folder names.
        description: free text.
        preset: the parameter preset the overrides apply to.
        seed: the run's integer seed.
        params: the complete, checked parameter set.
        policy: regime, mix and targeting (sim.policy.spec.Policy).
        shocks: the shocks that hit the district (sim.policy.shocks.Shock).
        source: where the scenario came from (a file path or the embedded default).
        overrides: the raw `[params]` table, kept so the preset can be changed later.
        district: the district file's neighbourhoods (sim.district.District), or None for
            the preset's synthetic district.
    """

    name: str
    description: str
    preset: str
    seed: int
    params: Params
    policy: Policy
    shocks: tuple
    source: str
    overrides: dict = field(default_factory=dict)
    free: tuple[str, ...] = ()  # settings `coalition optimise` may change besides the mix
    district: Any = None  # a sim.district.District from `district = "..."`, or None

    def with_changes(self, preset: str | None = None, seed: int | None = None) -> Scenario:
        """A copy with another preset and/or seed (e.g. from the command line).

        Args:
            preset: new preset name, or None to keep the current one.
            seed: new seed (>= 0), or None to keep the current one.

        Returns:
            A new Scenario; the `[params]` overrides are re-applied to the new preset, with
            budgets in GBP scaled by the ratio of the presets' populations, so that a
            district scenario run on the town preset spends the same per resident.

        Raises:
            ScenarioError: the preset is unknown or the seed is not an integer >= 0.
        """
        preset = self.preset if preset is None else preset
        seed = self.seed if seed is None else seed
        _check_preset(preset, self.source)
        _check_seed(seed, self.source)
        overrides = (scale_budgets(self.overrides, self.preset, preset)
                     if self.district is None else dict(self.overrides))  # a district's size
        params = _build_params(preset, overrides, self.source)
        _check_shock_timing(self.shocks, params, self.source)
        return replace(self, preset=preset, seed=seed, params=params, overrides=overrides)


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario TOML file.

    Args:
        path: the file to read.

    Returns:
        The validated Scenario.

    Raises:
        ScenarioError: the file is missing or unreadable, is not valid TOML, or
            has an unknown key, a wrong type or an out-of-range value.
    """
    from sim.io import read_user_file

    path = Path(path)
    text = read_user_file(path, "scenario file", ScenarioError)
    return parse_scenario(text, source=str(path), default_name=path.stem)


def load_default_scenario() -> Scenario:
    """The embedded default scenario (`sim/data/default.toml`: district preset, seed 1)."""
    text = resources.files("sim").joinpath("data/default.toml").read_text(encoding="utf-8")
    return parse_scenario(text, source=DEFAULT_SOURCE, default_name="default")


def parse_scenario(text: str, source: str, default_name: str = "scenario") -> Scenario:
    """Validate the TOML text of a scenario.

    Args:
        text: the TOML document.
        source: where it came from; starts every error message.
        default_name: the name to use when the document has no `name` key.

    Returns:
        The validated Scenario.

    Raises:
        ScenarioError: see `load_scenario`.
    """
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{source}: TOML syntax error: {exc}") from None
    found = Problems(source)
    for key in doc:
        found.check(_check_key, key, source)
    preset = found.check(_get_preset, doc, source, default=DEFAULT_PRESET)
    seed = found.check(_get_seed, doc, source, default=DEFAULT_SEED)
    overrides = dict(found.check(_get, doc, "params", dict, source, {}, default={}))
    district = found.check(_load_district, found.check(_get, doc, "district", str, source,
                                                       None), source)
    overrides = found.check(with_district_params, district, overrides, source,
                            default=overrides)
    policy_table = found.check(_get, doc, "policy", dict, source, {}, default={})
    policy, budget = found.check(_build_policy, policy_table, source,
                                 default=(None, {}))
    overrides.update(budget)
    params = found.check(_build_params_reporting_all, preset, overrides, source, found)
    shocks = found.check(_build_shocks, found.check(_get, doc, "shocks", dict, source, {},
                                                    default={}), source, default=())
    if params is not None:
        found.check(_check_shock_timing, shocks, params, source)
    name = found.check(_get_text, doc, "name", source, default_name, "", default=default_name)
    description = found.check(_get_text, doc, "description", source, "", "\t\n", default="")
    free = found.check(_free_settings, found.check(_get, doc, "optimise", dict, source, {},
                                                   default={}), source, default=())
    found.raise_any()
    return Scenario(name=name, description=description, preset=preset, seed=seed,
                    params=params, policy=policy, shocks=shocks, source=source,
                    overrides=overrides, free=free, district=district)


class Problems:
    """The problems found in one file, so that all of them are reported at once."""

    def __init__(self, source: str):
        self.source = source
        self.messages: list[str] = []

    def check(self, function, *args, default=None):
        """`function(*args)`; a ScenarioError is noted (every line of it) and `default`
        returned, so checking goes on."""
        try:
            return function(*args)
        except ScenarioError as exc:
            self.messages.extend(str(exc).splitlines())
            return default

    def raise_any(self) -> None:
        """Raise one ScenarioError listing every problem (none: return)."""
        from sim.io import problem_lines

        if self.messages:
            raise ScenarioError("\n".join(problem_lines(self.source, self.messages)))


def _get_preset(doc: dict, source: str) -> str:
    preset = _get(doc, "preset", str, source, DEFAULT_PRESET)
    _check_preset(preset, source)
    return preset


def _get_seed(doc: dict, source: str) -> int:
    seed = _get(doc, "seed", int, source, DEFAULT_SEED)
    _check_seed(seed, source)
    return seed


def _build_params_reporting_all(preset: str, overrides: dict, source: str,
                                found: Problems) -> Params:
    """The parameters; if they are refused, each override is tried alone so that every
    bad one is reported (the registry stops at its first problem)."""
    try:
        return _build_params(preset, overrides, source)
    except ScenarioError as whole:
        alone = Problems(source)
        for key, value in overrides.items():
            alone.check(_build_params, preset, {key: value}, source)
        raise ScenarioError("\n".join(alone.messages or [str(whole)])) from None


# --- District files (sim.district): `district = "path/district.toml"` ----------------------
def _load_district(name: str | None, source: str):
    """The district file a scenario names, relative to the scenario file; None without one."""
    if name is None:
        return None
    from sim.district import DistrictError, load_district

    path = Path(name) if Path(name).is_absolute() else Path(source).parent / name
    try:
        return load_district(path)
    except DistrictError as exc:
        raise ScenarioError(f"{source}: key 'district': {exc}") from None


def with_district_params(district, overrides: dict, source: str) -> dict:
    """The district's parameters under the scenario's `[params]`; a scenario may change the
    budgets but not what the tables set (the number of neighbourhoods, populations...)."""
    if district is None:
        return overrides
    fixed = sorted((set(district.params) - set(MONEY_PARAMS)) & set(overrides))
    if fixed:
        raise ScenarioError(f"{source}: [params] {fixed[0]} is set by the district file "
                            f"{district.source}; edit the tables instead")
    return {**district.params, **overrides}


_TYPE_NAMES = {str: "a string", int: "an integer", dict: "a table"}


def _get(doc: dict, key: str, kind: type, source: str, default: Any) -> Any:
    """The value of a top-level key, checked to be of `kind` (bool is not an int)."""
    if key not in doc:
        return default
    value = doc[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ScenarioError(
            f"{source}: key '{key}' must be {_TYPE_NAMES[kind]}, "
            f"got {value!r} ({type(value).__name__})"
        )
    return value


def _get_text(doc: dict, key: str, source: str, default: str, allowed_controls: str) -> str:
    """A text key; control characters (NUL, escape sequences, line breaks in a name) are
    refused: the text becomes figure titles, report headings and terminal output."""
    text = _get(doc, key, str, source, default)
    bad = sorted({c for c in text if unicodedata.category(c) == "Cc"} - set(allowed_controls))
    if bad:
        codes = ", ".join(f"U+{ord(c):04X}" for c in bad)
        raise ScenarioError(f"{source}: key '{key}' must be printable text; it contains the "
                            f"control character(s) {codes} ({text!r})")
    return text


def _check_key(key: str, source: str) -> None:
    """Reject a top-level key outside ALLOWED_KEYS, suggesting close matches."""
    if key in ALLOWED_KEYS:
        return
    close = difflib.get_close_matches(key, ALLOWED_KEYS, n=2, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    allowed = ", ".join(ALLOWED_KEYS)
    raise ScenarioError(f"{source}: unknown key '{key}'{hint} (allowed: {allowed})")


def _check_preset(preset: str, source: str) -> None:
    if preset in PRESETS:
        return
    close = difflib.get_close_matches(preset, list(PRESETS), n=2, cutoff=0.6)
    hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
    raise ScenarioError(
        f"{source}: key 'preset': unknown preset {preset!r}; {hint}"
        f"(allowed: {', '.join(PRESETS)})"
    )


def _check_seed(seed: int, source: str) -> None:
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ScenarioError(f"{source}: key 'seed' must be an integer >= 0, got {seed!r}")


MONEY_PARAMS = ("regeneration_budget", "one_stop_shop_budget")


def scale_budgets(overrides: dict, old: str, new: str) -> dict:
    """Budgets given in GBP, scaled from one preset's population to another's (how
    `--preset` moves a scenario, and how the dashboard sets its default budget)."""
    if old == new:
        return dict(overrides)
    ratio = (Params.from_preset(new).n_residents_all_ages
             / Params.from_preset(old).n_residents_all_ages)
    return {k: v * ratio if k in MONEY_PARAMS else v for k, v in overrides.items()}


def _free_settings(table: dict, source: str) -> tuple[str, ...]:
    """The [optimise] table: `free = [...]`, settings the optimiser may change."""
    unknown = set(table) - {"free"}
    if unknown:
        raise ScenarioError(f"{source}: [optimise]: unknown key {sorted(unknown)[0]!r} "
                            "(allowed: free)")
    free = table.get("free", [])
    if not isinstance(free, list) or not all(isinstance(x, str) for x in free):
        raise ScenarioError(f"{source}: [optimise] free must be a list of names, got {free!r}")
    for name in free:
        if name not in FREE_SETTINGS:
            close = difflib.get_close_matches(name, FREE_SETTINGS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ScenarioError(f"{source}: [optimise] free: {name!r} cannot be optimised"
                                f"{hint} (allowed: {', '.join(FREE_SETTINGS)})")
    return tuple(free)


def _build_policy(table: dict, source: str) -> tuple[Policy, dict]:
    try:
        return parse_policy(table)
    except PolicyError as exc:
        raise ScenarioError(f"{source}: [policy]: {exc}") from None


def _build_shocks(table: dict, source: str) -> tuple[Shock, ...]:
    try:
        return parse_shocks(table)
    except ShockError as exc:
        raise ScenarioError(f"{source}: [shocks]: {exc}") from None


def _check_shock_timing(shocks: tuple[Shock, ...], params: Params, source: str) -> None:
    """A shock must start within the programme; one that starts later would never happen."""
    for shock in shocks:
        if shock.start > params.programme_months:
            raise ScenarioError(
                f"{source}: [shocks]: shocks.{shock.kind}.start = {shock.start} is after the "
                f"run ends (allowed: 1 to programme_months = {params.programme_months})")


def _build_params(preset: str, overrides: dict, source: str) -> Params:
    """Apply `[params]` overrides to a preset, turning registry errors into ScenarioErrors."""
    try:
        return Params.from_preset(preset, overrides, where=f"{source}: [params]")
    except ParameterError as exc:
        raise ScenarioError(str(exc)) from None
