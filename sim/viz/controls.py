"""The dashboard's controls, generated from the parameter registry and the policy spec.

Every control is a keyword of `DashboardModel`. Behavioural sliders take their
bounds, default, unit, description and source from `sim.params.REGISTRY`; the
policy controls take the regimes from `sim.policy.spec` and the levers (labels, cost
parameters, groups, default mix) from the lever registry, read when the controls are
built, so a registered plug-in lever gets its slider;
the shock controls take their kinds from `sim.policy.shocks`. Nothing here
repeats a default by hand, except the dashboard's own choices (the town preset,
the two regimes compared and the shocks' suggested settings). The burn-in is the
registry's, and a blank budget is the district's budget scaled by population
(`default_budget`), as `coalition compare --preset town` scales a district
scenario: the dashboard and the report show the same numbers.

`model_params()` gives them in the format of Mesa's `SolaraViz(model_params=...)`
(keys `type`, `value`, `label`, `min`, `max`, `step`, `values`) plus `tooltip`,
`group` and `shown_if`, which `sim.viz.inputs` uses. `settings_from(controls)`
turns a flat dict of control values into the scenario pair the model runs.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
from dataclasses import dataclass, field
from typing import Any

from sim.params import PRESETS, REGISTRY, Param, ParameterError, Params, lookup
from sim.policy import shocks as shock_spec
from sim.policy.levers import registry
from sim.policy.regimes import REGIMES
from sim.policy.regimes import lookup as regime
from sim.policy.shocks import Shock, parse_shocks
from sim.policy.spec import DEFAULT_TARGETING, Policy

PRESET = "town"  # opens at once: one month of the town takes a few milliseconds
BURN_IN_MONTHS = REGISTRY["burn_in_months"].default  # as every scenario and the report
BUDGET_REFERENCE = "district"  # scenario budgets are written for it (experiments/*.toml)
REGIME_A, REGIME_B = "coalition", "lsp"  # the comparison the project is about
BEHAVIOUR = ("search_intensity", "employer_stigma", "conditional_share", "initial_trust",
             "transaction_cost", "growth_weight", "pooled_share")

RUN = "District and run"
POLICY_A = "Scenario A: regime and money"
MIX = "Scenario A: lever mix"
POLICY_B = "Scenario B: side by side, same seed"
SHOCKS = "Shocks (both scenarios)"
BEHAVIOUR_GROUP = "Behaviour (both scenarios)"
GROUPS = (RUN, POLICY_A, MIX, POLICY_B, SHOCKS, BEHAVIOUR_GROUP)

SAME_MIX = "same as A"
FOCUS_GROUPS = {"people first": "people", "growth first": "growth", "places first": "place"}
EQUAL = "equal shares"
# Suggested settings when a shock is switched on: (start, months, size).
SHOCK_SUGGESTED = {"recession": (24, 18, 0.5), "plant_closure": (12, 0, 0.0),
                   "tradable_demand": (12, 0, -0.2), "pot_ends": (36, 0, 0.0)}
SHOCK_SIZE_LOW = {"tradable_demand": -0.9}  # as sim.policy.shocks checks; others from 0
SHOCK_MONTHS_MAX = 60
PLAIN_UNITS = ("share", "0-1")  # units a label need not repeat


@dataclass(frozen=True)
class Control:
    """One input of the dashboard, and the keyword of DashboardModel it sets."""

    name: str
    type: str  # Mesa's input types: SliderInt, SliderFloat, Select, Checkbox, InputText
    value: Any
    label: str
    tooltip: str
    group: str
    min: float | None = None
    max: float | None = None
    step: float | None = None
    values: tuple = ()
    shown_if: str | None = None  # name of a checkbox that must be ticked to show this
    fmt: str = "{:g}"

    def mesa(self) -> dict:
        spec = {"type": self.type, "value": self.value, "label": self.label,
                "tooltip": self.tooltip, "group": self.group, "shown_if": self.shown_if,
                "fmt": self.fmt}
        if self.type.startswith("Slider"):
            spec.update(min=self.min, max=self.max, step=self.step)
        if self.type == "Select":
            spec["values"] = list(self.values)
        return spec


def humanise(name: str) -> str:
    return name.replace("_", " ").capitalize()


def nice_step(low: float, high: float, integer: bool) -> float | int:
    """About a hundredth of the range, rounded to 1, 2 or 5 times a power of ten."""
    raw = (high - low) / 100
    if integer and high - low <= 1000:
        return 1
    if raw <= 0:
        return 1 if integer else 0.01
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw * 0.999)
    return max(1, int(round(step))) if integer else float(f"{step:.1g}")


def _span(p: Param) -> str:
    return f"{p.low:g} to {p.high:g} {p.unit}"


def param_control(name: str, group: str, value=None, label: str | None = None,
                  note: str = "") -> Control:
    """A slider (or checkbox) for a registry parameter: bounds, unit, text from the registry."""
    p = lookup(name)
    default = Params.from_preset(PRESET).to_dict()[name]
    tooltip = (f"{p.description[0].upper()}{p.description[1:]}. Range {_span(p)}; "
               f"default {default:g}. Source: {p.source}.{(' ' + note) if note else ''}")
    text = label or (humanise(name) if p.unit in PLAIN_UNITS else f"{humanise(name)} ({p.unit})")
    if p.kind is bool:
        return Control(name, "Checkbox", default if value is None else value, text, tooltip, group)
    integer = p.kind is int
    step = nice_step(p.low, p.high, integer)
    return Control(name, "SliderInt" if integer else "SliderFloat",
                   default if value is None else value, text, tooltip, group,
                   min=p.low, max=p.high, step=step, fmt="{:d}" if integer else "{:g}")


def focus(choice: str) -> tuple[str, ...]:
    """The levers a scenario-B focus ("people first", ...) puts all the money on."""
    return registry.group(FOCUS_GROUPS[choice])


def focus_mix(levers) -> dict:
    """All the money on `levers`, split among them as the default mix splits it."""
    default = registry.default_mix()
    weights = {lever: (share if lever in levers else 0.0) for lever, share in default.items()}
    total = sum(weights.values())
    return {lever: w / total for lever, w in weights.items()}


def share_control(lever) -> Control:
    """A lever's share slider: its label, default share and what a unit of it costs."""
    cost = "" if lever.cost_param is None else (
        f" ({lookup(lever.cost_param).description}: {lookup(lever.cost_param).default:g} "
        f"{lookup(lever.cost_param).unit})")
    return Control(f"share_{lever.name}", "SliderFloat", lever.default_share, lever.label,
                   f"Share of scenario A's money for {lever.label.lower()}{cost}. Shares are "
                   "renormalised to sum to 1.", MIX, min=0.0, max=1.0, step=0.01)


