"""Paired comparison of two scenarios over the same seeds (common random numbers).

For each seed the scenario runs first. Its programme participants are then
followed in the comparison run, which is by default the counterfactual: the
same district and seed with no regeneration money. Differences are taken seed
by seed, so everything the two runs share cancels. A difference gets a t
interval across seeds; a ratio (cost per net job, say) gets a bootstrap
interval across seeds.

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
"""

from __future__ import annotations

import math
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from multiprocessing import get_context

import numpy as np
import pandas as pd

from sim.model import LocalEconomy
from sim.outcomes import run_summary
from sim.policy.spec import Policy
from sim.scenario import Scenario

DIFFERENCES = ("reengaged_6m", "reengaged_3m", "reengaged_12m", "reengaged_6m_share",
               "employment_rate_deprived_end", "employment_rate_district_end", "jobs_total_end",
               "residents_employed_end", "wellbeing_deprived_end", "crime_deprived_end",
               "partner_engagement_mean_end", "business_engagement_share_end", "gva_end",
               "private_investment")
LABELS = {
    "reengaged_6m": "net re-engaged residents (6 months in work)",
    "reengaged_3m": "net re-engaged residents (3 months)",
    "reengaged_12m": "net re-engaged residents (12 months)",
    "reengaged_6m_share": "net re-engaged share of the cohort (6 months)",
    "employment_rate_deprived_end": "employment rate, deprived neighbourhoods (final year)",
    "employment_rate_district_end": "employment rate, district (final year)",
    "jobs_total_end": "net additional district jobs (final year)",
    "residents_employed_end": "net additional residents in work (final year)",
    "wellbeing_deprived_end": "well-being, deprived neighbourhoods (0-10)",
    "crime_deprived_end": "crime, deprived neighbourhoods (per 1,000 a year)",
    "partner_engagement_mean_end": "partner engagement (0-1)",
    "business_engagement_share_end": "share of businesses engaged",
    "gva_end": "GVA (GBP a month, final year)",
    "private_investment": "private investment (GBP, programme period)",
}


SERIES = ("employment_rate_deprived", "employment_rate_rest", "reengaged_6m_share",
          "jobs_total", "wellbeing_deprived", "crime_deprived", "partner_engagement_mean")


@dataclass(frozen=True)
class PairResult:
    """Per-seed summaries of both runs (with participants' employment and the jobs of the
    firms the scenario assisted, measured in both runs) and monthly series for charts."""

    seed: int
    a: dict
    b: dict
    series_a: dict | None = None
    series_b: dict | None = None


def counterfactual(scenario: Scenario) -> Scenario:
    """The same district and seed with no regeneration money."""
    return replace(scenario, name=f"{scenario.name} (no programme)", policy=Policy(
        "none", scenario.policy.mix, scenario.policy.targeting), shocks=scenario.shocks)


def _run(scenario: Scenario, seed: int, watch=None, disabled=()) -> LocalEconomy:
    model = LocalEconomy(scenario.params, rng=seed, policy=scenario.policy,
                         shocks=scenario.shocks, watch=watch, disabled_levers=disabled)
    return model.run()


def matched_panels(a: LocalEconomy, b: LocalEconomy, rows=None):
    """Participants' post-programme panels in both runs, masked to observations where the
    person is seen in both runs and had the same status before starting in both."""
    rows = np.arange(len(a.tracker.slot)) if rows is None else rows
    pa, pb = a.tracker.panel[rows], b.tracker.panel[rows]
    same_start = (a.tracker.start_status[rows] == b.tracker.start_status[rows]) & (
        a.tracker.start_status[rows] >= 0)
    return pa, pb, (pa >= 0) & (pb >= 0) & same_start[:, None]


def participant_employment(a: LocalEconomy, b: LocalEconomy, months=(6, 12)):
    """Share of participants in work 6-12 months after their programme, in each run."""
    pa, pb, seen = matched_panels(a, b)
    window = slice(months[0], months[1] + 1)
    seen = seen[:, window]
    if not seen.any():
        return float("nan"), float("nan")
    return (float(pa[:, window][seen].mean()), float(pb[:, window][seen].mean()))


