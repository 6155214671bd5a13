"""The additionality account of a paired comparison, in the terms of the HCA (English
Partnerships) Additionality Guide: gross, deadweight, displacement, substitution,
multiplier, leakage, net, each measured from the paired runs rather than assumed.

Two accounts, each counted in the last month of the run (sim.evaluate.account) and each
ending at the net change in residents in work, so each adds up exactly, seed by seed:

* jobs (business levers' route): the jobs the assisted firms (advised, or behind a
  helped project) gained, less what the same firms gained anyway in the counterfactual
  (deadweight), less jobs lost in other firms (displacement), plus jobs gained in other
  firms (multiplier: the local demand chain), both netted market by market (sector by
  neighbourhood): the net change in district jobs; less the
  part of it in-commuters hold (leakage), plus residents' jobs elsewhere in the
  travel-to-work area and other resident work: the net change in residents in work.
* people (people levers' route): the scenario's participants in work (gross), less the
  same people in work in the counterfactual (deadweight), less matched non-participants
  out of work only in the scenario (displacement), plus those in work only in the
  scenario (multiplier), plus the difference in work among residents not matched across
  the runs (mobility): the net change in residents in work.

Place levers buy no firm or person the account can follow; their effect is in the
indirect terms only. Substitution (a subsidised hire taking a job another would have
had) is not measured apart: it is inside displacement.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.analysis.intervals import t_interval
from sim.evaluate import COMPARISON, SCENARIO, Result


@dataclass(frozen=True)
class Term:
    """One line of an account: `value(pair)` in jobs or residents, added with `sign`
    (+1, -1; 0 for a subtotal or total, which the lines above it must add up to; None
    for a term the model does not measure)."""

    name: str
    label: str
    sign: int | None
    value: object  # Result -> float
    route: str = "whole mix"


def _s(key):
    return lambda p: p.value(key, SCENARIO)


def _delta(key):
    return lambda p: p.value(key, SCENARIO) - p.value(key, COMPARISON)


def _growth(arm):
    return lambda p: p.value("assisted_jobs", arm) - p.value("assisted_jobs_start", SCENARIO)


def _other_work(p: Result) -> float:
    out = 0.0
    for arm, sign in ((SCENARIO, 1), (COMPARISON, -1)):
        out += sign * (p.value("employed_residents_last", arm)
                       - p.value("residents_in_district_jobs_last", arm)
                       - p.value("residents_in_ttwa_jobs_last", arm))
    return out


NOT_MEASURED = None
SUBSTITUTION = Term("substitution", "substitution (inside displacement: not measured apart)",
                    NOT_MEASURED, lambda p: float("nan"))

JOBS = (
    Term("gross", "gross: jobs gained by assisted firms since the programme start", 1,
         _growth(SCENARIO), "business levers"),
    Term("deadweight", "deadweight: jobs the same firms gained anyway (counterfactual)", -1,
         _growth(COMPARISON), "business levers"),
    Term("displacement", "displacement: jobs lost in other firms", -1,
         _s("other_firms_jobs_lost")),
    SUBSTITUTION,
    Term("multiplier", "multiplier: jobs gained in other firms (local demand)", 1,
         _s("other_firms_jobs_gained")),
    Term("net_district_jobs", "net district jobs", 0, _delta("jobs_last")),
    Term("leakage", "leakage: net district jobs held by in-commuters", -1,
         _delta("incommuter_jobs_last")),
    Term("ttwa_jobs", "net residents in jobs elsewhere in the travel-to-work area", 1,
         _delta("residents_in_ttwa_jobs_last")),
    Term("other_work", "net residents in other work", 1, _other_work),
    Term("net", "net residents in work", 0, _delta("employed_residents_last")),
)

PEOPLE = (
    Term("gross", "gross: participants in work", 1, _s("participants_employed_last"),
         "people levers"),
    Term("deadweight", "deadweight: the same people in work anyway (counterfactual)", -1,
         lambda p: p.value("participants_employed_last", COMPARISON), "people levers"),
    Term("displacement", "displacement: non-participants out of work only with the "
         "programme", -1, _s("nonparticipants_lost_work")),
    SUBSTITUTION,
    Term("multiplier", "multiplier: non-participants in work only with the programme", 1,
         _s("nonparticipants_gained_work")),
    Term("mobility", "net in work among residents not in both runs (movers)", 1,
         _delta("unmatched_employed_last")),
    Term("net", "net residents in work", 0, _delta("employed_residents_last")),
)

ACCOUNTS = {"jobs": JOBS, "people": PEOPLE}
COLUMNS = ["account", "term", "label", "route", "sign", "seed", "value"]


def account_frame(pairs: list[Result]) -> pd.DataFrame:
    """Every term of every account for every seed (last month; jobs or residents)."""
    rows = [{"account": name, "term": t.name, "label": t.label, "route": t.route,
             "sign": t.sign, "seed": p.seed, "value": float(t.value(p))}
            for name, terms in ACCOUNTS.items() for t in terms for p in pairs]
    return pd.DataFrame(rows, columns=COLUMNS)


def identity_gaps(frame: pd.DataFrame) -> pd.DataFrame:
    """Per account, seed and subtotal or total: the lines above it added with their signs,
    less the subtotal (zero when the account adds up)."""
    rows = []
    for (account, seed), lines in frame.groupby(["account", "seed"], sort=False):
        running = 0.0
        for line in lines.itertuples():
            if line.sign == 0:
                rows.append({"account": account, "seed": seed, "term": line.term,
                             "gap": running - line.value})
                running = line.value  # a subtotal carries on as the next line's base
            elif line.sign is not None and np.isfinite(line.sign):
                running += line.sign * line.value
    return pd.DataFrame(rows, columns=["account", "seed", "term", "gap"])


def account_table(pairs: list[Result]) -> pd.DataFrame:
    """Each term's mean across seeds with a 95% t interval (NaN for terms not measured)."""
    frame = account_frame(pairs)
    rows = []
    for (account, term), lines in frame.groupby(["account", "term"], sort=False):
        mean, low, high = t_interval(lines["value"].to_numpy())
        first = lines.iloc[0]
        rows.append({"account": account, "term": term, "label": first.label,
                     "route": first.route, "sign": first.sign, "estimate": mean,
                     "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows)
