"""Compare several scenarios, each against its counterfactual, and write a report.

Every scenario and its counterfactual (the same district and seed with no
regeneration money) run over the same seeds: common random numbers. The
headline table gives each scenario's net effects with 95% intervals, and the
difference from the first scenario, also with intervals (paired by seed). One
interval method per kind of quantity: t intervals for means and paired
differences, Fieller's for ratios (costs per net outcome), the delta method for
differences between two scenarios' ratios. The self-contained HTML report
(sim.analysis.report_html) embeds its charts as images, so it opens offline. The
same numbers are written as CSV and JSON, and a short plain-text summary is printed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim import outcomes
from sim.analysis import additionality as account
from sim.analysis import seeds as enough
from sim.analysis import value_for_money as vfm
from sim.analysis.compare import additionality, fmt, measure_label, run_pairs
from sim.analysis.intervals import ratio_difference, t_interval
from sim.backends import Backend
from sim.evaluate import COMPARISON, SCENARIO, Result
from sim.io import write_texts_atomic
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
HEADLINE_MEASURE = "net_employment_years"  # what --seeds auto narrows
RANKED_BY = "cost_per_net_employment_year"


def headline_label(key: str, kind: str) -> str:
    """The registry's label of a headline measure, with its unit."""
    if kind in ("ratio", "vfm"):
        return measure_label(key)
    return outcomes.lookup(key).titled("net " if kind == "net" else "")


def headline_unit(key: str, kind: str) -> str:
    level = outcomes.COMPARISON if kind in ("ratio", "vfm") else outcomes.RUN
    return outcomes.lookup(key, level).unit


@dataclass
class Comparison:
    """The results of comparing scenarios: one list of per-seed pairs per scenario, the
    marginal value of each lever per scenario (sim.analysis.marginal; may be empty), and
    how the number of seeds was chosen."""

    scenarios: list[Scenario]
    seeds: list[int]
    pairs: list[list[Result]]
    marginal: dict[str, pd.DataFrame] = field(default_factory=dict)
    seed_rule: str = "fixed"


def compare_scenarios(scenarios: list[Scenario], seeds: int | str = 5,
                      backend: Backend | None = None, first_seed: int | None = None,
                      folder: str | Path | None = None, progress: bool = False,
                      target: str = enough.DEFAULT_TARGET,
                      max_seeds: int = enough.DEFAULT_MAX_SEEDS) -> Comparison:
    """Run every scenario and its counterfactual over the same seeds (resumable with
    `folder`: finished pairs are kept there). `seeds="auto"` adds seeds in batches until
    the headline differences' intervals are narrower than `target` (sim.analysis.seeds),
    or `max_seeds` is reached."""
    start = scenarios[0].seed if first_seed is None else first_seed
    if seeds != "auto":
        seed_list = list(range(start, start + int(seeds)))
        return Comparison(scenarios, seed_list,
                          run_pairs(scenarios, None, seed_list, backend, folder, progress))
    done: dict[int, list[Result]] = {}

    def headlines(seed_list: list[int]) -> list[np.ndarray]:
        new = [s for s in seed_list if s not in done]
        if new:
            runs = run_pairs(scenarios, None, new, backend, folder, progress)
            done.update({seed: [r[j] for r in runs] for j, seed in enumerate(new)})
        pairs = [[done[s][i] for s in seed_list] for i in range(len(scenarios))]
        return headline_differences(pairs, scenarios)

    goal = enough.Target.parse(target)
    seed_list = enough.until_narrow(headlines, start, goal, max_seeds)
    pairs = [[done[s][i] for s in seed_list] for i in range(len(scenarios))]
    rule = (f"auto: seeds added {enough.FIRST_BATCH} at a time until every headline "
            f"interval's half-width was below {goal} (at most {max_seeds} seeds)")
    return Comparison(scenarios, seed_list, pairs, seed_rule=rule)


def headline_differences(pairs: list[list[Result]], scenarios: list[Scenario]
                         ) -> list[np.ndarray]:
    """Per seed: each scenario's net resident employment-years, then each later scenario's
    minus the first's (the differences a comparison is for)."""
    nets = [vfm.seed_frame(p, s.params.discount_rate)[HEADLINE_MEASURE].to_numpy(float)
            for p, s in zip(pairs, scenarios, strict=True)]
    return nets + [n - nets[0] for n in nets[1:]]


def add_marginal(comparison: Comparison, backend: Backend | None = None, folder=None,
                 progress: bool = False, seeds: int | None = None) -> Comparison:
    """Each scenario's marginal value by lever (sim.analysis.marginal) over the first
    `seeds` of the comparison's seeds (default all)."""
    from sim.analysis.marginal import marginal_values

    use = comparison.seeds[:seeds] if seeds else comparison.seeds
    comparison.marginal = {s.name: marginal_values(s, use, backend, folder, progress)
                           for s in comparison.scenarios}
    return comparison


