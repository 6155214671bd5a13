"""The golden baseline: fixed-seed summaries of the town preset, without regeneration money
and under a coalition hit by a recession (so levers, regimes, engagement and shocks are
pinned too).

`python tests/update_baseline.py` rewrites tests/baseline.json; do that only when a
change is meant to alter model output, and say so in CHANGELOG.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from sim.model import LocalEconomy
from sim.params import Params
from sim.policy.shocks import Shock
from sim.policy.spec import Policy

PATH = Path(__file__).with_name("baseline.json")
SEED = 20261124
MONTHS = (12, 36, 96, 156)
PROGRAMME_MONTHS = (48, 96, 156)  # policy columns are NaN or zero before the programme
COLUMNS = ("employment_rate_district", "employment_rate_deprived", "employment_rate_rest",
           "unemployment_rate_deprived", "jobs_total", "businesses", "in_commuter_share_of_jobs",
           "crime_deprived", "wellbeing_deprived", "mean_commute_km", "gva")
POLICY_COLUMNS = ("partner_engagement_mean", "partner_trust_mean", "reengaged_6m_share",
                  "spend_regeneration", "spend_mainstream_aligned", "business_engagement_share")
COALITION = {"policy": Policy("coalition"), "shocks": (Shock("recession", 24, 12, 0.5),)}


def _summary(model: LocalEconomy, extra: tuple[str, ...] = ()) -> dict:
    df = pd.DataFrame(model.run().records["monthly"]).set_index("month")
    out = {f"{c}@{t}": float(df.loc[t, c]) for c in COLUMNS for t in MONTHS}
    out.update({f"{c}@{t}": float(df.loc[t, c]) for c in extra for t in PROGRAMME_MONTHS})
    out["business_births_total"] = int(df["business_births"].sum())
    out["business_deaths_total"] = int(df["business_deaths"].sum())
    out["projects_total"] = len(model.records["projects"])
    out["projects_went_ahead"] = sum(p["went_ahead"] for p in model.records["projects"])
    return out


def summary() -> dict:
    """What the baseline records: chosen columns at chosen months, and run totals."""
    params = Params.from_preset("town")
    out = _summary(LocalEconomy(params, rng=SEED))
    coalition = _summary(LocalEconomy(params, rng=SEED, **COALITION), POLICY_COLUMNS)
    out.update({f"coalition:{k}": v for k, v in coalition.items()})
    return out


def load() -> dict:
    return json.loads(PATH.read_text())


def write() -> None:
    PATH.write_text(json.dumps(summary(), indent=1, sort_keys=True) + "\n")
