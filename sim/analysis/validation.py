"""Validation of a preset's baseline against the calibration targets.

Runs the LSP baseline (each partner spends its own stream on its remit, default
mix and budget) for seeds 1..N, computes each target of
`sim/data/calibration-targets.csv` over the programme period of every seed, and
compares the mean across seeds with the tolerated range (model-spec section 7).

* Rate targets are the mean of the monthly column of the same name over the
  programme months (`*_monthly` targets use the column without the suffix).
* Business birth and death rates are births (deaths) per year divided by the
  mean number of live businesses over the programme period.
* Training effects: for every seed a second run with the same seed in which the
  skills lever spends nothing follows the same trainees. The effect in year k is
  the employment rate of trainees 12(k-1) to 12k months after their course
  ended, minus that of the same people in the no-training run, in percentage
  points. Only people seen in both runs with the same labour status just before
  the course count (see sim.cohort.Tracker).
"""

from __future__ import annotations

import json
import math
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from sim.backends import Backend
from sim.evaluate import Fan, Result, evaluate
from sim.params import Params
from sim.policy.levers import health
from sim.policy.spec import Policy
from sim.scenario import Scenario

PASS, FAIL = "PASS", "FAIL"
NOT_SIMULATED = "NOT SIMULATED YET"
NO_OUTPUT = "NO OUTPUT"
NO_DATA = "NO DATA"
COLUMN_ALIASES = {
    "job_finding_rate_monthly": "job_finding_rate",
    "separation_rate_monthly": "separation_rate",
    "business_engagement_share_lsp": "business_engagement_share",
}
RATIO_TARGETS = {  # target: (numerator columns, denominator columns), summed over the period
    "churn_6m_share": (("job_entries_churned_6m",),
                       ("job_entries_churned_6m", "job_entries_sustained_6m")),
    "job_to_job_share_of_hires": (("hires_job_to_job",),
                                  ("hires_residents", "hires_residents_ttwa")),
}
# target: (the lever the paired run leaves out, months after the programme ended)
PAIRED_EFFECTS = {
    "training_effect_year1_pp": ("skills", (0, 11)),
    "training_effect_year2_pp": ("skills", (12, 23)),
    "training_effect_year3_pp": ("skills", (24, 35)),
    # 12-24 months after the start of a health place (A90)
    "health_effect_year2_pp": ("health", (12 - health.MONTHS, 23 - health.MONTHS)),
    "employment_support_effect_year1_pp": ("employment_support", (0, 11)),
    "employment_support_effect_year3_pp": ("employment_support", (24, 35)),
}
RUN_TARGETS = ("firm_survival_1y", "firm_survival_5y")  # keys of the run summary
BUSINESS_RATES = {
    "business_birth_rate_annual": "business_births",
    "business_death_rate_annual": "business_deaths",
}
NOT_SIMULATED_PREFIXES: dict[str, str] = {}  # target prefixes the model cannot produce yet


# --- Local targets of a district file (sim.district.build.local_targets) -----------------
def _employment_deprivation(programme: pd.DataFrame) -> float:
    """The model's counterpart of the IoD Employment Score in deprived neighbourhoods:
    unemployed plus long-term sick inactive residents over working-age residents, monthly,
    averaged over the programme period."""
    u, i = programme["unemployment_rate_deprived"], programme["inactivity_rate_deprived"]
    sick = programme["long_term_sick_share_of_inactive_deprived"]
    return float((u * (1 - i) + i * sick).mean())


LOCAL_TARGETS = {  # target: (monthly columns it needs, its value over the programme rows)
    "local_employment_deprivation_deprived": (
        ("unemployment_rate_deprived", "inactivity_rate_deprived",
         "long_term_sick_share_of_inactive_deprived"), _employment_deprivation),
    "local_businesses_per_1000_working_age": (
        ("businesses", "working_age_district"),
        lambda m: float((1000 * m["businesses"] / m["working_age_district"]).mean())),
    "local_micro_firm_share": (("micro_firm_share",), lambda m: float(m["micro_firm_share"]
                                                                         .mean())),
}


