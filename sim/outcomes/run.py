"""The run summary: named scalar outcomes of a finished run, in groups.

"End" values are means over the last 12 months, to smooth monthly noise; each is
the `<column>_end` of a monthly outcome and inherits its label, unit and
direction.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from sim.cohort import HORIZONS
from sim.outcomes.base import HIGHER, LOWER, RUN, Group, o
from sim.outcomes.monthly import GROUPS_OF_THE_MONTH
from sim.policy import regimes
from sim.policy.levers import registry

END_OF = ("employment_rate_deprived", "employment_rate_rest", "employment_rate_district",
          "jobs_total", "wellbeing_deprived", "crime_deprived", "partner_engagement_mean",
          "partner_trust_mean", "business_engagement_share", "gva")


def _last_year_mean(monthly, column: str) -> float:
    return float(np.mean([row[column] for row in monthly[-12:]]))


def programme_totals(model) -> dict:
    """The cohort's re-engagement, money spent, investment and activity over the run."""
    monthly = model.records["monthly"]
    projects = [pr for pr in model.records["projects"] if pr["month"] > model.p.burn_in_months]
    helped = [pr for pr in projects if pr["went_ahead"] and (
        pr["help_gbp"] > 0 or pr.get("one_stop_shop_value", 0) > 0)]
    cohort = model.cohort
    costs = public_costs(model)
    reengaged = cohort.counts()["reengaged_6m"] if cohort is not None else 0
    forgone = regimes.forgone_reengaged(model.p, costs["mainstream_aligned_spend"])
    return {
        "cohort_size": len(cohort.slot) if cohort is not None else 0,
        **(cohort.counts() if cohort is not None else {f"reengaged_{k}m": 0 for k in HORIZONS}),
        **(cohort.shares() if cohort is not None
           else {f"reengaged_{k}m_share": float("nan") for k in HORIZONS}),
        **costs,
        "aligned_forgone_reengaged": forgone,
        "reengaged_6m_net_of_forgone": reengaged - forgone,
        "private_investment": float(sum(pr["private_investment"] for pr in projects)),
        "private_investment_helped": float(sum(pr["private_investment"] for pr in projects
                                               if pr.get("helped"))),
        "gap_funding": float(sum(pr["help_gbp"] for pr in projects)),
        "projects_helped": len(helped),
        "projects_helped_anyway": sum(pr["would_have_gone_ahead"] for pr in helped),
        "gap_funding_deadweight_share": gap_deadweight_share(projects),
        "one_stop_shop_cases": sum(pr["one_stop_shop_case"] for pr in projects),
        "helped_project_jobs": float(sum(pr["jobs"] for pr in projects if pr.get("helped"))),
        "subsidised_hires": int(sum(r["subsidised_hires"] for r in monthly)),
        "participants": len(model.participants),
        "residents_employed_end": _last_year_mean(monthly, "employment_rate_district")
        * model.residents.n,
    }


def public_costs(model) -> dict:
    """Public money spent over the run (GBP), in its parts: regeneration money through the
    levers, the one stop shop, their sum (the regeneration cost), aligned mainstream money
    (redirected from mainstream services, so a cost too) and the total public cost."""
    regeneration = float(model.ledger.spent[0].sum())
    one_stop_shop = float(sum(r["one_stop_shop_spend"] for r in model.records["monthly"]))
    aligned = float(model.ledger.spent[1].sum())
    return {"regeneration_spend": regeneration, "one_stop_shop_spend": one_stop_shop,
            "regeneration_cost": regeneration + one_stop_shop,
            "mainstream_aligned_spend": aligned,
            "public_cost": regeneration + one_stop_shop + aligned}


def gap_deadweight_share(projects: list[dict]) -> float:
    """Share of gap-funded projects that would have gone ahead without the grant (NaN if
    none was funded): deadweight emerging from the appraiser's noisy information."""
    funded = [pr for pr in projects if pr["help_gbp"] > 0]
    return sum(pr["gap_deadweight"] for pr in funded) / len(funded) if funded else float("nan")


