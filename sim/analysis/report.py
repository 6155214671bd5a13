"""Compare several scenarios, each against its counterfactual, and write a report.

Every scenario and its counterfactual (the same district and seed with no
regeneration money) run over the same seeds: common random numbers. The
headline table gives each scenario's net effects with 95% intervals, and the
difference from the first scenario, also with intervals (paired by seed). The
self-contained HTML report embeds its charts as images, so it opens offline. The
same numbers are written as CSV, and a short plain-text summary is printed.
"""

from __future__ import annotations

import base64
import html
import io as _io
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from sim import outcomes
from sim.analysis import additionality as account
from sim.analysis import value_for_money as vfm
from sim.analysis.compare import additionality, fmt, measure_label, run_pairs
from sim.analysis.intervals import t_interval
from sim.backends import Backend
from sim.evaluate import COMPARISON, SCENARIO, Result
from sim.io import git_revision, library_versions, write_texts_atomic
from sim.policy.levers import registry
from sim.scenario import Scenario

HEADLINE = (  # (outcome, kind): net = scenario minus counterfactual; level = scenario value;
    # ratio = an additionality measure, vfm = a cost or outcome of value for money (both
    # sim.outcomes, level comparison)
    ("cost_per_net_employment_year", "vfm"), ("net_employment_years", "vfm"),
    ("cost_total", "vfm"), ("unspent", "vfm"),
    ("cost_per_net_in_work_12m", "vfm"), ("cost_per_net_in_work_24m", "vfm"),
    ("cost_per_net_reengaged_discounted", "vfm"), ("cost_per_net_assisted_job", "vfm"),
    ("reengaged_6m", "net"), ("reengaged_6m_net_of_forgone", "net"),
    ("jobs_total_end", "net"), ("regeneration_cost", "net"), ("mainstream_aligned_spend", "net"),
    ("public_cost", "net"), ("cost_per_net_reengaged", "ratio"),
    ("cost_per_net_job", "ratio"), ("private_leverage", "ratio"),
    ("wellbeing_deprived_end", "net"), ("partner_engagement_mean_end", "level"),
    ("business_engagement_share_end", "level"),
)
SEED_COMPARABLE = ("net", "level")  # kinds whose difference between scenarios is paired by seed


def headline_label(key: str, kind: str) -> str:
    """The registry's label of a headline measure, with its unit."""
    if kind in ("ratio", "vfm"):
        return measure_label(key)
    return outcomes.lookup(key).titled("net " if kind == "net" else "")


@dataclass
class Comparison:
    """The results of comparing scenarios: one list of per-seed pairs per scenario."""

    scenarios: list[Scenario]
    seeds: list[int]
    pairs: list[list[Result]]


def compare_scenarios(scenarios: list[Scenario], seeds: int = 5, backend: Backend | None = None,
                      first_seed: int | None = None, folder: str | Path | None = None,
                      progress: bool = False) -> Comparison:
    """Run every scenario and its counterfactual over the same seeds (resumable with
    `folder`: finished pairs are kept there)."""
    start = scenarios[0].seed if first_seed is None else first_seed
    seed_list = list(range(start, start + seeds))
    pairs = run_pairs(scenarios, None, seed_list, backend, folder, progress)
    return Comparison(scenarios, seed_list, pairs)


def _values(pairs, key, arm=SCENARIO) -> np.ndarray:
    return np.array([p.value(key, arm) for p in pairs], float)


def _estimate(pairs, key: str, kind: str, tables: dict) -> tuple[float, float, float]:
    if kind in tables:
        row = tables[kind].loc[key]
        return row.estimate, row.ci_low, row.ci_high
    if kind == "level":
        return t_interval(_values(pairs, key))
    return t_interval(_values(pairs, key) - _values(pairs, key, COMPARISON))


def _versus_first(comparison: Comparison, i: int, key: str, kind: str):
    """Difference from the first scenario, paired by seed."""
    if i == 0:
        return (np.nan,) * 3
    first, this = comparison.pairs[0], comparison.pairs[i]
    if kind not in SEED_COMPARABLE:  # ratios are not additive: their difference is not paired
        return (np.nan,) * 3
    if kind == "level":
        return t_interval(_values(this, key) - _values(first, key))
    net_this = _values(this, key) - _values(this, key, COMPARISON)
    net_first = _values(first, key) - _values(first, key, COMPARISON)
    return t_interval(net_this - net_first)