def _values(pairs, key, arm=SCENARIO) -> np.ndarray:
    return np.array([p.value(key, arm) for p in pairs], float)


class _Tables:
    """Per-scenario tables the headline reads: additionality ratios, costs, seed frames."""

    def __init__(self, comparison: Comparison):
        self.comparison = comparison
        self.frames = [vfm.seed_frame(p, s.params.discount_rate)
                       for s, p in zip(comparison.scenarios, comparison.pairs, strict=True)]
        self.costs = [vfm.cost_table(p, s.params.discount_rate).set_index("measure")
                      for s, p in zip(comparison.scenarios, comparison.pairs, strict=True)]
        self.ratios = [additionality(p).set_index("measure") for p in comparison.pairs]

    def estimate(self, i: int, key: str, kind: str) -> tuple[float, float, float]:
        pairs = self.comparison.pairs[i]
        table = {"ratio": self.ratios, "vfm": self.costs}.get(kind)
        if table is not None:
            row = table[i].loc[key]
            return row.estimate, row.ci_low, row.ci_high
        if kind == "level":
            return t_interval(_values(pairs, key))
        return t_interval(_values(pairs, key) - _values(pairs, key, COMPARISON))

    def versus_first(self, i: int, key: str, kind: str) -> tuple[float, float, float]:
        """Difference from the first scenario, paired by seed: t for means, the delta
        method for costs per net outcome; none for the additionality ratios."""
        if i == 0 or kind == "ratio":
            return (np.nan,) * 3
        if kind == "vfm" and key in vfm.RATIOS:
            cost, outcome = vfm.RATIOS[key]
            a, b = self.frames[i], self.frames[0]
            return ratio_difference(a[cost], a[outcome], b[cost], b[outcome])
        if kind == "vfm":
            return t_interval(self.frames[i][key].to_numpy() - self.frames[0][key].to_numpy())
        this, first = self.comparison.pairs[i], self.comparison.pairs[0]
        if kind == "level":
            return t_interval(_values(this, key) - _values(first, key))
        net = lambda p: _values(p, key) - _values(p, key, COMPARISON)  # noqa: E731
        return t_interval(net(this) - net(first))


def method_of(key: str, kind: str, versus: bool = False) -> str:
    """The interval method of a headline row (or of its difference from the first)."""
    ratio = kind == "ratio" or (kind == "vfm" and key in vfm.RATIOS)
    if versus:
        return "delta method" if ratio and kind == "vfm" else ("" if ratio else "t")
    return "Fieller" if ratio else "t"


def headline_table(comparison: Comparison) -> pd.DataFrame:
    """One row per scenario and measure: estimate with 95% interval, and vs the first, with
    the seeds a difference of the observed size would need."""
    tables, rows, n = _Tables(comparison), [], len(comparison.seeds)
    for i, scenario in enumerate(comparison.scenarios):
        for key, kind in HEADLINE:
            est, low, high = tables.estimate(i, key, kind)
            d, d_low, d_high = tables.versus_first(i, key, kind)
            rows.append({"scenario": scenario.name, "measure": key,
                         "label": headline_label(key, kind), "unit": headline_unit(key, kind),
                         "estimate": est, "ci_low": low, "ci_high": high,
                         "method": method_of(key, kind),
                         "vs_first": d, "vs_first_low": d_low, "vs_first_high": d_high,
                         "vs_first_method": method_of(key, kind, versus=True) if i else "",
                         "seeds_needed_vs_first": enough.seeds_from_interval(d, d_low, d_high, n)
                         if i else None})
    return pd.DataFrame(rows)


def seeds_table(comparison: Comparison) -> pd.DataFrame:
    """The headline (net resident employment-years) and its differences between scenarios:
    estimate, seed-to-seed sd, interval half-width, seeds used and seeds a difference of
    the observed size would need (sim.analysis.seeds)."""
    values = headline_differences(comparison.pairs, comparison.scenarios)
    names = [s.name for s in comparison.scenarios]
    what = ([f"{n}: net resident employment-years (vs no programme)" for n in names]
            + [f"{n} minus {names[0]}: net resident employment-years" for n in names[1:]])
    return pd.DataFrame([{"quantity": q, "estimate": float(np.mean(v)),
                          "sd": float(np.std(v, ddof=1)) if len(v) > 1 else np.nan,
                          "half_width": enough.half_width(v), "seeds_used": len(v),
                          "seeds_needed": enough.seeds_needed(v)}
                         for q, v in zip(what, values, strict=True)])


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
        rows += [{"scenario": scenario.name, "lever": lever, "label": lever_label(lever),
                  "spent": value, "share": value / total if total else float("nan")}
                 for lever, value in spent.items()]
    return pd.DataFrame(rows, columns=["scenario", "lever", "label", "spent", "share"])


