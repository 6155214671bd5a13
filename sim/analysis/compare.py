"""Paired comparison of two scenarios over the same seeds (common random numbers).

For each seed the scenario runs first. Its programme participants are then
followed in the comparison run, which is by default the counterfactual: the
same district and seed with no regeneration money. Differences are taken seed
by seed, so everything the two runs share cancels. A difference gets a t
interval across seeds; a ratio (cost per net job, say) gets Fieller's interval
across seeds (sim.analysis.intervals), and is undefined where its denominator's
interval includes zero.

The additionality vocabulary of the HCA Additionality Guide is measured here,
not assumed:

* deadweight: participants' employment 6-12 months after their programme in the
  counterfactual, as a share of it in the scenario (how much would have
  happened anyway); for business help, the share of helped projects that would
  have gone ahead without help;
* displacement: jobs lost in other firms per job gained in the firms the
  programme assisted (advised firms, and firms behind helped projects), the
  gain measured against the same firms in the comparison run;
* leakage: the share of jobs in assisted firms held by in-commuters.

Costs are public costs: regeneration money (levers and the one stop shop) plus aligned
mainstream money, which is redirected from mainstream services and so is not free. Cost
per net re-engaged resident divides by re-engagement net of the residents the aligned
money would have re-engaged through mainstream services elsewhere.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim import outcomes
from sim.analysis.intervals import ratio_interval, t_interval
from sim.analysis.value_for_money import cost_table
from sim.backends import Backend
from sim.evaluate import COMPARISON, SCENARIO, Pair, Result, evaluate
from sim.scenario import Scenario

DIFFERENCES = ("reengaged_6m", "reengaged_6m_net_of_forgone", "aligned_forgone_reengaged",
               "reengaged_3m", "reengaged_12m", "reengaged_6m_share",
               "employment_rate_deprived_end", "employment_rate_district_end", "jobs_total_end",
               "residents_employed_end", "wellbeing_deprived_end", "crime_deprived_end",
               "partner_engagement_mean_end", "business_engagement_share_end", "gva_end",
               "private_investment", "nonparticipant_employment", "regeneration_cost",
               "mainstream_aligned_spend", "public_cost")
DEADWEIGHT_WINDOW = (6, 12)  # months after the programme ended, inclusive


def difference_label(key: str) -> str:
    """The label of a compared outcome: a run outcome, or one that needs both runs."""
    level = outcomes.PAIR if key in outcomes.names(outcomes.PAIR) else outcomes.RUN
    return outcomes.label(key, level)


def measure_label(measure: str) -> str:
    """The label of an additionality measure, with its unit."""
    return outcomes.lookup(measure, outcomes.COMPARISON).titled()


def pairs_for(scenarios: list[Scenario], comparison: Scenario | None, seeds) -> list[Pair]:
    """Every scenario paired with `comparison` (None: its counterfactual), seed by seed."""
    return [Pair(s, seed, comparison) for s in scenarios for seed in seeds]


def run_pairs(scenarios: list[Scenario], comparison: Scenario | None, seeds,
              backend: Backend | None = None, folder: str | Path | None = None,
              progress: bool = False) -> list[list[Result]]:
    """Paired outcomes, one list (in seed order) per scenario; they do not depend on the
    backend or the number of workers. With `folder`, an interrupted call resumes."""
    seeds = list(seeds)
    flat = evaluate(pairs_for(scenarios, comparison, seeds), backend, folder, progress)
    n = len(seeds)
    return [flat[i * n:(i + 1) * n] for i in range(len(scenarios))]


def participant_employment(pair: Result, months=DEADWEIGHT_WINDOW) -> tuple[float, float]:
    """Share of the scenario's participants in work `months` after their programme ended,
    in each run, over matched observations (see sim.evaluate.units.matched_panel)."""
    panel = pair.panel
    window = panel[panel["months_after"].between(*months)]
    observed = window["observed"].sum()
    if observed == 0:
        return float("nan"), float("nan")
    return (float(window["employed_scenario"].sum() / observed),
            float(window["employed_comparison"].sum() / observed))


def _arrays(pairs: list[Result], key: str):
    """(scenario, comparison) values of `key` across seeds."""
    if key == "participant_employment":
        both = np.array([participant_employment(p) for p in pairs], float).reshape(-1, 2)
        return both[:, 0], both[:, 1]
    return (np.array([p.value(key, SCENARIO) for p in pairs], float),
            np.array([p.value(key, COMPARISON) for p in pairs], float))


def differences(pairs: list[Result]) -> pd.DataFrame:
    """Mean difference (scenario minus comparison) with a 95% t interval, per outcome."""
    rows = []
    for key in DIFFERENCES:
        a, b = _arrays(pairs, key)
        mean, low, high = t_interval(a - b)
        rows.append({"outcome": key, "label": difference_label(key), "scenario": a.mean(),
                     "comparison": b.mean(), "difference": mean, "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows)


def additionality(pairs: list[Result]) -> pd.DataFrame:
    """Cost per net outcome, leverage, deadweight, displacement and leakage, with intervals."""
    get = lambda k: _arrays(pairs, k)  # noqa: E731
    spend = np.subtract(*get("public_cost"))  # regeneration and aligned mainstream money
    jobs = np.subtract(*get("jobs_total_end"))
    reengaged = np.subtract(*get("reengaged_6m_net_of_forgone"))
    assisted = np.subtract(*get("assisted_jobs"))
    public_business = get("gap_funding")[0] + get("one_stop_shop_spend")[0]
    part_a, part_b = get("participant_employment")
    helped, anyway = get("projects_helped")[0], get("projects_helped_anyway")[0]
    rows = {
        "cost_per_net_job": ratio_interval(spend, jobs, positive=True),
        "cost_per_net_reengaged": ratio_interval(spend, reengaged, positive=True),
        "private_leverage": ratio_interval(get("private_investment_helped")[0], public_business),
        "deadweight_participants": ratio_interval(part_b, part_a),
        "deadweight_projects": ratio_interval(anyway, helped),
        "displacement": ratio_interval(assisted - jobs, assisted),
        "leakage": t_interval(get("assisted_incommuter_share")[0]),
    }
    return pd.DataFrame([{"measure": k, "estimate": v[0], "ci_low": v[1], "ci_high": v[2]}
                         for k, v in rows.items()])


def costs_and_ratios(pairs: list[Result], rate: float | None = None) -> pd.DataFrame:
    """Costs per net outcome (sim.analysis.value_for_money, discounted at `rate`, default
    the registry's discount_rate), then the additionality ratios, in one table."""
    columns = ["measure", "estimate", "ci_low", "ci_high"]
    return pd.concat([cost_table(pairs, rate)[columns], additionality(pairs)[columns]],
                     ignore_index=True)


def compare(a: Scenario, b: Scenario | None = None, seeds: int = 5,
            backend: Backend | None = None, first_seed: int | None = None,
            folder: str | Path | None = None):
    """Run `a` and `b` (default: `a`'s counterfactual) over the same seeds.

    Returns:
        (differences table, additionality table, the per-seed pairs). Costs, leverage,
        deadweight, displacement and leakage are only defined against the counterfactual;
        comparing two policy scenarios leaves that table empty.
    """
    start = a.seed if first_seed is None else first_seed
    pairs = run_pairs([a], b, range(start, start + seeds), backend, folder)[0]
    extra = additionality(pairs) if b is None else additionality(pairs).iloc[0:0]
    return differences(pairs), extra, pairs


def fmt(x: float) -> str:
    """A number for a report: thousands separated, three significant digits when small."""
    if x is not None and np.isposinf(x):
        return "unbounded"
    if x is None or not np.isfinite(x):
        return "n/a"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def fmt_in(x: float, unit: str, difference: bool = False) -> str:
    """`fmt`, but a share as a percentage (a difference of shares in percentage points)."""
    if unit != "share" or x is None or not np.isfinite(x):
        return fmt(x)
    return f"{100 * x:+.1f} pp" if difference else f"{100 * x:.1f}%"


def _unit(key: str) -> str:
    for level in (outcomes.RUN, outcomes.PAIR, outcomes.COMPARISON):
        if key in outcomes.names(level):
            return outcomes.lookup(key, level).unit
    return ""


def format_comparison(diff: pd.DataFrame, extra: pd.DataFrame, a_name: str, b_name: str,
                      seeds: list[int]) -> str:
    """A plain-text report: differences with 95% intervals, then additionality measures
    (shares as percentages, their differences in percentage points)."""
    lines = [f"{a_name} vs {b_name}: seeds {seeds[0]}..{seeds[-1]} ({len(seeds)} paired runs, "
             "common random numbers)", "",
             f"{'outcome':60s} {'scenario':>12s} {'comparison':>12s} {'difference':>12s}  95% CI"]
    for r in diff.itertuples():
        u = _unit(r.outcome)
        lines.append(f"{r.label:60.60s} {fmt_in(r.scenario, u):>12s} "
                     f"{fmt_in(r.comparison, u):>12s} {fmt_in(r.difference, u, True):>12s}  "
                     f"[{fmt_in(r.ci_low, u, True)}, {fmt_in(r.ci_high, u, True)}]")
    if extra.empty:
        return "\n".join(lines)
    lines += ["", f"{'measure':60s} {'estimate':>12s}  95% CI (ratios: Fieller over seeds; "
              "means: t)"]
    for r in extra.itertuples():
        u = _unit(r.measure)
        lines.append(f"{measure_label(r.measure):60.60s} {fmt_in(r.estimate, u):>12s}  "
                     f"[{fmt_in(r.ci_low, u)}, {fmt_in(r.ci_high, u)}]")
    return "\n".join(lines)
