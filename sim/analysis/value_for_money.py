"""Cost per net outcome: realised public spending, discounted at the Green Book rate,
over outcomes net of the counterfactual, with Fieller intervals across seeds.

Costs are what was spent (regeneration money through the levers and the one stop shop,
and aligned mainstream money, which is redirected from mainstream services and so is a
cost too), month by month over the programme, discounted to its first month at
`discount_rate` a year. Money allocated but unspent at the end (lever balances such as
the gap-funding reserve, and the delivery pipeline) is shown apart and is not a cost.
Outcomes that accrue over time (employment-years) are discounted at the same rate, as
the Green Book asks of cost-effectiveness ratios; counts at a date are not.

Spending is split by the levers' groups (sim.policy.levers): people levers (those that
buy places for residents), business levers (growth levers that are not people levers:
business advice with its gap funding, sites and transport; with the one stop shop) and
place levers (the rest). Each cost per outcome divides the money that can have bought it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analysis.intervals import ratio_interval, t_interval
from sim.evaluate import COMPARISON, SCENARIO, Result
from sim.params import REGISTRY
from sim.policy.levers import registry

PEOPLE, PLACE, BUSINESS = "people", "place", "business"
IN_WORK_AT = (12, 24)  # months after a participant's programme ended


def money_group(lever: str) -> str:
    """The spending group of a lever: people, business or place (plug-ins by their groups)."""
    groups = registry.get(lever).groups if lever in registry.names() else frozenset()
    if "people" in groups:
        return PEOPLE
    return BUSINESS if "growth" in groups else PLACE


def _programme(pair: Result, arm: str) -> pd.DataFrame:
    monthly = pair.arm_monthly(arm)
    return monthly[monthly["phase"] == "programme"].reset_index(drop=True)


def discount_factors(months: int, rate: float) -> np.ndarray:
    """Present value of GBP 1 in each programme month, the first month undiscounted."""
    return (1.0 + rate) ** (-np.arange(months) / 12.0)


def spend_by_group(pair: Result, rate: float, arm: str = SCENARIO) -> dict:
    """Discounted realised spending of one arm by group, and in total (GBP)."""
    months = _programme(pair, arm)
    factors = discount_factors(len(months), rate)
    out = dict.fromkeys((PEOPLE, PLACE, BUSINESS), 0.0)
    for column in months.columns:
        if column.startswith("spend_") and column.removeprefix("spend_") not in (
                "regeneration", "mainstream_aligned"):
            out[money_group(column.removeprefix("spend_"))] += float(
                months[column].to_numpy(float) @ factors)
    out[BUSINESS] += float(months["one_stop_shop_spend"].to_numpy(float) @ factors)
    out["total"] = out[PEOPLE] + out[PLACE] + out[BUSINESS]
    return out


def employment_years(pair: Result, rate: float) -> float:
    """Net resident employment-years over the programme: the monthly difference in residents
    in work, scenario minus counterfactual, summed, discounted, over 12."""
    employed = [(_programme(pair, arm)["employment_rate_district"]
                 * _programme(pair, arm)["working_age_district"]).to_numpy(float)
                for arm in (SCENARIO, COMPARISON)]
    return float((employed[0] - employed[1]) @ discount_factors(len(employed[0]), rate) / 12)


def net_in_work(pair: Result, months_after: int) -> float:
    """Participants (enrolments, matched) in work `months_after` months after their programme
    ended, scenario minus counterfactual (sim.evaluate.units.matched_panel)."""
    rows = pair.panel[pair.panel["months_after"] == months_after]
    return float((rows["employed_scenario"] - rows["employed_comparison"]).sum())


def per_seed(pair: Result, rate: float) -> dict:
    """Costs (scenario minus comparison) and net outcomes of one paired run."""
    a, b = spend_by_group(pair, rate), spend_by_group(pair, rate, COMPARISON)
    delta = lambda k: pair.value(k, SCENARIO) - pair.value(k, COMPARISON)  # noqa: E731
    assisted = delta("assisted_jobs") - pair.value("other_firms_jobs_lost", SCENARIO)
    return {"seed": pair.seed, **{f"cost_{k}": a[k] - b[k] for k in a},
            "unspent": delta("unspent_balance_end") + delta("unspent_pipeline_end"),
            "net_employment_years": employment_years(pair, rate),
            **{f"net_in_work_{m}m": net_in_work(pair, m) for m in IN_WORK_AT},
            "net_reengaged": delta("reengaged_6m_net_of_forgone"),
            "net_assisted_jobs": assisted}


# UK evaluation figures to set beside the model's (programme, measure, GBP, source)
BENCHMARKS = (
    ("Regional Growth Fund, rounds 1-2", "cost per net additional job (expected)", 33_000,
     "NAO, The Regional Growth Fund, May 2012"),
    ("Regional Growth Fund, rounds 1-4", "cost per net additional job (at selection)", 37_400,
     "NAO, Progress report on the Regional Growth Fund, Feb 2014"),
    ("Future Jobs Fund", "net cost to government per job outcome", 9_000,
     "Inclusion, Future Jobs Fund: an independent national evaluation, July 2011"),
    ("Future Jobs Fund", "net Exchequer cost per participant", 3_100,
     "DWP, Impacts and costs and benefits of the Future Jobs Fund, Nov 2012"),
    ("New Deal for Young People", "average cost per person found work", 3_480,
     "Work and Pensions Committee, Youth Unemployment and the Future Jobs Fund, HC 472, 2010"),
)

# measure: (cost column, outcome column)
RATIOS = {
    "cost_per_net_employment_year": ("cost_total", "net_employment_years"),
    **{f"cost_per_net_in_work_{m}m": ("cost_people", f"net_in_work_{m}m") for m in IN_WORK_AT},
    "cost_per_net_reengaged_discounted": ("cost_total", "net_reengaged"),
    "cost_per_net_assisted_job": ("cost_business", "net_assisted_jobs"),
}
LEVELS = ("cost_total", "cost_people", "cost_place", "cost_business", "unspent",
          "net_employment_years", "net_in_work_12m", "net_in_work_24m", "net_reengaged",
          "net_assisted_jobs")


def default_rate() -> float:
    return float(REGISTRY["discount_rate"].default)


def seed_frame(pairs: list[Result], rate: float | None = None) -> pd.DataFrame:
    rate = default_rate() if rate is None else rate
    return pd.DataFrame([per_seed(p, rate) for p in pairs])


def _row(measure: str, method: str, interval: tuple[float, float, float]) -> dict:
    return {"measure": measure, "method": method,
            **dict(zip(("estimate", "ci_low", "ci_high"), interval, strict=True))}


def cost_table(pairs: list[Result], rate: float | None = None) -> pd.DataFrame:
    """Discounted costs, net outcomes (t intervals) and costs per net outcome (Fieller;
    undefined where the outcome's interval includes zero or it is negative)."""
    frame = seed_frame(pairs, rate)
    rows = [_row(k, "t", t_interval(frame[k].to_numpy())) for k in LEVELS]
    rows += [_row(k, "Fieller", ratio_interval(frame[c].to_numpy(), frame[o].to_numpy(),
                                               positive=True))
             for k, (c, o) in RATIOS.items()]
    return pd.DataFrame(rows, columns=["measure", "method", "estimate", "ci_low", "ci_high"])