def _shock_help() -> dict:
    """One line per shock kind, from the `* kind: text` list in sim.policy.shocks."""
    found = dict(re.findall(r"^\* (\w+): (.+?)(?=^\*|\Z)", shock_spec.__doc__ or "",
                            re.MULTILINE | re.DOTALL))
    lines = {kind: " ".join(found.get(kind, kind).split()).rstrip(";.") for kind in
             shock_spec.KINDS}
    return {kind: line[0].upper() + line[1:] for kind, line in lines.items()}


def _preset_help() -> str:
    sizes = []
    for name in PRESETS:
        p = Params.from_preset(name)
        sizes.append(f"{name}: {p.n_neighbourhoods} neighbourhoods, about "
                     f"{p.n_residents_all_ages:,} residents, GBP {p.regeneration_budget / 1e6:g}m "
                     "a year")
    return "District size (preset). " + "; ".join(sizes) + "."


def build_controls() -> dict[str, Control]:
    programme = REGISTRY["programme_months"].default
    budget = REGISTRY["regeneration_budget"]
    c: list[Control] = [
        Control("preset", "Select", PRESET, "District size (preset)", _preset_help(), RUN,
                values=tuple(PRESETS)),
        Control("seed", "SliderInt", 1, "Random seed (both scenarios)", "Both scenarios use "
                "this seed, so they face the same people, firms and luck (common random "
                "numbers): differences between them come from policy.", RUN,
                min=0, max=99, step=1, fmt="{:d}"),
        param_control("burn_in_months", RUN, value=BURN_IN_MONTHS,
                      label="Burn-in before the programme (months)",
                      note=f"The dashboard uses {BURN_IN_MONTHS} and simulates the burn-in "
                      "when it builds the model, so the programme starts at the next step."),
        Control("regime", "Select", REGIME_A, "Regime, scenario A",
                "; ".join(f"{r}: {regime(r).description}" for r in REGIMES) + ".", POLICY_A,
                values=REGIMES),
        Control("budget", "InputText", "", "Regeneration budget, GBP a year",
                f"{budget.description[0].upper()}{budget.description[1:]}. Leave blank for the "
                f"{BUDGET_REFERENCE}'s budget scaled to the preset's population (as "
                "`coalition compare --preset` scales a scenario's); write e.g. 2500000, 2.5m "
                f"or 750k. Range {_span(budget)}. "
                f"Source: {budget.source}.", POLICY_A),
        Control("targeting", "SliderFloat", DEFAULT_TARGETING, "Targeting (share aimed at "
                "deprived neighbourhoods)", "Share of each lever's money aimed at deprived "
                "neighbourhoods (0 to 1), for every lever; scenario B uses the same.",
                POLICY_A, min=0.0, max=1.0, step=0.05),
    ]
    c += [share_control(lever) for lever in registry.levers()]
    c += [
        Control("compare_regime", "Select", REGIME_B, "Regime, scenario B",
                "Scenario B runs beside A with the same seed, district, shocks and behaviour; "
                + "; ".join(f"{r}: {regime(r).description}" for r in REGIMES) + ".", POLICY_B,
                values=REGIMES),
        Control("compare_mix", "Select", SAME_MIX, "Lever mix, scenario B",
                f"{SAME_MIX}: A's mix; " + "; ".join(
                    f"{k}: all the money on " + ", ".join(
                        registry.get(v).label.lower() for v in focus(k))
                    for k in FOCUS_GROUPS)
                + f" (split as the default mix splits them); {EQUAL}: every lever the same.",
                POLICY_B, values=(SAME_MIX, *FOCUS_GROUPS, EQUAL)),
    ]
    helps = _shock_help()
    for kind, fields in shock_spec.KINDS.items():
        start, months, size = SHOCK_SUGGESTED[kind]
        c.append(Control(kind, "Checkbox", False, humanise(kind), f"{helps[kind]}.", SHOCKS))
        c.append(Control(f"{kind}_start", "SliderInt", start, "starts in programme month",
                         "Programme month in which the shock starts (1 = the first).", SHOCKS,
                         min=1, max=programme, step=1, shown_if=kind, fmt="{:d}"))
        if "months" in fields:
            c.append(Control(f"{kind}_months", "SliderInt", months, "lasts (months)",
                             "How long the shock lasts.", SHOCKS, min=1, max=SHOCK_MONTHS_MAX,
                             step=1, shown_if=kind, fmt="{:d}"))
        if "size" in fields:
            low = SHOCK_SIZE_LOW.get(kind, 0.0)
            c.append(Control(f"{kind}_size", "SliderFloat", size, "size", "Size of the shock"
                             + (" (negative: demand falls)" if low < 0 else " (0 to 1)") + ".",
                             SHOCKS, min=low, max=1.0, step=0.05, shown_if=kind))
    c += [param_control(name, BEHAVIOUR_GROUP) for name in BEHAVIOUR]
    return {control.name: control for control in c}


