"""The golden baseline: a fixed-seed summary of the town preset.

`python tests/update_baseline.py` rewrites tests/baseline.json; do that only when a
change is meant to alter model output, and say so in CHANGELOG.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from sim.model import LocalEconomy
from sim.params import Params

PATH = Path(__file__).with_name("baseline.json")
SEED = 20261124
MONTHS = (12, 36, 96, 156)
COLUMNS = ("employment_rate_district", "employment_rate_deprived", "employment_rate_rest",
           "unemployment_rate_deprived", "jobs_total", "businesses", "in_commuter_share_of_jobs",
           "crime_deprived", "wellbeing_deprived", "mean_commute_km", "gva")


def summary() -> dict:
    """What the baseline records: chosen columns at chosen months, and run totals."""
    m = LocalEconomy(Params.from_preset("town"), rng=SEED).run()
    df = pd.DataFrame(m.records["monthly"]).set_index("month")
    out = {f"{c}@{t}": float(df.loc[t, c]) for c in COLUMNS for t in MONTHS}
    out["business_births_total"] = int(df["business_births"].sum())
    out["business_deaths_total"] = int(df["business_deaths"].sum())
    out["projects_total"] = len(m.records["projects"])
    out["projects_went_ahead"] = sum(p["went_ahead"] for p in m.records["projects"])
    return out


def load() -> dict:
    return json.loads(PATH.read_text())


def write() -> None:
    PATH.write_text(json.dumps(summary(), indent=1, sort_keys=True) + "\n")