def headline_table(comparison: Comparison) -> pd.DataFrame:
    """One row per scenario and measure: estimate with 95% interval, and vs the first."""
    rows = []
    for i, (scenario, pairs) in enumerate(zip(comparison.scenarios, comparison.pairs,
                                              strict=True)):
        tables = {"ratio": additionality(pairs).set_index("measure"),
                  "vfm": vfm.cost_table(pairs, scenario.params.discount_rate)
                  .set_index("measure")}
        for key, kind in HEADLINE:
            est, low, high = _estimate(pairs, key, kind, tables)
            d, d_low, d_high = _versus_first(comparison, i, key, kind)
            rows.append({"scenario": scenario.name, "measure": key,
                         "label": headline_label(key, kind),
                         "estimate": est, "ci_low": low, "ci_high": high,
                         "vs_first": d, "vs_first_low": d_low, "vs_first_high": d_high})
    return pd.DataFrame(rows)


def additionality_table(comparison: Comparison) -> pd.DataFrame:
    """Deadweight, displacement, leakage and leverage ratios, then every term of the
    additionality accounts (sim.analysis.additionality), per scenario."""
    frames = []
    for s, p in zip(comparison.scenarios, comparison.pairs, strict=True):
        ratios = additionality(p).assign(table="measures", label=lambda f: [
            measure_label(m) for m in f["measure"]], sign=np.nan)
        terms = account.account_table(p).rename(columns={"term": "measure"})
        terms = terms.assign(table=terms["account"] + " account")
        frames += [ratios.assign(scenario=s.name), terms.assign(scenario=s.name)]
    return pd.concat(frames, ignore_index=True)[["scenario", "table", "measure", "label",
                                                  "sign", "estimate", "ci_low", "ci_high"]]


def spending_table(comparison: Comparison) -> pd.DataFrame:
    """Money spent on each lever (regeneration and aligned mainstream), mean over seeds, per
    scenario: every lever the runs had, plug-ins included."""
    rows = []
    for scenario, pairs in zip(comparison.scenarios, comparison.pairs, strict=True):
        levers = [c.removeprefix("spend_") for c in pairs[0].summary.columns
                  if c.startswith("spend_")]  # the levers the runs had
        spent = {lever: _values(pairs, f"spend_{lever}").mean() for lever in levers}
        total = sum(spent.values())
        rows += [{"scenario": scenario.name, "lever": lever, "label": _lever_label(lever),
                  "spent": value, "share": value / total if total else float("nan")}
                 for lever, value in spent.items()]
    return pd.DataFrame(rows, columns=["scenario", "lever", "label", "spent", "share"])


def _lever_label(name: str) -> str:
    return registry.get(name).label if name in registry.names() else name


def text_summary(comparison: Comparison, table: pd.DataFrame) -> str:
    """The terminal summary: net re-engagement and cost per scenario."""
    lines = [f"{len(comparison.scenarios)} scenario(s) against the counterfactual, seeds "
             f"{comparison.seeds[0]}..{comparison.seeds[-1]} (common random numbers)"]
    keys = ("cost_per_net_employment_year", "net_employment_years", "cost_total", "unspent",
            "cost_per_net_assisted_job", "reengaged_6m", "reengaged_6m_net_of_forgone",
            "jobs_total_end", "regeneration_cost", "mainstream_aligned_spend", "public_cost",
            "cost_per_net_reengaged", "cost_per_net_job")
    width = max(len(label) for label in table.loc[table["measure"].isin(keys), "label"])
    for name, rows in table.groupby("scenario", sort=False):
        r = rows.set_index("measure")
        lines.append(f"\n{name}")
        for key in keys:
            x = r.loc[key]
            extra = (f"   vs {comparison.scenarios[0].name}: {fmt(x.vs_first)} "
                     f"[{fmt(x.vs_first_low)}, {fmt(x.vs_first_high)}]"
                     if np.isfinite(x.vs_first) else "")
            lines.append(f"  {x.label:{width}s} {fmt(x.estimate):>10s} "
                         f"[{fmt(x.ci_low)}, {fmt(x.ci_high)}]{extra}")
    return "\n".join(lines)


# --- charts -----------------------------------------------------------------------------------

def _png(fig: Figure) -> str:
    buf = _io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _band(ax, series: list[np.ndarray], label: str, color, style="-") -> None:
    data = np.vstack(series)
    months = np.arange(1, data.shape[1] + 1)
    ax.plot(months, data.mean(axis=0), style, color=color, label=label, lw=1.6)
    low, high = np.percentile(data, [5, 95], axis=0)
    ax.fill_between(months, low, high, color=color, alpha=0.15, lw=0)