def _local_value(target: str, programme: pd.DataFrame) -> float:
    columns, value = LOCAL_TARGETS[target]
    for column in columns:
        if column not in programme:
            raise KeyError(column)
    return value(programme) if len(programme) else math.nan
CONSTANT_TARGETS = (*PAIRED_EFFECTS, *RUN_TARGETS)  # one value per seed, as a column


def load_targets() -> pd.DataFrame:
    """The calibration targets shipped with the package (target, definition, value, low,
    high, source)."""
    with resources.files("sim").joinpath("data/calibration-targets.csv").open() as f:
        return pd.read_csv(f)


def not_simulated_reason(target: str) -> str | None:
    """Why `target` cannot be computed from a baseline run yet, or None if it can."""
    for prefix, reason in NOT_SIMULATED_PREFIXES.items():
        if target.startswith(prefix):
            return reason
    return None


def programme_rows(monthly: pd.DataFrame) -> pd.DataFrame:
    """The rows of the monthly table that belong to the programme period."""
    return monthly[monthly["phase"] == "programme"]


def target_value(target: str, programme: pd.DataFrame) -> float:
    """One seed's value of a simulable target over the programme-period rows.

    Args:
        target: a target name from the CSV (not a not-simulated one).
        programme: the programme-period rows of one run's monthly table.

    Returns:
        The value; NaN if there are no programme months.

    Raises:
        KeyError: the monthly table lacks the column the target needs.
    """
    if target in CONSTANT_TARGETS:
        if target not in programme:
            raise KeyError(target)
        return float(programme[target].iloc[0]) if len(programme) else math.nan
    if target in LOCAL_TARGETS:
        return _local_value(target, programme)
    if target in BUSINESS_RATES:
        return _annual_business_rate(programme, BUSINESS_RATES[target])
    if target in RATIO_TARGETS:
        return _summed_ratio(programme, *RATIO_TARGETS[target])
    column = COLUMN_ALIASES.get(target, target)
    if column not in programme:
        raise KeyError(column)
    return float(programme[column].mean()) if len(programme) else math.nan


def _summed_ratio(programme: pd.DataFrame, numerator, denominator) -> float:
    """Sum of the numerator columns over the sum of the denominator columns."""
    for column in (*numerator, *denominator):
        if column not in programme:
            raise KeyError(column)
    den = sum(programme[c].sum() for c in denominator)
    return float(sum(programme[c].sum() for c in numerator) / den) if den > 0 else math.nan


def _needed_column(target: str) -> str:
    """The monthly column a target cannot do without (to tell no output from no data)."""
    if target in LOCAL_TARGETS:
        return LOCAL_TARGETS[target][0][0]
    if target in BUSINESS_RATES:
        return "businesses"
    if target in RATIO_TARGETS:
        return RATIO_TARGETS[target][0][0]
    return COLUMN_ALIASES.get(target, target)


def _annual_business_rate(programme: pd.DataFrame, events_column: str) -> float:
    """Events per year divided by the mean number of live businesses."""
    months = len(programme)
    live = programme["businesses"].mean() if months else math.nan
    if not months or not live > 0:
        return math.nan
    return float(programme[events_column].sum() * 12 / months / live)


def seed_values(monthly: pd.DataFrame, targets: pd.DataFrame) -> dict[str, float | None]:
    """Every target's value for one seed: None if not simulated yet, NaN if no output.

    Args:
        monthly: one run's monthly table (all months; only programme months are used).
        targets: the calibration targets table.
    """
    programme = programme_rows(monthly)
    values: dict[str, float | None] = {}
    for target in targets["target"]:
        if not_simulated_reason(target):
            values[target] = None
            continue
        try:
            values[target] = target_value(target, programme)
        except KeyError:
            values[target] = math.nan
    return values


