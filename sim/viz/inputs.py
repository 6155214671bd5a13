"""The sidebar inputs of the dashboard: Mesa's model-parameter inputs, with tooltips and groups.

Mesa's `SolaraViz` draws `model_params` with `mesa.visualization.solara_viz.UserInputs`,
a flat list of sliders, selects and checkboxes with a label each. The dashboard's
controls (`sim.viz.controls`) carry more: a tooltip (the registry's description,
range, unit and source), a group and `shown_if` (a shock's settings appear when it
is switched on). `RegistryInputs` draws those, with the current value beside each
slider, and hands every change to Mesa exactly as `UserInputs` does, so Mesa's
Reset builds the model from them. It draws a parameter set without groups with
Mesa's own `UserInputs`, so other `SolaraViz` pages in the process are unchanged.

`install()` puts it in place of Mesa's `UserInputs` (a module global that
`ModelCreator` looks up when it renders; checked against Mesa 3.5, `mesa<4`).
"""

from __future__ import annotations

import mesa.visualization.solara_viz as solara_viz
import solara

from sim.params import ParameterError, lookup
from sim.viz.controls import GROUPS, MIX, POLICY_A, POLICY_B, RUN, budget_note, parse_money

MESA_USER_INPUTS = solara_viz.UserInputs
OPEN_GROUPS = (RUN, POLICY_A, MIX, POLICY_B)
INTRO = ("Changes take effect when you press <b>RESET</b>: both scenarios are rebuilt with "
         "the same seed and the burn-in is simulated at once, so the next <b>STEP</b> is "
         "programme month 1. Hover over a control for what it means, its range and source.")


def install() -> None:
    """Draw SolaraViz model parameters with `RegistryInputs` (idempotent)."""
    solara_viz.UserInputs = RegistryInputs


def budget_error(text: str) -> str | None:
    """Why `text` is not an allowed budget, or None if it is (blank = the preset's)."""
    try:
        value = parse_money(text)
        if value is not None:
            lookup("regeneration_budget").check(value)
    except ParameterError as exc:
        return str(exc)
    return None


def _fmt(options: dict, value) -> str:
    try:
        return options.get("fmt", "{:g}").format(value)
    except (TypeError, ValueError):
        return str(value)


@solara.component
def _Input(name: str, options: dict, value, on_change, note: str = ""):
    kind = options["type"]
    label = options.get("label", name)
    text, set_text = solara.use_state(value if kind == "InputText" else "")
    with solara.Tooltip(options.get("tooltip") or label):
        with solara.Column(gap="0px", classes=["coalition-input", f"input-{name}"]):
            if kind in ("SliderFloat", "SliderInt"):
                with solara.Row(justify="space-between", style={"margin-bottom": "-10px"}):
                    solara.Text(label, style={"font-size": "13px", "color": "#333"})
                    solara.Text(_fmt(options, value), style={"font-size": "13px",
                                                            "font-weight": "600"})
                widget = solara.SliderFloat if kind == "SliderFloat" else solara.SliderInt
                widget("", value=value, min=options["min"], max=options["max"],
                       step=options["step"], on_value=on_change, thumb_label=False)
            elif kind == "Select":
                solara.Select(label, values=options["values"], value=value, on_value=on_change,
                              dense=True)
            elif kind == "Checkbox":
                solara.Checkbox(label=label, value=value, on_value=on_change)
            elif kind == "InputText":
                error = budget_error(text)

                def typed(new: str):
                    set_text(new)
                    if budget_error(new) is None:
                        on_change(new)

                solara.InputText(label, value=text, on_value=typed, continuous_update=False,
                                 error=error or False)
                solara.Text(note, style={"font-size": "12px", "color": "#555"},
                            classes=["budget-now"])
            else:
                raise ValueError(f"{kind} is not a supported input type")


@solara.component
def RegistryInputs(user_params: dict, on_change=None):
    """Mesa's `UserInputs` contract: draw `user_params`, call `on_change(name, value)`."""
    current = solara.use_reactive({name: (o.get("value") if isinstance(o, dict) else None)
                                   for name, o in user_params.items()})
    if not any(isinstance(o, dict) and "group" in o for o in user_params.values()):
        return MESA_USER_INPUTS(user_params, on_change=on_change)

    def change(name, value):
        current.value = {**current.value, name: value}
        if on_change is not None:
            on_change(name, value)

    with solara.Column(gap="4px"):
        solara.HTML(tag="div", unsafe_innerHTML=INTRO,
                    style={"font-size": "12.5px", "color": "#333", "margin-bottom": "6px"})
        groups = [g for g in GROUPS if any(o.get("group") == g for o in user_params.values())]
        for group in groups:
            with solara.Details(summary=group, expand=group in OPEN_GROUPS):
                with solara.Column(gap="2px"):
                    for name, options in user_params.items():
                        if options.get("group") != group:
                            continue
                        gate = options.get("shown_if")
                        if gate and not current.value.get(gate):
                            continue
                        note = (budget_note(current.value.get("preset"), current.value.get(name))
                                if options["type"] == "InputText" else "")
                        _Input(name, options, current.value.get(name),
                               lambda value, name=name: change(name, value), note)
                    if group == MIX:
                        total = sum(float(v) for k, v in current.value.items()
                                    if k.startswith("share_"))
                        note = ("Shares are renormalised to sum to 1"
                                + (f": they sum to {total:.2f} now, so each is divided by "
                                   f"{total:.2f}." if abs(total - 1) > 0.005 else
                                   " (they sum to 1.00 now)."))
                        solara.Text(note, style={"font-size": "12px", "color": "#555"},
                                    classes=["mix-note"])