def trajectories_chart(comparison: Comparison) -> str:
    """Employment deprived vs rest (bands over seeds), each scenario and the counterfactual."""
    n = len(comparison.scenarios)
    fig = Figure(figsize=(5.2 * n, 3.8), layout="constrained")
    FigureCanvasAgg(fig)
    for ax, s, pairs in zip(np.atleast_1d(fig.subplots(1, n)), comparison.scenarios,
                            comparison.pairs, strict=True):
        for col, color in (("employment_rate_deprived", "#c0392b"),
                           ("employment_rate_rest", "#2c7fb8")):
            where = col.rsplit("_", 1)[-1]
            _band(ax, [p.series(col) for p in pairs], f"{where}", color)
            _band(ax, [p.series(col, COMPARISON) for p in pairs], f"{where}, no programme",
                  color, "--")
        ax.axvline(s.params.burn_in_months, color="grey", lw=0.8)
        ax.set_title(s.name, fontsize=10)
        ax.set_xlabel("month")
        ax.set_ylabel("employment rate")
        ax.legend(fontsize=7)
    return _png(fig)


def _net_series(pair: Result, column: str) -> np.ndarray:
    return pair.series(column) - pair.series(column, COMPARISON)


def people_place_chart(comparison: Comparison) -> str:
    """People-based (cohort re-engaged) beside place-based (deprived employment) effects."""
    fig = Figure(figsize=(10, 3.8), layout="constrained")
    FigureCanvasAgg(fig)
    people, place = fig.subplots(1, 2)
    colors = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02"]
    for i, (s, pairs) in enumerate(zip(comparison.scenarios, comparison.pairs, strict=True)):
        c = colors[i % len(colors)]
        _band(people, [np.nan_to_num(_net_series(p, "reengaged_6m_share")) for p in pairs],
              s.name, c)
        _band(place, [_net_series(p, "employment_rate_deprived") for p in pairs], s.name, c)
    people.set_title("People-based: net share of the cohort re-engaged", fontsize=10)
    place.set_title("Place-based: net employment rate, deprived areas", fontsize=10)
    for ax in (people, place):
        ax.axhline(0, color="grey", lw=0.8)
        ax.set_xlabel("month")
        ax.legend(fontsize=7)
    return _png(fig)


# --- HTML ------------------------------------------------------------------------------------

def _table_html(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
                   for row in frame.itertuples(index=False))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _ci(est, low, high) -> str:
    if not np.isfinite(est):
        return "\u2014"  # undefined: the reference itself, or no net gain to divide by
    return f"{fmt(est)} [{fmt(low)}, {fmt(high)}]"


def headline_html(table: pd.DataFrame, first: str) -> str:
    view = pd.DataFrame({
        "scenario": table["scenario"], "measure": table["label"],
        "estimate [95% CI]": [_ci(*r) for r in table[["estimate", "ci_low", "ci_high"]].values],
        f"difference vs {first} [95% CI]": [
            _ci(*r) for r in table[["vs_first", "vs_first_low", "vs_first_high"]].values]})
    return _table_html(view)


SIGNS = {1.0: "+", -1.0: "\u2212", 0.0: "="}


def _sign(value) -> str:
    return SIGNS.get(value, "not measured") if np.isfinite(value) else "not measured"


def additionality_html(table: pd.DataFrame, kind: str) -> str:
    """The ratio measures (`kind` "measures") or the account terms (the other tables), each
    term with the sign it enters its account with ("=": the lines above add up to it)."""
    rows = table[(table["table"] == "measures") == (kind == "measures")]
    view = pd.DataFrame({"scenario": rows["scenario"], "account": rows["table"],
                         "": [_sign(v) for v in rows["sign"]], "term": rows["label"],
                         "estimate [95% CI]": [_ci(*r) for r in
                                               rows[["estimate", "ci_low", "ci_high"]].values]})
    if kind == "measures":
        view = view.drop(columns=["account", ""])
    return _table_html(view)


def benchmarks_html() -> str:
    view = pd.DataFrame(vfm.BENCHMARKS, columns=["programme", "measure", "GBP", "source"])
    view["GBP"] = [fmt(v) for v in view["GBP"]]
    return _table_html(view)


def spending_html(table: pd.DataFrame) -> str:
    view = pd.DataFrame({"scenario": table["scenario"], "lever": table["label"],
                         "spent (GBP, mean over seeds)": [fmt(v) for v in table["spent"]],
                         "share of spending": [f"{v:.0%}" if np.isfinite(v) else "\u2014"
                                               for v in table["share"]]})
    return _table_html(view)


STYLE = """body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;color:#222}
table{border-collapse:collapse;font-size:13px;margin:1em 0}td,th{border:1px solid #ccc;
padding:4px 8px;text-align:left}th{background:#f2f2f2}img{max-width:100%}
.note{color:#555;font-size:13px}"""


