"""Vega-Lite charts for the dashboard, from the tables in `sim.viz.paired`.

Each function returns a plain Vega-Lite (v5, the version Solara's front end loads)
dict with its data inline. They are written as dicts rather than through Altair
because every panel is rebuilt each simulated month: building one chart through
Altair took about 60 ms, a dict takes about 2 ms. Scenario A is drawn solid and
scenario B dashed; the burn-in is shaded and the programme start marked, as in
the summary figure (`sim.viz.summary`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

DEPRIVED = "#c0392b"  # as sim.viz.summary
REST = "#2c7fb8"
SCENARIO_COLOURS = ("#1d3557", "#8fb8de")
DASHES = ([1, 0], [6, 4])
HEIGHT = 235
SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
CONFIG = {"font": "Roboto, Helvetica, Arial, sans-serif",
          "title": {"fontSize": 14, "fontWeight": 600, "anchor": "start", "subtitleFontSize": 11,
                    "subtitleColor": "#555"},
          "axis": {"labelFontSize": 11, "titleFontSize": 11, "titleFontWeight": 500,
                   "gridColor": "#e8e8e8"},
          "legend": {"labelFontSize": 11, "symbolStrokeWidth": 2.5, "orient": "bottom",
                     "direction": "horizontal", "title": None, "columnPadding": 12},
          "view": {"stroke": None}}
MONTH = "month of simulation"
# Read by vega-embed: SVG (crisp, and its text can be read back), and only the "save as"
# actions (the Vega editor is on the internet).
USERMETA = {"embedOptions": {"renderer": "svg", "actions": {
    "export": True, "source": False, "compiled": False, "editor": False}}}


def _plain(value):
    """A JSON-ready value: numpy scalars become Python ones, NaN and infinities None."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts (strict JSON: the browser cannot parse NaN)."""
    return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _programme_layers(burn_in: int) -> list[dict]:
    """A grey band over the burn-in and a dashed rule where the programme starts."""
    if burn_in <= 0:
        return []
    x = {"field": "month", "type": "quantitative", "title": MONTH}
    return [
        {"data": {"values": [{"month": 0, "end": burn_in}]},
         "mark": {"type": "rect", "color": "#efefef"},
         "encoding": {"x": x, "x2": {"field": "end"}}},
        {"data": {"values": [{"month": burn_in, "text": "programme starts"}]},
         "mark": {"type": "rule", "color": "#555", "strokeDash": [4, 3]}, "encoding": {"x": x}},
        {"data": {"values": [{"month": burn_in, "text": "programme starts"}]},
         "mark": {"type": "text", "align": "left", "baseline": "top", "dx": 4, "dy": 2,
                  "fontSize": 10, "color": "#555"},
         "encoding": {"x": x, "y": {"value": 0}, "text": {"field": "text"}}},
    ]


def lines(frame: pd.DataFrame, columns: dict[str, tuple[str, str]], *, title: str,
          subtitle: str, y_title: str, burn_in: int, scenarios: tuple[str, str],
          y_format: str = ",.2f", scale: float = 1.0, zero: bool = False) -> dict:
    """Lines of `columns` ({column: (label, colour)}) over months, one dash per scenario."""
    long = frame.melt(id_vars=["scenario", "month"], value_vars=list(columns),
                      var_name="column", value_name="value").dropna(subset=["value"])
    long["value"] = long["value"] * scale
    long["series"] = long["column"].map({c: label for c, (label, _) in columns.items()})
    last = int(frame["month"].max()) if len(frame) else 0
    line = {
        "data": {"values": _records(long[["scenario", "series", "month", "value"]])},
        "mark": {"type": "line", "strokeWidth": 2.2},
        "encoding": {
            "x": {"field": "month", "type": "quantitative", "title": MONTH,
                  "scale": {"domain": [0, max(last, burn_in + 24)], "nice": False}},
            "y": {"field": "value", "type": "quantitative", "title": y_title,
                  "axis": {"format": y_format, "tickCount": 5}, "scale": {"zero": zero}},
            "color": {"field": "series", "type": "nominal",
                      "scale": {"domain": [label for label, _ in columns.values()],
                                "range": [colour for _, colour in columns.values()]}},
            "strokeDash": {"field": "scenario", "type": "nominal",
                           "scale": {"domain": list(scenarios), "range": list(DASHES)},
                           "legend": {"orient": "top", "symbolStrokeColor": "#333"}},
            "detail": {"field": "scenario", "type": "nominal"},
            "tooltip": [{"field": "scenario", "type": "nominal"},
                        {"field": "series", "type": "nominal"},
                        {"field": "month", "type": "quantitative"},
                        {"field": "value", "type": "quantitative", "format": y_format}],
        },
    }
    return {"$schema": SCHEMA, "usermeta": USERMETA, "config": CONFIG, "width": "container",
            "height": HEIGHT, "title": {"text": title, "subtitle": subtitle},
            "layer": [*_programme_layers(burn_in), line]}


