"""The dashboard without a browser: controls from the registry, the paired model, the
panels' data and the command line."""

from __future__ import annotations

import argparse
import json
import math

import numpy as np
import pytest

from sim.params import REGISTRY, ParameterError, Params
from sim.policy.levers import registry
from sim.policy.shocks import KINDS
from sim.policy.spec import REGIMES
from sim.viz import charts, controls, launch
from sim.viz.controls import all_controls, model_params, settings_from
from sim.viz.paired import (
    INDICATORS,
    DashboardModel,
    headline_rows,
    map_frame,
    monthly_frame,
    neighbourhood_values,
    spend_frame,
)

CONTROLS = all_controls()
LEVERS = registry.names()
DEFAULT_MIX = registry.default_mix()


@pytest.fixture(scope="module")
def model() -> DashboardModel:
    """The model as the page builds it, from the generated controls' values, 6 months in."""
    m = DashboardModel(**{name: spec["value"] for name, spec in model_params().items()})
    for _ in range(6):
        m.step()
    return m


@pytest.mark.parametrize("name", [*controls.BEHAVIOUR, "burn_in_months"])
def test_parameter_controls_come_from_the_registry(name):
    p, c = REGISTRY[name], CONTROLS[name]
    assert (c.min, c.max) == (p.low, p.high)
    assert c.type == ("SliderInt" if p.kind is int else "SliderFloat")
    assert 0 < c.step <= (p.high - p.low) / 50
    assert p.description[1:] in c.tooltip and p.unit in c.tooltip and p.source in c.tooltip
    expected = controls.BURN_IN_MONTHS if name == "burn_in_months" else getattr(
        Params.from_preset(controls.PRESET), name)
    assert c.value == expected
    on_grid = (c.value - c.min) / c.step
    assert abs(on_grid - round(on_grid)) < 1e-6, "the default must sit on the slider's grid"


def test_policy_and_shock_controls_come_from_the_spec():
    assert {n for n in CONTROLS if n.startswith("share_")} == {f"share_{lv}" for lv in LEVERS}
    assert {lv: CONTROLS[f"share_{lv}"].value for lv in LEVERS} == DEFAULT_MIX
    assert tuple(CONTROLS["regime"].values) == REGIMES == tuple(CONTROLS["compare_regime"].values)
    assert all(CONTROLS[kind].type == "Checkbox" and CONTROLS[kind].value is False
               for kind in KINDS)
    for kind, fields in KINDS.items():
        assert all(f"{kind}_{f}" in CONTROLS for f in fields)
    assert CONTROLS["preset"].value == "town"
    params = model_params()
    assert all(spec["tooltip"] and spec["group"] in controls.GROUPS for spec in params.values())
    assert "renormalised" in CONTROLS["share_skills"].tooltip


def test_model_builds_and_steps_both_scenarios(model):
    burn_in = controls.BURN_IN_MONTHS
    assert model.month == model.comparison.month == burn_in + 6
    assert len(model.records["monthly"]) == len(model.comparison.records["monthly"]) == burn_in + 6
    assert model.policy.regime == "coalition" and model.comparison.policy.regime == "lsp"
    assert model.p.n_neighbourhoods == Params.from_preset("town").n_neighbourhoods
    assert model.running


def test_side_by_side_scenarios_share_seed_and_district(model):
    assert model.seed == model.comparison.seed == CONTROLS["seed"].value
    assert model.p == model.comparison.p and model.shocks == model.comparison.shocks
    np.testing.assert_array_equal(model.hoods.x, model.comparison.hoods.x)
    np.testing.assert_array_equal(model.hoods.deprived, model.comparison.hoods.deprived)
    # Same seed and no money during the burn-in: the two runs are identical until then.
    burn_in = model.p.burn_in_months
    for a, b in zip(model.records["monthly"][:burn_in], model.comparison.records["monthly"],
                    strict=False):
        for key, value in a.items():
            assert value == b[key] or (isinstance(value, float) and math.isnan(value)
                                       and math.isnan(b[key])), key