def scenario_table(comparison: Comparison) -> pd.DataFrame:
    """Each scenario's regime, preset, seeds, programme, budget and money realised."""
    rows = []
    for s, frame in zip(comparison.scenarios, _Tables(comparison).frames, strict=True):
        p = s.params
        rows.append({"scenario": s.name, "regime": s.policy.regime, "preset": s.preset,
                     "seeds": f"{comparison.seeds[0]}-{comparison.seeds[-1]} "
                              f"({len(comparison.seeds)})",
                     "programme_years": p.programme_months / 12,
                     "budget_per_year": p.regeneration_budget,
                     "budget_programme": p.regeneration_budget * p.programme_months / 12,
                     "one_stop_shop_per_year": p.one_stop_shop_budget
                     if s.policy.regime == "coalition" else 0.0,
                     "realised_discounted": float(frame["cost_total"].mean()),
                     "unspent": float(frame["unspent"].mean())})
    return pd.DataFrame(rows)


def lever_label(name: str) -> str:
    return registry.get(name).label if name in registry.names() else name


def text_summary(comparison: Comparison, table: pd.DataFrame) -> str:
    """The terminal summary: net re-engagement and cost per scenario, the seeds a
    difference needs, and the levers to grow or cut."""
    lines = [f"{len(comparison.scenarios)} scenario(s) against the counterfactual, seeds "
             f"{comparison.seeds[0]}..{comparison.seeds[-1]} (common random numbers; "
             f"seeds {comparison.seed_rule})"]
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
    return "\n".join(lines) + "\n\n" + seeds_and_marginal_text(comparison)


def seeds_and_marginal_text(comparison: Comparison) -> str:
    """The seeds each headline difference needs, then the levers' marginal values."""
    lines = ["Seeds a difference of the observed size needs (95%):"]
    lines += [f"  {r.quantity}: {needed_text(r.seeds_needed)} (used {r.seeds_used})"
              for r in seeds_table(comparison).itertuples()]
    for name, marg in comparison.marginal.items():
        head = marg[marg["outcome"] == "net_employment_years"]
        lines.append(f"\nMarginal value, {name} (net resident employment-years per extra "
                     "GBP 1m):")
        lines += [f"  {r.label:28s} {fmt(r.estimate):>8s} [{fmt(r.ci_low)}, {fmt(r.ci_high)}]"
                  f" {r.verdict}" for r in head.itertuples()]
    return "\n".join(lines)


def needed_text(n) -> str:
    if n is None or (isinstance(n, float) and not np.isfinite(n)):
        return f"more than {enough.MAX_COUNTED:,} (no difference to detect)"
    return f"{int(n)} seeds"


def write_report(comparison: Comparison, out: str | Path) -> tuple[Path, str]:
    """Write report.html, headline.csv, additionality.csv, spending.csv and (when measured)
    marginal.csv into `out`, each file whole or not at all (the folder also keeps the
    finished paired runs under units/); return the folder and the terminal summary."""
    from sim.analysis.report_html import render_html

    out = Path(out)
    table, extra = headline_table(comparison), additionality_table(comparison)
    spending = spending_table(comparison)
    files = {out / "headline.csv": table.to_csv(index=False),
             out / "additionality.csv": extra.to_csv(index=False),
             out / "spending.csv": spending.to_csv(index=False),
             out / "seeds.csv": seeds_table(comparison).to_csv(index=False),
             out / "report.html": render_html(comparison, table, extra, spending)}
    if comparison.marginal:
        files[out / "marginal.csv"] = marginal_frame(comparison).to_csv(index=False)
    write_texts_atomic(files)
    return out, text_summary(comparison, table)


def marginal_frame(comparison: Comparison) -> pd.DataFrame:
    frames = [m.assign(scenario=name) for name, m in comparison.marginal.items()]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts, NaN and numpy scalars as JSON values (NaN as null)."""
    def clean(v):
        if isinstance(v, np.generic):
            v = v.item()
        return None if isinstance(v, float) and not np.isfinite(v) else v

    return [{k: clean(v) for k, v in row.items()} for row in frame.to_dict("records")]


def to_json(comparison: Comparison) -> str:
    """The headline, the additionality account, cost per net resident employment-year, the
    seeds a difference needs and the marginal value per lever, as one JSON document."""
    table = headline_table(comparison)
    cost = table[table["measure"] == RANKED_BY][["scenario", "estimate", "ci_low", "ci_high",
                                                 "method", "vs_first", "vs_first_low",
                                                 "vs_first_high", "vs_first_method"]]
    return json.dumps({"scenarios": [s.name for s in comparison.scenarios],
                       "seeds": comparison.seeds, "seed_rule": comparison.seed_rule,
                       "cost_per_net_employment_year": _records(cost),
                       "headline": _records(table),
                       "additionality": _records(additionality_table(comparison)),
                       "seeds_needed": _records(seeds_table(comparison)),
                       "marginal": {name: _records(m)
                                    for name, m in comparison.marginal.items()},
                       "benchmarks": [dict(zip(("programme", "measure", "gbp", "source"), b,
                                               strict=True)) for b in vfm.BENCHMARKS]},
                      indent=1)