def render_html(comparison: Comparison, table: pd.DataFrame, extra: pd.DataFrame,
                spending: pd.DataFrame) -> str:
    names = ", ".join(s.name for s in comparison.scenarios)
    first = comparison.scenarios[0].name
    git = git_revision().get("commit") or "unknown"
    return f"""<!doctype html><html><head><meta charset="utf-8">
<title>Scenario comparison: {html.escape(names)}</title><style>{STYLE}</style></head><body>
<h1>Scenario comparison</h1>
<p>{html.escape(names)}, each against the same district with no regeneration money, over seeds
{comparison.seeds[0]}&ndash;{comparison.seeds[-1]} ({len(comparison.seeds)} paired runs with
common random numbers). Intervals are 95%: t intervals of the paired differences, Fieller
intervals (over seeds) for ratios; a ratio whose denominator's interval includes zero is
undefined (&mdash;).</p>
<h2>Headline</h2>{headline_html(table, first)}
<p class="note">Public cost is the regeneration cost (levers and the one stop shop) plus aligned
mainstream money: partners redirect it from their mainstream services elsewhere, so it is
a cost, and the residents those services would have re-engaged with it (valued at
mainstream_cost_per_reengaged) are taken off the net re-engaged residents the costs divide.
Costs per net outcome divide realised spending, discounted at the Green Book rate
(discount_rate), by outcomes net of the counterfactual: the headline is cost per net resident
employment-year; participants' outcomes are divided by the people levers' money and
assisted-firm jobs (net of jobs lost in other firms) by the business levers' money. Money
allocated but unspent at the end is shown apart and is not a cost.</p>
<h3>UK evaluation figures, for comparison</h3>{benchmarks_html()}
<p class="note">Their definitions differ from the model's (gross or net, per participant or per
job, discounted or not): they give orders of magnitude, not a calibration target.</p>
<h2>Employment, deprived neighbourhoods against the rest</h2>
<p class="note">Lines: mean over seeds; bands: 5-95% of seeds; dashed: no programme.</p>
<img src="data:image/png;base64,{trajectories_chart(comparison)}" alt="trajectories">
<h2>People-based and place-based effects</h2>
<p class="note">People-based follows the residents out of work in deprived areas when the
programme started, wherever they are; place-based measures whoever lives in the deprived areas.
They differ when people move.</p>
<img src="data:image/png;base64,{people_place_chart(comparison)}" alt="people and place">
<h2>Additionality account</h2>{additionality_html(extra, "account")}
<p class="note">Counted in the last month, scenario against the counterfactual, in jobs or
residents, mean over seeds with t intervals. Each account adds up exactly, seed by seed: the
lines above a "=" line, with their signs, give it. The jobs account follows the firms the
business levers assisted, the people account the people levers' participants; place levers
act through the indirect lines only. Other firms' gains and losses are netted within each
market (sector by neighbourhood); the people account's are person by person and so also hold
the runs' random divergence: there displacement and multiplier are each larger than the
programme's, and their difference is what the runs pin down.</p>
<h2>Deadweight, displacement and leakage ratios</h2>{additionality_html(extra, "measures")}
<p class="note">Measured by paired runs, not assumed (HCA Additionality Guide vocabulary). See
docs/odd.md section 8.14 for the definitions.</p>
<h2>Where the money went</h2>{spending_html(spending)}
<p class="note">Regeneration and aligned mainstream money spent on each lever over the run,
in the scenario runs.</p>
<h2>Provenance</h2><p class="note">coalition-sim, git {html.escape(str(git))}, created
{datetime.now(UTC).isoformat(timespec="seconds")}; {html.escape(str(library_versions()))}</p>
</body></html>"""


def write_report(comparison: Comparison, out: str | Path) -> tuple[Path, str]:
    """Write report.html, headline.csv, additionality.csv and spending.csv into `out`, each
    file whole or not at all (the folder also keeps the finished paired runs under units/);
    return the folder and the terminal summary."""
    out = Path(out)
    table, extra = headline_table(comparison), additionality_table(comparison)
    spending = spending_table(comparison)
    write_texts_atomic({out / "headline.csv": table.to_csv(index=False),
                        out / "additionality.csv": extra.to_csv(index=False),
                        out / "spending.csv": spending.to_csv(index=False),
                        out / "report.html": render_html(comparison, table, extra, spending)})
    return out, text_summary(comparison, table)


def to_json(comparison: Comparison) -> str:
    """The headline and additionality tables as one JSON document (NaN as null)."""
    import json

    def clean(frame: pd.DataFrame) -> list[dict]:
        return [{k: (None if isinstance(v, float) and not np.isfinite(v) else v)
                 for k, v in row.items()} for row in frame.to_dict("records")]

    return json.dumps({"scenarios": [s.name for s in comparison.scenarios],
                       "seeds": comparison.seeds,
                       "headline": clean(headline_table(comparison)),
                       "additionality": clean(additionality_table(comparison)),
                       "benchmarks": [dict(zip(("programme", "measure", "gbp", "source"), b,
                                               strict=True)) for b in vfm.BENCHMARKS]},
                      indent=1)