def summarise(per_seed: list[dict], targets: pd.DataFrame, monthly_columns=()) -> pd.DataFrame:
    """One row per target: range, mean across seeds, spread and status.

    Args:
        per_seed: `seed_values` of each seed, in seed order.
        targets: the calibration targets table.
        monthly_columns: columns of the monthly table, to tell "no output" from "no data".

    Returns:
        A DataFrame with columns target, low, high, published, mean, sd, min, max,
        n_seeds, status, note.
    """
    rows = []
    for t in targets.itertuples(index=False):
        values = np.array([s[t.target] for s in per_seed], dtype=float)
        rows.append(_target_row(t, values, set(monthly_columns)))
    return pd.DataFrame(rows)


def _target_row(t, values: np.ndarray, columns: set) -> dict:
    """The summary row of one target, given its values across seeds."""
    finite = values[np.isfinite(values)]
    mean = float(finite.mean()) if len(finite) == len(values) and len(values) else math.nan
    row = {
        "target": t.target, "low": float(t.low), "high": float(t.high),
        "published": float(t.value), "mean": mean,
        "sd": float(finite.std(ddof=1)) if len(finite) > 1 else math.nan,
        "min": float(finite.min()) if len(finite) else math.nan,
        "max": float(finite.max()) if len(finite) else math.nan,
        "n_seeds": len(values),
    }
    row["status"], row["note"] = _status(t.target, mean, row, columns)
    return row


def _status(target: str, mean: float, row: dict, columns: set) -> tuple[str, str]:
    """PASS/FAIL, or why the target has no simulated value."""
    reason = not_simulated_reason(target)
    if reason:
        return NOT_SIMULATED, reason
    needed = _needed_column(target)
    if columns and needed not in columns:
        return NO_OUTPUT, f"the monthly table has no column {needed!r}"
    if math.isnan(mean):
        return NO_DATA, "no programme months (or an undefined rate) in some seed"
    return (PASS, "") if row["low"] <= mean <= row["high"] else (FAIL, "")


def compute_targets(monthlies: list[pd.DataFrame], district=None) -> pd.DataFrame:
    """The validation table from several seeds' monthly tables (see `summarise`); with a
    district file, its local targets join the general ones."""
    targets = targets_for(district)
    per_seed = [seed_values(m, targets) for m in monthlies]
    columns = set().union(*(m.columns for m in monthlies)) if monthlies else set()
    return summarise(per_seed, targets, columns)


def targets_for(district=None) -> pd.DataFrame:
    """The general targets, followed by a district file's local targets if there is one."""
    general = load_targets()
    return general if district is None else pd.concat([general, district.targets],
                                                      ignore_index=True)


def baseline_scenario(preset: str, overrides: dict | None = None,
                      district=None) -> Scenario:
    """The LSP baseline of `preset` (on a district file's neighbourhoods if given): each
    partner spends its own stream on its remit."""
    values = {**(district.params if district is not None else {}), **(overrides or {})}
    params = Params.from_preset(preset, values, where="validation")
    name = preset if district is None else district.name
    return Scenario(name=f"{name} LSP baseline", description="", preset=preset, seed=1,
                    params=params, policy=Policy("lsp"), shocks=(), source="validation",
                    district=district)


PAIRED_LEVERS = tuple(dict.fromkeys(lever for lever, _ in PAIRED_EFFECTS.values()))


def baseline_runs(scenario: Scenario, seed: int) -> Fan:
    """The baseline and, with the same seed, one run for each lever of PAIRED_LEVERS in
    which that lever spends nothing, each following the baseline's participants."""
    return Fan(scenario, seed, without=PAIRED_LEVERS)


def baseline_monthly(runs: Result) -> pd.DataFrame:
    """The baseline run's monthly table, with the seed's paired effects and run-level
    targets as constant columns."""
    monthly = runs.arm_monthly()
    for target, (lever, months) in PAIRED_EFFECTS.items():
        panel = runs.panel[runs.panel["arm"] == f"without_{lever}"]
        monthly[target] = paired_effect(panel, lever, months)
    for target in RUN_TARGETS:
        monthly[target] = runs.value(target)
    return monthly


