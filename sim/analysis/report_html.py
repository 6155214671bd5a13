"""The comparison report as one offline HTML page, written for a board: a conclusion in
plain words first, then the ranking, the scenarios and their money, the additionality
account, the marginal value of each lever, people- and place-based effects, a glossary
and provenance. Charts are embedded PNGs (sim.analysis.report_charts); nothing is fetched.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from sim.analysis import report_charts as charts
from sim.analysis import value_for_money as vfm
from sim.analysis.compare import fmt
from sim.analysis.report import (
    RANKED_BY,
    needed_text,
    scenario_table,
    seeds_table,
)
from sim.io import git_revision, library_versions, package_version

DASH = "\u2014"
FLAG = '<span class="flag" title="the interval includes zero">\u26a0 includes 0</span>'
RANKING = ("cost_per_net_employment_year", "cost_per_net_reengaged_discounted",
           "cost_per_net_in_work_12m", "cost_per_net_assisted_job", "net_employment_years")
GLOSSARY = (
    ("gross", "everything the programme's participants or assisted firms show, before "
     "anything is taken off"),
    ("net", "the scenario minus the same district and seed with no programme (the "
     "counterfactual): what the programme added"),
    ("deadweight", "what would have happened anyway: participants in work, or assisted firms' "
     "jobs, in the counterfactual"),
    ("displacement", "jobs or work lost elsewhere in the district because of the programme "
     "(competitors losing sales or staff); substitution is inside it here"),
    ("leakage", "benefits going outside the target: here net district jobs held by "
     "in-commuters rather than residents"),
    ("multiplier", "further jobs from local spending by those the programme helped"),
    ("employment-year", "one resident in work for a year; summed over the programme, net of "
     "the counterfactual and discounted at the Green Book rate"),
    ("interval", "a 95% interval over seeds (paired runs with common random numbers): if it "
     "includes zero, the seeds cannot tell the effect from none"),
)
STYLE = """body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;color:#222}
table{border-collapse:collapse;font-size:13px;margin:1em 0}td,th{border:1px solid #ccc;
padding:4px 8px;text-align:left;vertical-align:top}th{background:#f2f2f2}img{max-width:100%}
.note{color:#555;font-size:13px}.lead{font-size:16px;line-height:1.5;background:#f6f8fa;
padding:12px 16px;border-left:4px solid #2c7fb8}.flag{color:#b35900;font-size:12px}
small{color:#555}"""


def value_text(x, unit: str = "", difference: bool = False) -> str:
    """A value in its unit: shares as percentages (differences as percentage points)."""
    if x is None or (isinstance(x, float) and not np.isfinite(x)):
        return DASH
    if unit == "share":
        return f"{100 * x:+.1f} pp" if difference else f"{100 * x:.1f}%"
    return fmt(x)


def interval_text(est, low, high, unit: str = "", difference: bool = False,
                  flag: bool = True) -> str:
    """"estimate [low, high]", flagged where the interval includes zero."""
    if est is None or not np.isfinite(est):
        return DASH
    text = (f"{value_text(est, unit, difference)} [{value_text(low, unit, difference)}, "
            f"{value_text(high, unit, difference)}]")
    covers = np.isfinite(low) and np.isfinite(high) and low <= 0 <= high
    return f"{html.escape(text)} {FLAG}" if flag and covers else html.escape(text)


def table_html(frame: pd.DataFrame, raw: tuple[str, ...] = ()) -> str:
    """A table; columns in `raw` hold HTML already escaped."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join("<tr>" + "".join(
        f"<td>{v if c in raw else html.escape(str(v))}</td>" for c, v in zip(
            frame.columns, row, strict=True)) + "</tr>" for row in frame.itertuples(index=False))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _row(table: pd.DataFrame, scenario: str, measure: str):
    return table[(table["scenario"] == scenario) & (table["measure"] == measure)].iloc[0]


def ranked(table: pd.DataFrame) -> list[str]:
    """Scenarios by cost per net resident employment-year, cheapest first (undefined last)."""
    rows = table[table["measure"] == RANKED_BY]
    key = rows["estimate"].where(np.isfinite(rows["estimate"]), np.inf)
    return rows.assign(_k=key).sort_values("_k", kind="stable")["scenario"].tolist()


def conclusion(comparison, table: pd.DataFrame) -> str:
    """The first paragraph: who buys the most net employment per pound, by how much, and
    how sure the seeds make it."""
    names = [s.name for s in comparison.scenarios]
    n = len(comparison.seeds)
    order = ranked(table)
    best = _row(table, order[0], RANKED_BY)
    if not np.isfinite(best.estimate):
        return (f"No scenario here has a defined cost per net resident employment-year over "
                f"{n} seeds: the net employment it buys cannot be told from zero. More seeds "
                "or a larger programme would be needed before ranking them.")
    reengaged = _row(table, order[0], "cost_per_net_reengaged_discounted")
    text = (f"<b>{html.escape(order[0])}</b> buys the most net resident employment per pound: "
            f"GBP {fmt(best.estimate)} per net employment-year (95% interval GBP "
            f"{fmt(best.ci_low)} to {fmt(best.ci_high)}), and GBP "
            f"{fmt(reengaged.estimate)} per net resident re-engaged for six months.")
    if len(names) == 1:
        return text + f" Measured against no programme over {n} paired seeds."
    return text + " " + _versus(table, order, names[0], n)


def _versus(table: pd.DataFrame, order: list[str], first: str, n: int) -> str:
    """How the best compares with the reference (or the reference with the runner-up)."""
    other = order[1] if order[0] == first else first
    later = order[0] if order[0] != first else other  # its vs_first row holds the difference
    row = _row(table, later, RANKED_BY)
    if not np.isfinite(row.vs_first):
        return (f"Its difference from {html.escape(other)} has no defined interval over {n} "
                "seeds (one of the two costs is undefined).")
    sign = 1 if later == order[0] else -1  # report "best minus other"
    d, low, high = sorted_interval(sign, row.vs_first, row.vs_first_low, row.vs_first_high)
    base = _row(table, other, RANKED_BY).estimate
    share = f" ({abs(d) / base:.0%} less)" if np.isfinite(base) and base > 0 else ""
    sure = ("The interval excludes zero: with these seeds the ranking is clear." if
            low > 0 or high < 0 else
            f"The interval includes zero: {n} seeds cannot tell them apart; a difference of "
            f"this size would need {needed_text(row.seeds_needed_vs_first)}.")
    return (f"That is GBP {fmt(abs(d))} per employment-year cheaper than "
            f"{html.escape(other)}{share}: difference GBP {fmt(d)} "
            f"[{fmt(low)}, {fmt(high)}] (delta method, paired by seed). {sure}")


def sorted_interval(sign: int, d, low, high):
    """A difference and its interval multiplied by `sign`, bounds kept in order."""
    a, b = sign * low, sign * high
    return sign * d, min(a, b), max(a, b)


def ranking_html(comparison, table: pd.DataFrame) -> str:
    first = comparison.scenarios[0].name
    rows = []
    for rank, name in enumerate(ranked(table), 1):
        cells = {"rank": rank, "scenario": html.escape(name)}
        for measure in RANKING:
            r = _row(table, name, measure)
            cell = interval_text(r.estimate, r.ci_low, r.ci_high, r.unit)
            if name != first:
                versus = interval_text(r.vs_first, r.vs_first_low, r.vs_first_high, r.unit,
                                       difference=True)
                cell += f"<br><small>vs {html.escape(first)}: {versus}</small>"
            cells[r.label] = cell
        rows.append(cells)
    frame = pd.DataFrame(rows)
    return table_html(frame, raw=tuple(frame.columns))


def headline_html(table: pd.DataFrame, first: str) -> str:
    view = pd.DataFrame({
        "scenario": table["scenario"], "measure": table["label"],
        "estimate [95% CI]": [interval_text(r.estimate, r.ci_low, r.ci_high, r.unit)
                              for r in table.itertuples()],
        "method": table["method"],
        f"difference vs {first} [95% CI]": [
            interval_text(r.vs_first, r.vs_first_low, r.vs_first_high, r.unit, True)
            for r in table.itertuples()],
        "method ": table["vs_first_method"]})
    return table_html(view, raw=("estimate [95% CI]", f"difference vs {first} [95% CI]"))


def scenarios_html(comparison) -> str:
    frame = scenario_table(comparison)
    view = pd.DataFrame({
        "scenario": frame["scenario"], "regime": frame["regime"], "preset": frame["preset"],
        "seeds": frame["seeds"], "programme (years)": [f"{y:g}" for y in frame[
            "programme_years"]],
        "budget (GBP a year)": [fmt(v) for v in frame["budget_per_year"]],
        "budget over the programme (GBP)": [fmt(v) for v in frame["budget_programme"]],
        "one stop shop (GBP a year)": [fmt(v) for v in frame["one_stop_shop_per_year"]],
        "realised public cost, discounted (GBP)": [fmt(v) for v in frame[
            "realised_discounted"]],
        "unspent at the end (GBP)": [fmt(v) for v in frame["unspent"]]})
    return table_html(view)


def spending_html(spending: pd.DataFrame) -> str:
    """Realised spending by lever (rows) and scenario (columns): GBP and share."""
    cell = [f"{fmt(v)} ({s:.0%})" if np.isfinite(s) else fmt(v)
            for v, s in zip(spending["spent"], spending["share"], strict=True)]
    wide = spending.assign(cell=cell).pivot(index="label", columns="scenario", values="cell")
    wide = wide[list(dict.fromkeys(spending["scenario"]))].reset_index()
    return table_html(wide.rename(columns={"label": "lever"}))


def seeds_html(comparison) -> str:
    frame = seeds_table(comparison)
    view = pd.DataFrame({"quantity": frame["quantity"],
                         "estimate": [fmt(v) for v in frame["estimate"]],
                         "sd across seeds": [fmt(v) for v in frame["sd"]],
                         "95% half-width": [fmt(v) for v in frame["half_width"]],
                         "seeds used": frame["seeds_used"],
                         "seeds a difference this size needs": [
                             needed_text(v) for v in frame["seeds_needed"]]})
    return table_html(view)


SIGNS = {1.0: "+", -1.0: "\u2212", 0.0: "="}


def _sign(value) -> str:
    return SIGNS.get(value, "not measured") if np.isfinite(value) else "not measured"


def additionality_html(table: pd.DataFrame, kind: str) -> str:
    """The ratio measures (`kind` "measures", shares as percentages) or the account terms,
    each term with the sign it enters its account with ("=": the lines above add up to it)."""
    from sim import outcomes

    rows = table[(table["table"] == "measures") == (kind == "measures")]
    units = [outcomes.lookup(m, outcomes.COMPARISON).unit if kind == "measures" else ""
             for m in rows["measure"]]
    view = pd.DataFrame({"scenario": rows["scenario"], "account": rows["table"],
                         "": [_sign(v) for v in rows["sign"]], "term": rows["label"],
                         "estimate [95% CI]": [
                             interval_text(r.estimate, r.ci_low, r.ci_high, u, flag=False)
                             for r, u in zip(rows.itertuples(), units, strict=True)]})
    if kind == "measures":
        view = view.drop(columns=["account", ""])
    return table_html(view, raw=("estimate [95% CI]",))


def marginal_html(comparison) -> str:
    if not comparison.marginal:
        return ('<p class="note">Not measured in this run (compare --marginal measures it; '
                "--json does by default).</p>")
    rows = []
    for name, table in comparison.marginal.items():
        for _, both in table.groupby("lever", sort=False):
            by = both.set_index("outcome")
            head = by.loc["net_employment_years"]
            rows.append({"scenario": name, "lever": head.label, **{
                MARGINAL_COLUMNS[o]: interval_text(r.estimate, r.ci_low, r.ci_high)
                for o, r in by.iterrows()}, "verdict (employment-years)": head.verdict,
                "realised on the lever (GBP)": fmt(head.spent_on_lever),
                "realised in total, discounted (GBP)": fmt(head.spent_total),
                "seeds": head.seeds})
    chart = charts.marginal_chart(comparison.marginal)
    return (f'<img src="data:image/png;base64,{chart}" alt="marginal value by lever">'
            + table_html(pd.DataFrame(rows), raw=tuple(MARGINAL_COLUMNS.values())))


MARGINAL_COLUMNS = {"net_employment_years": "net employment-years per extra GBP 1m [95% CI]",
                    "net_reengaged": "net re-engaged per extra GBP 1m [95% CI]"}


def benchmarks_html() -> str:
    view = pd.DataFrame(vfm.BENCHMARKS, columns=["programme", "measure", "GBP", "source"])
    view["GBP"] = [fmt(v) for v in view["GBP"]]
    return table_html(view)


def glossary_html() -> str:
    return "<dl>" + "".join(f"<dt><b>{html.escape(t)}</b></dt><dd>{html.escape(d)}</dd>"
                            for t, d in GLOSSARY) + "</dl>"


def provenance_html(comparison) -> str:
    git = git_revision()
    rows = [("model", f"coalition-sim {package_version()}"),
            ("git commit", str(git.get("commit") or "unknown")
             + (" (uncommitted changes)" if git.get("dirty") else "")),
            ("created", datetime.now(UTC).isoformat(timespec="seconds")),
            ("seeds", f"{comparison.seeds[0]}-{comparison.seeds[-1]} "
                      f"({len(comparison.seeds)}; {comparison.seed_rule})"),
            ("scenario files", "; ".join(f"{s.name}: {s.source}" for s in comparison.scenarios)),
            *((f"{lib} version", str(v)) for lib, v in library_versions().items())]
    return table_html(pd.DataFrame(rows, columns=["item", "value"]))


METHODS_NOTE = """<p class="note">One interval method per kind of quantity, all 95% over
seeds: <b>t intervals</b> for means and for paired differences (net effects, differences
between scenarios, account terms, marginal values); <b>Fieller's interval</b> for ratios
(costs per net outcome, deadweight, displacement, leverage); the <b>delta method</b> for a
difference between two scenarios' costs per net outcome. A ratio whose denominator's
interval includes zero is undefined (&mdash;), never a misleading negative.</p>"""


def _img(data: str, alt: str) -> str:
    return f'<img src="data:image/png;base64,{data}" alt="{alt}">'


def render_html(comparison, table: pd.DataFrame, extra: pd.DataFrame,
                spending: pd.DataFrame) -> str:
    names = ", ".join(s.name for s in comparison.scenarios)
    first = comparison.scenarios[0].name
    return f"""<!doctype html><html><head><meta charset="utf-8">
<title>Scenario comparison: {html.escape(names)}</title><style>{STYLE}</style></head><body>
<h1>Which mix buys the most, net, per pound?</h1>
<p class="lead">{conclusion(comparison, table)}</p>
<p class="note">{html.escape(names)}, each against the same district with no regeneration
money, over seeds {comparison.seeds[0]}&ndash;{comparison.seeds[-1]} ({len(comparison.seeds)}
paired runs with common random numbers; seeds {html.escape(comparison.seed_rule)}). {FLAG}
marks an interval that includes zero.</p>
<h2>Ranking</h2>{ranking_html(comparison, table)}
<p class="note">Ranked by public cost per net resident employment-year, cheapest first.
Differences are from {html.escape(first)}, the first scenario given.</p>
<h2>Enough seeds?</h2>{seeds_html(comparison)}
<p class="note">A difference with seed-to-seed standard deviation s is told from zero by n
seeds when t(n&minus;1)&middot;s/&radic;n is below its size; the last column is that n for the
observed size and s (see <code>compare --seeds auto</code>).</p>
<h2>The scenarios and their money</h2>{scenarios_html(comparison)}
<h3>Realised spending by lever (GBP over the run, mean over seeds; share)</h3>
{spending_html(spending)}
<h2>Additionality account</h2>{_img(charts.waterfall_chart(extra), "additionality waterfall")}
<p class="note">Counted in the last month, scenario against the counterfactual, in jobs or
residents, mean over seeds with t intervals (error bars). Each account adds up exactly, seed
by seed: green adds, orange takes away, grey is the total of the lines before it. The jobs
account follows the firms the business levers assisted, the people account the people
levers' participants; place levers act through the indirect lines only. The people account's
displacement and multiplier are person by person and so also hold the runs' random
divergence; their difference is what the runs pin down.</p>
{additionality_html(extra, "account")}
<h3>Deadweight, displacement and leakage</h3>{additionality_html(extra, "measures")}
<h2>Marginal value of each lever</h2>{marginal_html(comparison)}
<p class="note">Each lever's money raised by GBP 1m over the programme (the total budget
rises by GBP 1m; every other lever keeps its money), run against the mix as given with the
same seeds. "grow" or "cut" only where the interval excludes zero.</p>
<h2>People-based and place-based effects</h2>{_img(charts.people_place_chart(comparison),
                                                   "people and place")}
<p class="note">People-based follows the residents out of work in deprived areas when the
programme started, wherever they are; place-based measures whoever lives in the deprived areas.
They differ when people move. Lines: mean over seeds; bands: 5-95% of seeds.</p>
<h2>Employment, deprived neighbourhoods against the rest</h2>
{_img(charts.trajectories_chart(comparison), "trajectories")}
<p class="note">Dashed: the same district with no programme.</p>
<h2>All headline measures</h2>{headline_html(table, first)}
<p class="note">Costs are realised public spending (regeneration, the one stop shop and
aligned mainstream money, which partners redirect from services elsewhere), discounted at the
Green Book rate (discount_rate). Participants' outcomes are divided by the people levers'
money and assisted-firm jobs (net of jobs lost in other firms) by the business levers'. Money
allocated but unspent at the end is shown apart and is not a cost.</p>
<h3>UK evaluation figures, for comparison</h3>{benchmarks_html()}
<p class="note">Their definitions differ from the model's (gross or net, per participant or
per job, discounted or not): orders of magnitude, not calibration targets.</p>
<h2>How sure: interval methods</h2>{METHODS_NOTE}
<h2>Glossary</h2>{glossary_html()}
<h2>Provenance</h2>{provenance_html(comparison)}
</body></html>"""