def neighbourhood_map(frame: pd.DataFrame, *, indicator: str, unit: str, higher_better: bool,
                      scenarios: tuple[str, str], size: int = 200) -> dict:
    """Neighbourhoods at their coordinates (km), coloured by value, deprived ones ringed in
    black; one panel per scenario with a shared colour scale."""
    radius = float(np.hypot(frame["x"], frame["y"]).max()) * 1.12 if len(frame) else 1.0
    n = max(int(frame["neighbourhood"].nunique()), 1)
    biggest = float(np.clip(25000 / n, 60, 1500)) * (size / 200) ** 2
    values = frame["value"].to_numpy(float)
    finite = values[np.isfinite(values)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if high - low < 1e-9:
        low, high = low - 0.5, high + 0.5
    axis = {"domain": [-radius, radius], "nice": False}
    data = frame.assign(deprived=frame["deprived"].astype(bool))
    return {
        "$schema": SCHEMA, "usermeta": USERMETA,
        "config": {**CONFIG, "view": {"fill": "#f6f7f9", "stroke": None}},
        "data": {"values": _records(data)},
        "facet": {"column": {"field": "scenario", "type": "nominal", "sort": list(scenarios),
                             "title": None,
                             "header": {"labelFontSize": 12, "labelFontWeight": 600}}},
        "spec": {
            "width": size, "height": size,
            "mark": {"type": "circle", "opacity": 0.95},
            "encoding": {
                "x": {"field": "x", "type": "quantitative", "scale": axis, "axis": None},
                "y": {"field": "y", "type": "quantitative", "scale": axis, "axis": None},
                "color": {"field": "value", "type": "quantitative", "title": unit,
                          "scale": {"scheme": "yellowgreenblue" if higher_better else
                                    "orangered", "domain": [low, high]},
                          "legend": {"orient": "bottom", "direction": "horizontal",
                                     "gradientLength": 220, "titleOrient": "top", "title": unit}},
                "size": {"field": "residents", "type": "quantitative", "legend": None,
                         "scale": {"range": [biggest / 3, biggest], "zero": False}},
                "stroke": {"condition": {"test": "datum.deprived", "value": "#111111"},
                           "value": "#ffffff"},
                "strokeWidth": {"condition": {"test": "datum.deprived", "value": 3.5},
                                "value": 1.0},
                "tooltip": [{"field": "scenario", "type": "nominal"},
                            {"field": "neighbourhood", "type": "quantitative"},
                            {"field": "deprived", "type": "nominal"},
                            {"field": "decile", "type": "quantitative",
                             "title": "deprivation decile"},
                            {"field": "residents", "type": "quantitative",
                             "title": "working-age residents"},
                            {"field": "value", "type": "quantitative", "title": indicator,
                             "format": ",.2f"}],
            },
        },
        "resolve": {"scale": {"color": "shared", "size": "shared"}},
    }


def spend_bars(frame: pd.DataFrame, *, levers: list[str], scenarios: tuple[str, str]) -> dict:
    """Money spent on each lever since the programme started, A and B side by side."""
    biggest = float(frame["spent"].max()) if len(frame) else 0.0
    unit, scale = ("GBP m", 1e6) if biggest >= 1e6 else ("GBP thousand", 1e3)
    data = frame.assign(spent=frame["spent"] / scale)
    return {
        "$schema": SCHEMA, "usermeta": USERMETA, "config": CONFIG, "width": "container",
        "height": HEIGHT + 20,
        "title": {"text": "Where the money went",
                  "subtitle": "regeneration and aligned mainstream money by lever, since the "
                              "programme started"},
        "data": {"values": _records(data)},
        "mark": {"type": "bar"},
        "encoding": {
            "y": {"field": "lever", "type": "nominal", "sort": levers, "title": None,
                  "axis": {"labelLimit": 170}},
            "yOffset": {"field": "scenario", "type": "nominal", "sort": list(scenarios)},
            "x": {"field": "spent", "type": "quantitative", "title": unit},
            "color": {"field": "scenario", "type": "nominal",
                      "scale": {"domain": list(scenarios), "range": list(SCENARIO_COLOURS)}},
            "tooltip": [{"field": "scenario", "type": "nominal"},
                        {"field": "lever", "type": "nominal"},
                        {"field": "spent", "type": "quantitative", "title": unit,
                         "format": ",.1f"}],
        },
    }
