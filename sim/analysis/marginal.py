"""Marginal value by lever: what an extra GBP 1m on one lever buys, net, in a given mix.

For each lever the mix is run twice over the same seeds (common random numbers): as
given, and with that lever's money raised by `extra` GBP over the programme. The total
budget rises by the same amount, so every other lever keeps its money in GBP and only
the raised lever's share goes up (the shares are rescaled to sum to one). The two runs
are a `Pair` whose comparison is the mix as given, so each seed's difference is the
lever's marginal effect, and a paired t interval across seeds says how sure it is.

A regime may reallocate the raised allocation (a coalition's pot is tilted by its growth
weight, an LSP's streams follow the partners' remits), so the money realised on the
lever is reported beside the GBP 1m allocated. A lever is labelled "grow" where the
interval of its marginal effect lies above zero and "cut" where it lies below; between,
the seeds cannot tell it from no effect and it gets no label.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from sim.analysis.intervals import t_interval
from sim.analysis.value_for_money import employment_years, spend_by_group
from sim.backends import Backend
from sim.evaluate import COMPARISON, SCENARIO, Pair, Result, evaluate
from sim.policy.levers import registry
from sim.scenario import Scenario

EXTRA_GBP = 1_000_000  # the marginal step, over the whole programme
PER = 1_000_000  # results are per GBP 1m allocated
OUTCOMES = {"net_employment_years": "net resident employment-years per extra GBP 1m",
            "net_reengaged": "net re-engaged residents (6 months) per extra GBP 1m"}
HEADLINE = "net_employment_years"
COLUMNS = ["lever", "label", "outcome", "estimate", "ci_low", "ci_high", "verdict",
           "spent_on_lever", "spent_total", "seeds"]


def raised(scenario: Scenario, lever: str, extra: float = EXTRA_GBP) -> Scenario:
    """`scenario` with `extra` GBP more for `lever` over the programme: the yearly budget
    rises by extra * 12 / programme_months and the other levers keep their GBP."""
    p = scenario.params
    budget = p.regeneration_budget
    per_year = extra * 12.0 / p.programme_months
    total = budget + per_year
    mix = {k: v * budget / total for k, v in scenario.policy.mix.items()}
    mix[lever] += per_year / total
    return replace(scenario, name=f"{scenario.name}+{lever}",
                   params=p.replace(where=f"marginal {lever}", regeneration_budget=total),
                   policy=replace(scenario.policy, mix=mix))


def levers_of(scenario: Scenario) -> list[str]:
    """The levers a marginal step applies to: every registered lever of the mix."""
    return [lever for lever in registry.names() if lever in scenario.policy.mix]


def marginal_pairs(scenario: Scenario, seeds, levers: list[str] | None = None,
                   extra: float = EXTRA_GBP) -> list[Pair]:
    """One Pair per lever and seed: the raised mix against the mix as given."""
    levers = levers_of(scenario) if levers is None else levers
    return [Pair(raised(scenario, lever, extra), seed, scenario)
            for lever in levers for seed in seeds]


def per_seed(pair: Result, lever: str, rate: float, extra: float = EXTRA_GBP) -> dict:
    """One seed's marginal effects per GBP 1m allocated, and the money realised."""
    scale = PER / extra
    spent = lambda arm: pair.arm_monthly(arm)[f"spend_{lever}"].sum()  # noqa: E731
    total = spend_by_group(pair, rate)["total"] - spend_by_group(pair, rate, COMPARISON)["total"]
    return {"lever": lever, "seed": pair.seed,
            "net_employment_years": employment_years(pair, rate) * scale,
            "net_reengaged": (pair.value("reengaged_6m_net_of_forgone", SCENARIO)
                              - pair.value("reengaged_6m_net_of_forgone", COMPARISON)) * scale,
            "spent_on_lever": float(spent(SCENARIO) - spent(COMPARISON)),
            "spent_total": float(total)}


def verdict(low: float, high: float) -> str:
    """"grow" or "cut" where the interval excludes zero; "" where it cannot tell."""
    if np.isfinite(low) and low > 0:
        return "grow"
    if np.isfinite(high) and high < 0:
        return "cut"
    return ""


def marginal_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Per lever and outcome: mean marginal effect over seeds with a paired t interval, the
    verdict, and the mean money realised (GBP, undiscounted on the lever, discounted in
    total); sorted by the headline estimate, largest first."""
    rows = []
    for lever, seeds in frame.groupby("lever", sort=False):
        for outcome in OUTCOMES:
            est, low, high = t_interval(seeds[outcome].to_numpy(float))
            rows.append({"lever": lever, "label": _label(lever), "outcome": outcome,
                         "estimate": est, "ci_low": low, "ci_high": high,
                         "verdict": verdict(low, high),
                         "spent_on_lever": float(seeds["spent_on_lever"].mean()),
                         "spent_total": float(seeds["spent_total"].mean()),
                         "seeds": len(seeds)})
    table = pd.DataFrame(rows, columns=COLUMNS)
    order = (table[table["outcome"] == HEADLINE].sort_values("estimate", ascending=False)
             ["lever"].tolist())
    return (table.assign(_rank=table["lever"].map({lv: i for i, lv in enumerate(order)}))
            .sort_values(["_rank", "outcome"], kind="stable").drop(columns="_rank")
            .reset_index(drop=True))


def _label(lever: str) -> str:
    return registry.get(lever).label if lever in registry.names() else lever


def marginal_values(scenario: Scenario, seeds, backend: Backend | None = None,
                    folder=None, progress: bool = False, extra: float = EXTRA_GBP,
                    levers: list[str] | None = None) -> pd.DataFrame:
    """The marginal value of every lever of `scenario`'s mix (see `marginal_table`); empty
    for a scenario with no regeneration money."""
    if not scenario.policy.funded:
        return pd.DataFrame(columns=COLUMNS)
    levers = levers_of(scenario) if levers is None else levers
    seeds = list(seeds)
    results = evaluate(marginal_pairs(scenario, seeds, levers, extra), backend, folder,
                       progress)
    rate = scenario.params.discount_rate
    frame = pd.DataFrame([per_seed(r, levers[i // len(seeds)], rate, extra)
                          for i, r in enumerate(results)])
    return marginal_table(frame)