_BUILT: dict[tuple, dict[str, Control]] = {}


def all_controls() -> dict[str, Control]:
    """The dashboard's controls for the levers registered now (built once per lever set)."""
    key = registry.levers()
    if key not in _BUILT:
        _BUILT.clear()
        _BUILT[key] = build_controls()
    return _BUILT[key]


def model_params() -> dict[str, dict]:
    """The controls in the format of Mesa's `SolaraViz(model_params=...)`."""
    return {name: control.mesa() for name, control in all_controls().items()}


def defaults() -> dict[str, Any]:
    return {name: control.value for name, control in all_controls().items()}


@functools.cache  # drawn on every render of the sidebar: keep it instant
def default_budget(preset: str) -> float:
    """GBP a year when the budget is left blank: the district preset's budget, scaled to
    `preset` by population exactly as a scenario's budget is (`sim.scenario.scale_budgets`)."""
    from sim.scenario import scale_budgets

    budget = Params.from_preset(BUDGET_REFERENCE).regeneration_budget
    return scale_budgets({"regeneration_budget": budget}, BUDGET_REFERENCE,
                         preset)["regeneration_budget"]


def budget_note(preset: str, text) -> str:
    """The budget the controls ask for, as a number: what a blank means, or the amount."""
    try:
        typed = parse_money(text)
    except ParameterError:
        typed = None
    if typed is not None:
        return f"GBP {typed / 1e6:,.2f}m a year"
    reference = default_budget(BUDGET_REFERENCE)
    return (f"GBP {default_budget(preset) / 1e6:,.2f}m a year (blank: the {BUDGET_REFERENCE}'s "
            f"GBP {reference / 1e6:g}m scaled to the {preset}'s population)")