def run_pair(a: Scenario, b: Scenario, seed: int) -> PairResult:
    """Scenario `a` then `b` with the same seed; `b` follows `a`'s participants."""
    model_a = _run(a, seed)
    model_b = _run(b, seed, watch=model_a.tracker.watch)
    summary_a, summary_b = run_summary(model_a), run_summary(model_b)
    summary_a["participant_employment"], summary_b["participant_employment"] = (
        participant_employment(model_a, model_b))
    rows = assisted_firms(model_a)
    summary_a["assisted_jobs"] = firm_jobs(model_a, rows)
    summary_b["assisted_jobs"] = firm_jobs(model_b, rows, same_firms_only=True)
    summary_a["assisted_incommuter_share"] = incommuter_share(model_a, rows)
    summary_b["assisted_incommuter_share"] = float("nan")
    return PairResult(seed, summary_a, summary_b, _series(model_a), _series(model_b))


def _series(model: LocalEconomy) -> dict:
    monthly = model.records["monthly"]
    return {c: np.array([row[c] for row in monthly], float) for c in SERIES}


def assisted_firms(model: LocalEconomy) -> np.ndarray:
    """Firms the programme helped: advised, or expanding or founded through a helped project."""
    project_firms = [pr["business_id"] for pr in model.records["projects"]
                     if pr.get("helped") and "business_id" in pr]
    supported = np.flatnonzero(model.firms.supported[: model.firms.n])
    return np.union1d(supported, np.array(project_firms, int))


def _employees(model: LocalEconomy) -> np.ndarray:
    res, firms = model.residents, model.firms
    at_firm = res.employer >= 0
    return np.bincount(res.employer[at_firm], minlength=firms.n) + firms.incommuters[: firms.n]


def firm_jobs(model: LocalEconomy, rows: np.ndarray, same_firms_only: bool = False) -> float:
    """Jobs at the end in firm rows `rows`. With `same_firms_only` (the comparison run),
    only rows of firms alive before the programme count: later rows are other firms in a
    run whose births differ, so a firm born in the scenario counts as zero there."""
    employees = _employees(model)
    rows = rows[rows < len(employees)]
    if same_firms_only:
        rows = rows[model.firms.birth_month[rows] <= model.p.burn_in_months]
    return float(employees[rows].sum())


def incommuter_share(model: LocalEconomy, rows: np.ndarray) -> float:
    jobs = _employees(model)[rows].sum()
    return float(model.firms.incommuters[rows].sum() / jobs) if jobs else float("nan")


def run_pairs(a: Scenario, b: Scenario, seeds, workers: int = 1) -> list[PairResult]:
    """All pairs; results do not depend on the number of workers."""
    return run_many([(a, b)], seeds, workers)[0]


def run_many(pairs_of_scenarios, seeds, workers: int = 1) -> list[list[PairResult]]:
    """Every (scenario, comparison) pair over the same seeds, spread over worker processes;
    returns one list of PairResults (in seed order) per pair of scenarios."""
    jobs = [(a, b, s) for a, b in pairs_of_scenarios for s in seeds]
    if workers <= 1:
        flat = [run_pair(*job) for job in jobs]
    else:
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
            flat = list(pool.map(run_pair, *zip(*jobs, strict=True)))
    n = len(seeds)
    return [flat[i * n:(i + 1) * n] for i in range(len(pairs_of_scenarios))]


