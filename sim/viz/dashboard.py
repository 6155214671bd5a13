"""The interactive dashboard: a Mesa `SolaraViz` page with two scenarios side by side.

    coalition dashboard                     # once the CLI is wired (sim.viz.launch)
    solara run sim.viz.dashboard:page       # the same page, straight from Solara

The sidebar holds Mesa's Reset / Play / Step buttons and the controls generated
from the parameter registry and the policy spec (`sim.viz.controls`, drawn by
`sim.viz.inputs`). The page shows, for scenario A (solid lines) against scenario B
(dashed; same seed, district, shocks and behaviour), a headline table, a map of
neighbourhoods, employment, re-engagement, the partnership, investment, crime,
well-being and spending by lever, all redrawn as the two models step in lockstep.

`page` is the element `solara run` serves; each browser session gets its own
`DashboardModel` (the town preset with the registry's burn-in by default).
"""

from __future__ import annotations

import html
import math
import warnings

import numpy as np
import solara
import solara.lab
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter
from solara.util import IPYVUETIFY_V3
from solara.widgets import VegaLite

from sim.policy.levers import registry
from sim.viz import charts, inputs
from sim.viz.controls import model_params
from sim.viz.launch import add_parser, handle, main  # noqa: F401  (the CLI's entry points)
from sim.viz.paired import (
    INDICATORS,
    DashboardModel,
    headline_rows,
    map_frame,
    monthly_frame,
    spend_frame,
)

__all__ = ["DashboardModel", "Page", "add_parser", "handle", "main", "page"]

TITLE = "Coalition-sim: regeneration dashboard"
PLAY_INTERVAL_MS = 150
inputs.install()
if IPYVUETIFY_V3:
    warnings.warn("the dashboard's panels stay blank with ipyvuetify 3: Mesa's SolaraViz lays "
                  "them out with Solara's GridDraggable, which does not render under Vue 3; "
                  "install ipyvuetify<3", RuntimeWarning, stacklevel=1)

STYLE = """
.v-tabs { display: none !important; }  /* Mesa's "Page 0" tab: the dashboard has one page */
.coalition-tile { padding: 8px 8px 4px 8px; height: 100%; overflow: hidden; }
.coalition-tile h3 { font-size: 15px; font-weight: 600; margin: 0 0 2px 0; }
.headline table { border-collapse: collapse; width: 100%; font-size: 12px; line-height: 1.25; }
.headline th { text-align: right; font-weight: 600; padding: 2px 6px;
               border-bottom: 2px solid #1d3557; white-space: nowrap; }
.headline th:first-child, .headline td:first-child { text-align: left; }
.headline td { text-align: right; padding: 1px 6px; border-bottom: 1px solid #eee;
               font-variant-numeric: tabular-nums; }
.headline td .unit { color: #777; font-size: 11px; }
.headline td.better { color: #1a7f37; font-weight: 600; }
.headline td.worse { color: #b42318; font-weight: 600; }
.headline .when { font-size: 13px; color: #333; margin-bottom: 4px; }
.headline .key { font-size: 11px; color: #666; margin-top: 4px; }
.coalition-notes { font-size: 12.5px; line-height: 1.45; }
.coalition-notes p { margin-bottom: 5px; }
"""


def _vega(spec: dict):
    return VegaLite.element(spec=spec, listen_to_click=False, listen_to_hover=False)


def _tile(key: str):
    return solara.Column(gap="0px", classes=["coalition-tile", f"panel-{key}"])


def _scenarios(model: DashboardModel) -> tuple[str, str]:
    return tuple(model.scenarios)


def _phase(model: DashboardModel) -> str:
    burn_in, month = model.p.burn_in_months, model.month
    if month == burn_in:
        return f"Month {month}: burn-in done; the next step is programme month 1"
    if month < burn_in:
        return f"Month {month}: burn-in month {month} of {burn_in}"
    return (f"Month {month}: programme month {month - burn_in} of "
            f"{model.p.programme_months}")


# --- Panels ------------------------------------------------------------------------------
# Each panel is a Solara component that reads Mesa's update counter, so it redraws after
# every step. (Mesa would wrap plain functions in a new component type at each render of
# its page, which remounts every chart on Reset.)
DECIMALS = {"0-1": 2, "GBP m": 2, "0-10": 2}


def _number(value: float, unit: str, signed: bool = False) -> str:
    if not math.isfinite(value):
        return "–"
    text = f"{value:{'+' if signed else ''},.{DECIMALS.get(unit, 1)}f}"
    return text.replace("-", "−")