@pytest.mark.parametrize("indicator", list(INDICATORS))
def test_map_has_one_value_per_neighbourhood(model, indicator):
    values = neighbourhood_values(model, indicator)
    assert values.shape == (model.hoods.n,) and np.isfinite(values).all()
    frame = map_frame(model, indicator)
    assert len(frame) == 2 * model.hoods.n
    assert frame.groupby("scenario")["neighbourhood"].nunique().tolist() == [model.hoods.n] * 2
    assert frame["deprived"].sum() == 2 * model.hoods.deprived.sum()


def test_map_values_follow_the_arrays(model):
    np.testing.assert_allclose(neighbourhood_values(model, "Recorded crime"), model.hoods.crime)
    employed = neighbourhood_values(model, "Employment rate")
    res = model.residents
    hood = int(np.argmax(model.hoods.deprived))
    here = res.hood == hood
    assert employed[hood] == pytest.approx(100 * np.mean(res.status[here] == 0))


def test_lever_shares_are_renormalised():
    doubled = {f"share_{lv}": 2 * DEFAULT_MIX[lv] for lv in LEVERS}
    s = settings_from(doubled)
    assert s.policy_a.mix == pytest.approx(DEFAULT_MIX)
    assert any("divided by 2.00" in note for note in s.notes)
    zero = settings_from(dict.fromkeys(doubled, 0.0))
    assert zero.policy_a.mix == pytest.approx(dict.fromkeys(LEVERS, 1 / len(LEVERS)))
    focus = settings_from({"compare_mix": "growth first"}).policy_b.mix
    assert sum(focus.values()) == pytest.approx(1)
    assert focus["health"] == 0 and focus["business_support"] > 0


def test_controls_are_checked():
    with pytest.raises(ParameterError, match="did you mean 'regime'"):
        settings_from({"regim": "lsp"})
    with pytest.raises(ParameterError, match="outside its allowed range"):
        settings_from({"search_intensity": 5.0})
    with pytest.raises(ParameterError, match="not an amount"):
        settings_from({"budget": "lots"})
    s = settings_from({"budget": "£2.5m", "recession": True, "preset": "district"})
    assert s.params.regeneration_budget == 2.5e6 and s.shocks[0].kind == "recession"

def test_the_dashboard_and_the_report_read_the_same_burn_in_and_budget():
    """A district scenario with the district's budget, run on town (`compare --preset town`,
    whose report says GBP 1.06m), and the dashboard's blank budget are the same money."""
    from sim.scenario import parse_scenario
    from sim.viz.controls import budget_note

    district = Params.from_preset("district").regeneration_budget
    report = parse_scenario(f'preset = "district"\n[policy]\nregime = "lsp"\nbudget = '
                            f'{district}\n', "s.toml").with_changes(preset="town").params
    dashboard = settings_from({}).params
    assert dashboard.regeneration_budget == pytest.approx(report.regeneration_budget)
    assert dashboard.burn_in_months == report.burn_in_months == REGISTRY[
        "burn_in_months"].default
    assert budget_note("town", "").startswith(f"GBP {report.regeneration_budget / 1e6:,.2f}m")
    assert budget_note("town", "2.5m") == "GBP 2.50m a year"


def test_panels_data_and_specs(model):
    frame = monthly_frame(model)
    assert set(frame["scenario"]) == set(model.scenarios)
    scenarios = tuple(model.scenarios)
    spec = charts.lines(frame, {"employment_rate_deprived": ("deprived", charts.DEPRIVED)},
                        title="t", subtitle="s", y_title="y", burn_in=model.p.burn_in_months,
                        scenarios=scenarios)
    points = spec["layer"][-1]["data"]["values"]
    assert {p["scenario"] for p in points} == set(scenarios)
    assert max(p["month"] for p in points) == model.month
    spend = spend_frame(model)
    assert len(spend) == 2 * len(LEVERS) and (spend["spent"] > 0).any()
    rows = headline_rows(model)
    assert all(math.isfinite(r["a"]) for r in rows if "Re-engaged" not in r["label"])
    mapped = charts.neighbourhood_map(map_frame(model, "Well-being"), indicator="Well-being",
                                      unit="0-10", higher_better=True, scenarios=scenarios)
    gap = map_frame(model, "Well-being").assign(value=np.nan)  # a neighbourhood nobody lives in
    mapped_gap = charts.neighbourhood_map(gap, indicator="Well-being", unit="0-10",
                                          higher_better=True, scenarios=scenarios)
    assert all(row["value"] is None for row in mapped_gap["data"]["values"])
    bars = charts.spend_bars(spend, levers=list(spend["lever"].unique()), scenarios=scenarios)
    for one in (spec, mapped, mapped_gap, bars):
        json.dumps(one, allow_nan=False)