def parse_money(text) -> float | None:
    """GBP from '2500000', '2,500,000', 'GBP 2.5m', '£750k' or '1.2bn'; None if blank."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    if isinstance(text, int | float) and not isinstance(text, bool):
        return float(text)
    s = str(text).strip().lower().replace(",", "").replace("£", "").replace("gbp", "").strip()
    match = re.fullmatch(r"([0-9]*\.?[0-9]+)\s*(k|m|bn|b)?", s)
    if not match:
        raise ParameterError(f"budget: {text!r} is not an amount (write e.g. 2500000, 2.5m "
                             "or 750k)")
    scale = {None: 1, "k": 1e3, "m": 1e6, "b": 1e9, "bn": 1e9}[match.group(2)]
    return float(match.group(1)) * scale


@dataclass(frozen=True)
class Settings:
    """What the controls ask for: the shared district and the two policies."""

    preset: str
    seed: int
    params: Params
    policy_a: Policy
    policy_b: Policy
    shocks: tuple[Shock, ...]
    label_a: str
    label_b: str
    notes: tuple[str, ...] = field(default_factory=tuple)


def _normalised_mix(controls: dict, notes: list) -> dict:
    levers = registry.names()
    shares = {lever: float(controls[f"share_{lever}"]) for lever in levers}
    total = sum(shares.values())
    if total <= 0:
        notes.append("All lever shares were 0: scenario A splits its money equally.")
        return dict.fromkeys(levers, 1 / len(levers))
    if abs(total - 1) > 1e-9:
        notes.append(f"Lever shares summed to {total:.2f}; each was divided by {total:.2f}.")
    return {lever: share / total for lever, share in shares.items()}


def settings_from(controls: dict) -> Settings:
    """Check a flat dict of control values (defaults fill gaps) and build the scenario pair.

    Raises:
        ParameterError: an unknown control or a value the registry does not allow.
        ShockError: a shock the shock table does not allow.
    """
    known = all_controls()
    for name in controls:
        if name not in known:
            close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise ParameterError(f"dashboard: unknown control {name!r}{hint}")
    values = {**defaults(), **controls}
    for name in ("preset", "regime", "compare_regime", "compare_mix"):
        if values[name] not in known[name].values:
            raise ParameterError(f"dashboard: {name} must be one of "
                                 f"{', '.join(known[name].values)}, got {values[name]!r}")
    notes: list[str] = []
    overrides = {name: values[name] for name in BEHAVIOUR}
    overrides["burn_in_months"] = int(values["burn_in_months"])
    budget = parse_money(values["budget"])
    overrides["regeneration_budget"] = (default_budget(values["preset"]) if budget is None
                                        else budget)
    params = Params.from_preset(values["preset"], overrides, where="dashboard")
    targeting = float(values["targeting"])
    if not 0 <= targeting <= 1:
        raise ParameterError(f"dashboard: targeting must be between 0 and 1, got {targeting}")
    mix_a = _normalised_mix(values, notes)
    choice = values["compare_mix"]
    levers = registry.names()
    mix_b = (mix_a if choice == SAME_MIX else dict.fromkeys(levers, 1 / len(levers))
             if choice == EQUAL else focus_mix(focus(choice)))
    aim = dict.fromkeys(levers, targeting)
    policy_a = Policy(values["regime"], mix_a, aim)
    policy_b = Policy(values["compare_regime"], mix_b, dict(aim))
    table = {}
    for kind, fields in shock_spec.KINDS.items():
        if values[kind]:
            table[kind] = {"start": int(values[f"{kind}_start"])}
            if "months" in fields:
                table[kind]["months"] = int(values[f"{kind}_months"])
            if "size" in fields:
                table[kind]["size"] = float(values[f"{kind}_size"])
    shocks = parse_shocks(table)
    label_a = f"A · {values['regime']}"
    label_b = f"B · {values['compare_regime']}" + ("" if choice == SAME_MIX else f", {choice}")
    return Settings(values["preset"], int(values["seed"]), params, policy_a, policy_b, shocks,
                    label_a, label_b, tuple(notes))