def _headline(model: DashboardModel):
    """The headline table: each indicator for A and B now, and A minus B."""
    a, b = _scenarios(model)
    rows = []
    for r in headline_rows(model):
        mark = "" if r["a_better"] is None else ("better" if r["a_better"] else "worse")
        rows.append(
            f"<tr><td>{html.escape(r['label'])} <span class='unit'>{html.escape(r['unit'])}"
            f"</span></td><td>{_number(r['a'], r['unit'])}</td><td>{_number(r['b'], r['unit'])}"
            f"</td><td class='{mark}'>{_number(r['diff'], r['unit'], signed=True)}</td></tr>")
    body = (f"<div class='headline' data-month='{model.month}'>"
            f"<div class='when'><b>{html.escape(_phase(model))}</b></div>"
            f"<table><tr><th></th><th>{html.escape(a)}</th><th>{html.escape(b)}</th>"
            f"<th>A − B</th></tr>{''.join(rows)}</table>"
            "<div class='key'>Green: A does better than B on that indicator; red: worse. "
            "Totals count from the start of the programme.</div></div>")
    with _tile("headline") as tile:
        solara.HTML(tag="h3", unsafe_innerHTML="Headline: scenario A against B")
        solara.HTML(unsafe_innerHTML=body)
    return tile


@solara.component
def NeighbourhoodMap(model: DashboardModel):
    """Neighbourhoods of A and B at their positions, coloured by a chosen indicator."""
    update_counter.get()
    indicator = solara.use_reactive(next(iter(INDICATORS)))
    unit, _, higher_better = INDICATORS[indicator.value]
    frame = map_frame(model, indicator.value)
    with _tile("map") as tile:
        with solara.Row(justify="space-between", style={"align-items": "center"}):
            solara.HTML(tag="h3", unsafe_innerHTML="Neighbourhoods")
            solara.Select("Colour by", values=list(INDICATORS), value=indicator, dense=True,
                          style={"max-width": "220px"})
        solara.Text("Circles sit where the neighbourhoods are (km); black rings mark the "
                    "deprived ones; size shows working-age residents.",
                    style={"font-size": "12px", "color": "#555"})
        _vega(charts.neighbourhood_map(frame, indicator=indicator.value, unit=unit,
                                       higher_better=higher_better,
                                       scenarios=_scenarios(model), size=200))
    return tile


# key: (columns {column: (label, colour)}, chart options)
LINE_PANELS = {
    "employment": ({"employment_rate_deprived": ("deprived neighbourhoods", charts.DEPRIVED),
                    "employment_rate_rest": ("other neighbourhoods", charts.REST)},
                   dict(title="Employment rate", subtitle="working-age residents in work; "
                        "A solid, B dashed", y_title="% in work", scale=100, y_format=".1f")),
    # "N months in work", the outcome registry's and the report's wording (not "within").
    "reengagement": ({"reengaged_3m_share": ("3 months in work", "#9ecae1"),
                      "reengaged_6m_share": ("6 months in work", "#4292c6"),
                      "reengaged_12m_share": ("12 months in work", "#08306b")},
                     dict(title="Re-engagement", subtitle="deprived-area residents out of work "
                          "at the start, in work 3, 6 or 12 months running",
                          y_title="% of the cohort", scale=100, y_format=".1f", zero=True)),
    "partnership": ({"partner_engagement_mean": ("engagement", "#6a3d9a"),
                     "partner_trust_mean": ("trust", "#e6ab02"),
                     "business_engagement_share": ("firms engaged", "#1b9e77")},
                    dict(title="Partnership", subtitle="public bodies' mean engagement and trust "
                         "(0-1); share of firms engaged with the partnership", y_title="0-1",
                         y_format=".2f", zero=True)),
    "investment": ({"private_investment_cum": ("private investment", "#1b9e77"),
                    "public_gap_funding_cum": ("public gap funding", "#d95f02")},
                   dict(title="Investment", subtitle="running totals since the programme "
                        "started", y_title="GBP million", scale=1e-6, y_format=",.2f",
                        zero=True)),
    "crime": ({"crime_deprived": ("deprived neighbourhoods", charts.DEPRIVED),
               "crime_rest": ("other neighbourhoods", charts.REST)},
              dict(title="Recorded crime", subtitle="mean over neighbourhoods; A solid, B dashed",
                   y_title="crimes per 1,000 residents a year", y_format=".0f")),
    "wellbeing": ({"wellbeing_deprived": ("deprived neighbourhoods", charts.DEPRIVED),
                   "wellbeing_rest": ("other neighbourhoods", charts.REST)},
                  dict(title="Well-being", subtitle="mean life satisfaction of working-age "
                       "residents (0-10)", y_title="life satisfaction", y_format=".2f")),
}