def test_page_renders_and_steps_in_process():
    """The real page, rendered by Solara without a browser: Mesa's SolaraViz with our panels
    and inputs; stepping redraws without errors."""
    import mesa.visualization.solara_viz as solara_viz
    import solara
    from mesa.visualization.utils import force_update

    from sim.viz import dashboard, inputs

    assert solara_viz.UserInputs is inputs.RegistryInputs
    box, rc = solara.render(dashboard.Page(), handle_error=False)
    try:
        force_update()
        html = json.dumps([w.get_state() for w in rc.find(solara.widgets.VegaLite).widgets],
                          default=str)
        assert "Employment rate" in html and "Where the money went" in html
    finally:
        rc.close()


def test_ipyvuetify_is_below_3():
    """Mesa's SolaraViz lays its panels out with Solara's GridDraggable, which stays blank with
    ipyvuetify 3 (Solara 1.64): pyproject pins ipyvuetify<3."""
    import ipyvuetify

    assert int(ipyvuetify.__version__.split(".")[0]) < 3, "install ipyvuetify<3"


def test_command_line(monkeypatch):
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    launch.add_parser(sub)
    args = parser.parse_args(["dashboard", "--port", "9001", "--no-browser"])
    assert (args.host, args.port, args.no_browser) == ("127.0.0.1", 9001, True)
    assert parser.parse_args(["dashboard"]).port == launch.DEFAULT_PORT
    with pytest.raises(SystemExit):
        parser.parse_args(["dashboard", "--port", "70000"])
    command = launch.server_command("127.0.0.1", 9001)
    assert command[1:4] == ["-m", "solara", "run"]
    assert command[4:] == ["sim.viz.dashboard:page", "--host", "127.0.0.1", "--port", "9001",
                           "--production", "--no-open"]
    monkeypatch.delenv("SOLARA_TELEMETRY_MIXPANEL_ENABLE", raising=False)
    assert launch.server_env()["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"


def test_the_dashboards_own_parsers_take_no_abbreviations(capsys):
    assert launch.parse_standalone(["--no-browser"]).no_browser
    for argv in (["--no"], ["--po", "9001"]):
        with pytest.raises(SystemExit):
            launch.parse_standalone(argv)
    from sim.viz import assets

    with pytest.raises(SystemExit):
        assets.main(["--ch"])  # not --check


def test_the_launcher_checks_the_assets_before_serving_and_says_so(monkeypatch, capsys):
    from sim.viz import assets

    monkeypatch.setattr(assets, "missing", lambda where=None: [])
    launch.prepare_assets()
    assert "browser files present in" in capsys.readouterr().err
    fetched = []
    monkeypatch.setattr(assets, "missing", lambda where=None: ["vega@5"])
    monkeypatch.setattr(assets, "fetch", lambda names, where=None: fetched.extend(names))
    launch.prepare_assets()
    assert fetched == ["vega@5"] and "fetching 1 browser packages" in capsys.readouterr().err

    def no_npm(names, where=None):
        raise assets.AssetError("npm is needed")

    monkeypatch.setattr(assets, "fetch", no_npm)
    served = []
    monkeypatch.setattr(launch.subprocess, "Popen", lambda *a, **k: served.append(a))
    assert launch.main(open_browser=False) == 2 and not served  # no blank page served
    assert "could not be fetched" in capsys.readouterr().err


def test_reengagement_legends_use_the_registry_and_report_wording():
    from sim import outcomes
    from sim.viz.dashboard import LINE_PANELS

    for column, (label, _) in LINE_PANELS["reengagement"][0].items():
        assert f"({label})" in outcomes.lookup(column, outcomes.MONTHLY).label