def paired_effect(panel: pd.DataFrame, lever: str, months: tuple[int, int]) -> float:
    """Participants' employment minus the same people's in the run without `lever`, in
    months `months` (inclusive) after their programme ended (percentage points); NaN if no
    participant is observed."""
    rows = panel[(panel["lever"] == lever) & panel["months_after"].between(*months)]
    observed = rows["observed"].sum()
    if observed == 0:
        return math.nan
    return 100 * float(rows["employed_scenario"].sum() / observed
                       - rows["employed_comparison"].sum() / observed)


def validate(preset: str, seeds: int, backend: Backend | None = None,
             overrides: dict | None = None, folder: str | Path | None = None,
             progress: bool = False, district=None) -> pd.DataFrame:
    """Run the baseline of `preset` for seeds 1..`seeds` and compare with the targets.

    Each seed runs the baseline once and, for each lever whose effect is a target
    (skills, health, employment support), the baseline without that lever.

    Args:
        preset: a preset name from `sim.params.PRESETS`.
        seeds: number of seeds (runs use seeds 1, 2, ..., `seeds`).
        backend: where the runs go; the result does not depend on it.
        overrides: optional parameter overrides (e.g. shorter periods in tests).
        folder: where finished runs are kept, so an interrupted validation resumes.
        progress: show a progress bar on stderr.
        district: a district file (sim.district.District): its neighbourhoods, and its
            local targets after the general ones.

    Returns:
        The validation table, one row per target (see `summarise`).
    """
    scenario = baseline_scenario(preset, overrides, district)  # fails fast on a bad override
    units = [baseline_runs(scenario, seed) for seed in range(1, seeds + 1)]
    return compute_targets([baseline_monthly(runs)
                            for runs in evaluate(units, backend, folder, progress)], district)


def all_pass(table: pd.DataFrame) -> bool:
    """True if every target that is simulated passes (not-simulated ones are ignored)."""
    simulated = table[table["status"] != NOT_SIMULATED]
    return bool((simulated["status"] == PASS).all())


def _fmt(x: float) -> str:
    return "n/a" if x is None or not math.isfinite(x) else f"{x:.4g}"


def format_table(table: pd.DataFrame, preset: str, seeds: int) -> str:
    """A plain-text table for the terminal, with an honest footer."""
    header = f"{'target':42} {'range':>15} {'mean':>9} {'sd':>9} {'[min, max]':>23}  status"
    lines = [f"Calibration targets: preset {preset!r}, baseline, seeds 1..{seeds}, "
             "programme period", "", header, "-" * len(header)]
    for r in table.itertuples(index=False):
        spread = f"[{_fmt(r.min)}, {_fmt(r.max)}]" if r.status != NOT_SIMULATED else ""
        lines.append(
            f"{r.target:42} {f'[{_fmt(r.low)}, {_fmt(r.high)}]':>15} {_fmt(r.mean):>9} "
            f"{_fmt(r.sd):>9} {spread:>23}  {r.status}"
        )
    return "\n".join(lines + [""] + _footer(table))


def _footer(table: pd.DataFrame) -> list[str]:
    """Counts of passing targets and the list of targets not simulated yet."""
    skipped = table[table["status"] == NOT_SIMULATED]
    simulated = table[table["status"] != NOT_SIMULATED]
    passed = int((simulated["status"] == PASS).sum())
    lines = [f"{passed} of {len(simulated)} simulated targets pass."]
    if len(skipped):
        names = ", ".join(skipped["target"])
        lines.append(f"Not simulated yet, excluded from pass/fail: {names}; "
                     f"{skipped['note'].iloc[0]}.")
    for r in simulated[~simulated["status"].isin([PASS, FAIL])].itertuples(index=False):
        lines.append(f"{r.target}: {r.status}: {r.note} (counts as a failure).")
    return lines


def to_json(table: pd.DataFrame, preset: str, seeds: int) -> str:
    """The validation result as one JSON document (NaN becomes null)."""
    records = [
        {k: (None if isinstance(v, float) and not math.isfinite(v) else v)
         for k, v in row.items()}
        for row in table.to_dict(orient="records")
    ]
    doc = {"preset": preset, "seeds": list(range(1, seeds + 1)), "period": "programme",
           "all_simulated_pass": all_pass(table), "targets": records}
    return json.dumps(doc, indent=2, allow_nan=False)