@solara.component
def LinePanel(model: DashboardModel, key: str):
    update_counter.get()
    columns, options = LINE_PANELS[key]
    spec = charts.lines(monthly_frame(model), columns, burn_in=model.p.burn_in_months,
                        scenarios=_scenarios(model), **options)
    with _tile(key) as tile:
        _vega(spec)
    return tile


@solara.component
def Employment(model: DashboardModel):
    return LinePanel(model, "employment")


@solara.component
def Reengagement(model: DashboardModel):
    return LinePanel(model, "reengagement")


@solara.component
def Partnership(model: DashboardModel):
    return LinePanel(model, "partnership")


@solara.component
def Investment(model: DashboardModel):
    return LinePanel(model, "investment")


@solara.component
def Crime(model: DashboardModel):
    return LinePanel(model, "crime")


@solara.component
def Wellbeing(model: DashboardModel):
    return LinePanel(model, "wellbeing")


@solara.component
def Spending(model: DashboardModel):
    update_counter.get()
    levers = [lever.label for lever in model.levers]
    with _tile("spending") as tile:
        _vega(charts.spend_bars(spend_frame(model), levers=levers, scenarios=_scenarios(model)))
    return tile


def _mix_text(mix: dict) -> str:
    ranked = sorted(mix.items(), key=lambda kv: -kv[1])
    return ", ".join(f"{registry.get(k).label.lower()} {v:.0%}" for k, v in ranked if v > 0.005)


@solara.component
def ScenarioNotes(model: DashboardModel):
    """What is being compared, in words."""
    update_counter.get()
    s, p = model.settings, model.p
    budget = f"GBP {p.regeneration_budget / 1e6:,.2f}m a year"

    def money(policy) -> str:
        if not policy.funded:
            return "no regeneration money"
        return f"{budget}, {next(iter(policy.targeting.values())):.0%} aimed at deprived areas"

    shocks = "; ".join(
        f"{x.kind.replace('_', ' ')} from programme month {x.start}"
        + (f" for {x.months} months" if x.months else "") + (f", size {x.size:g}" if x.size
                                                             else "")
        for x in s.shocks) or "none"
    deprived = int(np.count_nonzero(model.hoods.deprived))
    lines = [
        f"<b>{s.label_a}</b>: {money(s.policy_a)}. Mix: {_mix_text(s.policy_a.mix)}.",
        f"<b>{s.label_b}</b>: {money(s.policy_b)}. Mix: {_mix_text(s.policy_b.mix)}.",
        f"<b>Both</b>: the {s.preset} preset ({model.hoods.n} neighbourhoods, {deprived} deprived; "
        f"{model.residents.n:,} working-age residents), seed {s.seed}, burn-in "
        f"{p.burn_in_months} months, programme {p.programme_months} months. Shocks: {shocks}.",
        *[f"<i>{note}</i>" for note in s.notes],
        "<b>Reading the charts</b>: solid lines are A, dashed B; the grey band is the burn-in; "
        "hover over a line or a neighbourhood for its values. Change the controls on the left "
        "and press RESET; STEP advances both scenarios one month (the render interval sets "
        "how many), ▶ plays.",
    ]
    with _tile("notes") as tile:
        solara.HTML(tag="h3", unsafe_innerHTML="What is being compared")
        solara.HTML(unsafe_innerHTML="".join(f"<p>{line}</p>" for line in lines),
                    classes=["coalition-notes"])
    return tile


@solara.component
def Headline(model: DashboardModel):
    update_counter.get()
    with solara.Column(gap="0px", style={"height": "100%"}) as column:
        solara.Style(STYLE)  # the page's styles ride on the first panel
        _headline(model)
    return column


COMPONENTS = [(Headline, 0), (NeighbourhoodMap, 0), (Employment, 0), (Reengagement, 0),
              (Partnership, 0), (Investment, 0), (Crime, 0), (Wellbeing, 0), (Spending, 0),
              (ScenarioNotes, 0)]


@solara.component
def Page():
    """One `DashboardModel` per browser session, shown by Mesa's SolaraViz."""
    model = solara.use_memo(DashboardModel, [])

    def colours():
        solara.lab.theme.themes.light.primary = charts.SCENARIO_COLOURS[0]

    solara.use_effect(colours, [])
    return SolaraViz(model, components=list(COMPONENTS), model_params=model_params(),
                     name=TITLE, play_interval=PLAY_INTERVAL_MS)


page = Page()