def t_interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and two-sided t interval across seeds (NaN values are left out)."""
    from scipy import stats

    values = values[np.isfinite(values)]
    n = len(values)
    mean = float(np.mean(values))
    if n < 2:
        return mean, float("nan"), float("nan")
    half = stats.t.ppf(0.5 + level / 2, n - 1) * np.std(values, ddof=1) / math.sqrt(n)
    return mean, mean - half, mean + half


def ratio_interval(num: np.ndarray, den: np.ndarray, seed: int = 12345, draws: int = 2000,
                   positive: bool = False):
    """Ratio of means with a percentile bootstrap interval over seeds.

    With `positive`, a ratio whose denominator is not positive on average (a cost per net
    job when there are no net jobs) is undefined: NaN, not a misleading negative cost; and a
    bootstrap resample with no net gain counts as an unbounded cost, so the interval's upper
    end may be infinite.
    """
    mean_den = np.mean(den)
    if mean_den == 0 or (positive and mean_den <= 0):
        return float("nan"), float("nan"), float("nan")
    estimate = float(np.mean(num) / mean_den)
    if len(num) < 2:
        return estimate, float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(num), (draws, len(num)))
    den_means = den[idx].mean(axis=1)
    safe = np.where(den_means != 0, den_means, 1)
    ratios = np.where(den_means != 0, num[idx].mean(axis=1) / safe, np.nan)
    if positive:
        ratios = np.where(den_means > 0, ratios, np.inf)
    low, high = np.nanpercentile(ratios, [2.5, 97.5], method="nearest")  # no inf - inf
    return estimate, float(low), float(high)


def _arrays(pairs: list[PairResult], key: str):
    return (np.array([p.a[key] for p in pairs], float), np.array([p.b[key] for p in pairs], float))


def differences(pairs: list[PairResult]) -> pd.DataFrame:
    """Mean difference (scenario minus comparison) with a 95% t interval, per outcome."""
    rows = []
    for key in DIFFERENCES:
        a, b = _arrays(pairs, key)
        mean, low, high = t_interval(a - b)
        rows.append({"outcome": key, "label": LABELS[key], "scenario": a.mean(),
                     "comparison": b.mean(), "difference": mean, "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows)


def additionality(pairs: list[PairResult]) -> pd.DataFrame:
    """Cost per net outcome, leverage, deadweight, displacement and leakage, with intervals."""
    get = lambda k: _arrays(pairs, k)  # noqa: E731
    spend = np.subtract(*get("regeneration_spend")) + np.subtract(*get("one_stop_shop_spend"))
    jobs = np.subtract(*get("jobs_total_end"))
    reengaged = np.subtract(*get("reengaged_6m"))
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


def compare(a: Scenario, b: Scenario | None = None, seeds: int = 5, workers: int = 1,
            first_seed: int | None = None):
    """Run `a` and `b` (default: `a`'s counterfactual) over the same seeds.

    Returns:
        (differences table, additionality table, the per-seed pairs). Costs, leverage,
        deadweight, displacement and leakage are only defined against the counterfactual;
        comparing two policy scenarios leaves that table empty.
    """
    against_counterfactual = b is None
    b = counterfactual(a) if b is None else b
    start = a.seed if first_seed is None else first_seed
    pairs = run_pairs(a, b, list(range(start, start + seeds)), workers)
    extra = additionality(pairs) if against_counterfactual else additionality(pairs).iloc[0:0]
    return differences(pairs), extra, pairs


def fmt(x: float) -> str:
    """A number for a report: thousands separated, three significant digits when small."""
    if x is not None and np.isposinf(x):
        return "unbounded"
    if x is None or not np.isfinite(x):
        return "n/a"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def format_comparison(diff: pd.DataFrame, extra: pd.DataFrame, a_name: str, b_name: str,
                      seeds: list[int]) -> str:
    """A plain-text report: differences with 95% intervals, then additionality measures."""
    lines = [f"{a_name} vs {b_name}: seeds {seeds[0]}..{seeds[-1]} ({len(seeds)} paired runs, "
             "common random numbers)", "",
             f"{'outcome':55s} {'scenario':>12s} {'comparison':>12s} {'difference':>12s}  95% CI"]
    for r in diff.itertuples():
        lines.append(f"{r.label:55s} {fmt(r.scenario):>12s} {fmt(r.comparison):>12s} "
                     f"{fmt(r.difference):>12s}  [{fmt(r.ci_low)}, {fmt(r.ci_high)}]")
    if extra.empty:
        return "\n".join(lines)
    lines += ["", f"{'measure':55s} {'estimate':>12s}  95% CI (ratios: bootstrap over seeds)"]
    for r in extra.itertuples():
        lines.append(f"{MEASURES[r.measure]:55s} {fmt(r.estimate):>12s}  "
                     f"[{fmt(r.ci_low)}, {fmt(r.ci_high)}]")
    return "\n".join(lines)


MEASURES = {
    "cost_per_net_job": "cost per net additional district job (GBP)",
    "cost_per_net_reengaged": "cost per net re-engaged resident (GBP)",
    "private_leverage": "private GBP per public GBP (helped projects)",
    "deadweight_participants": "deadweight: participants' work anyway (share)",
    "deadweight_projects": "deadweight: helped projects going ahead anyway",
    "displacement": "displacement: jobs lost elsewhere per assisted job",
    "leakage": "leakage: in-commuter share of assisted firms' jobs",
}