def _programme_totals():
    return (o("cohort_size", "re-engagement cohort (deprived residents out of work at the "
              "start)", "residents"),
            *(o(f"reengaged_{k}m", f"re-engaged residents ({k} months in work)", "residents",
                HIGHER, True) for k in HORIZONS),
            *(o(f"reengaged_{k}m_share", f"share of the cohort re-engaged ({k} months in work)",
                "share", HIGHER, True) for k in HORIZONS),
            o("regeneration_spend", "regeneration money spent", "GBP"),
            o("one_stop_shop_spend", "one stop shop spending", "GBP"),
            o("regeneration_cost", "regeneration cost (levers and one stop shop)", "GBP",
              LOWER, True),
            o("mainstream_aligned_spend", "aligned mainstream money spent", "GBP", LOWER,
              True),
            o("public_cost", "public cost (regeneration and aligned money)", "GBP", LOWER,
              True),
            o("aligned_forgone_reengaged", "residents the aligned money would have re-engaged "
              "through mainstream services elsewhere", "residents", LOWER, True),
            o("reengaged_6m_net_of_forgone", "re-engaged residents (6 months), less those "
              "forgone elsewhere", "residents", HIGHER, True),
            o("private_investment", "private investment, programme period", "GBP", HIGHER,
              True),
            o("private_investment_helped", "private investment in helped projects", "GBP",
              HIGHER),
            o("gap_funding", "gap funding paid (programme period)", "GBP"),
            o("projects_helped", "projects that went ahead with help", "projects", HIGHER),
            o("projects_helped_anyway", "helped projects that would have gone ahead anyway",
              "projects"),
            o("gap_funding_deadweight_share", "share of gap-funded projects that were viable "
              "without the grant (deadweight)", "share", LOWER),
            o("one_stop_shop_cases", "projects the one stop shop took on (programme period)",
              "cases"),
            o("helped_project_jobs", "jobs in helped projects", "jobs", HIGHER),
            o("subsidised_hires", "hires with a wage-subsidy voucher", "hires"),
            o("participants", "programme places taken", "places"),
            o("residents_employed_end", "residents in work (final year)", "residents", HIGHER,
              True))


def final_year(model) -> dict:
    """Means over the last 12 months of chosen monthly columns."""
    monthly = model.records["monthly"]
    out = {f"{column}_end": _last_year_mean(monthly, column) for column in END_OF}
    out["incommuter_jobs_end"] = _last_year_mean(monthly, "in_commuter_share_of_jobs") * out[
        "jobs_total_end"]
    return out


def _final_year():
    monthly = {d.name: d for g in GROUPS_OF_THE_MONTH for d in g.outcomes()}
    return (*(replace(monthly[c], name=f"{c}_end", label=f"{monthly[c].label} (final year)")
              for c in END_OF),
            o("incommuter_jobs_end", "district jobs held by in-commuters (final year)", "jobs",
              net=True))


def spend_by_lever(model) -> dict:
    """Money spent on each lever over the run, regeneration and aligned mainstream."""
    spent = model.ledger.spent
    return {f"spend_{lever.name}": float(spent[:, :, i].sum())
            for i, lever in enumerate(model.levers)}


def _spend_by_lever():
    return tuple(o(f"spend_{lever.name}", f"spending on {lever.label.lower()} (regeneration "
                   "and aligned money)", "GBP") for lever in registry.levers())


def unspent(model) -> dict:
    """Money allocated but not spent by the end: still in lever balances (the gap-funding
    reserve among them) or in the delivery pipeline; shown apart from the costs."""
    ledger = model.ledger
    return {"unspent_balance_end": float(ledger.balance.sum()),
            "unspent_pipeline_end": float(ledger.pipeline.sum())}


def _unspent():
    return (o("unspent_balance_end", "money left unspent in lever balances at the end "
              "(regeneration and aligned)", "GBP"),
            o("unspent_pipeline_end", "money still in the delivery pipeline at the end",
              "GBP"))


SURVIVAL_YEARS = (1, 5)


def business_demography(model) -> dict:
    """Survival of the businesses born in the programme period: the share still active one
    and five years after birth, among births at least that long before the run ended
    (ONS Business Demography's survival rates)."""
    events = model.records["business_events"]
    born = {e["business_id"]: e["month"] for e in events
            if e["event"] == "birth" and e["month"] > model.p.burn_in_months}
    died = {e["business_id"]: e["month"] for e in events if e["event"] == "death"}
    out = {}
    for years in SURVIVAL_YEARS:
        horizon = 12 * years
        followed = [b for b, month in born.items() if month + horizon <= model.month]
        alive = sum(died.get(b, np.inf) > born[b] + horizon for b in followed)
        out[f"firm_survival_{years}y"] = alive / len(followed) if followed else float("nan")
    return out


def _business_demography():
    return tuple(o(f"firm_survival_{years}y", f"share of business births still active "
                   f"{years} year{'s' * (years > 1)} on", "share", HIGHER, True)
                 for years in SURVIVAL_YEARS)


GROUPS_OF_THE_RUN = (
    Group("programme_totals", RUN, _programme_totals, programme_totals),
    Group("final_year", RUN, _final_year, final_year),
    Group("spend_by_lever", RUN, _spend_by_lever, spend_by_lever),
    Group("unspent", RUN, _unspent, unspent),
    Group("business_demography", RUN, _business_demography, business_demography),
)


def run_summary(model) -> dict:
    """Named scalar outcomes of a finished run, used by comparisons and experiments."""
    out = {}
    for group in GROUPS_OF_THE_RUN:
        out.update(group.compute(model))
    return out
