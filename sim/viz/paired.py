"""Two scenarios side by side for the dashboard, and the numbers its panels draw.

`DashboardModel` is scenario A: a `LocalEconomy` built from the dashboard's flat
controls. It owns scenario B (`comparison`), a second `LocalEconomy` with the
same seed, district, shocks and behaviour but its own regime or mix, and steps
it in lockstep, so the two differ only by policy (common random numbers). Both
simulate the burn-in when they are built, so the first step is programme month 1.

The data functions read the models' monthly records and arrays only; they are
cached per model and month, so several panels drawing the same month share one
pass.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim import outcomes
from sim.evaluate import build_model
from sim.model import LocalEconomy
from sim.population import EMPLOYED
from sim.scenario import Scenario
from sim.viz.controls import Settings, settings_from


def scenario_b(settings: Settings) -> Scenario:
    """Scenario B of the controls: the same district, seed and shocks, its own policy."""
    return Scenario(name=settings.label_b, description="", preset=settings.preset,
                    seed=settings.seed, params=settings.params, policy=settings.policy_b,
                    shocks=settings.shocks, source="dashboard")


class DashboardModel(LocalEconomy):
    """Scenario A, built from the dashboard's controls; scenario B is `self.comparison`.

    Args:
        **controls: values of `sim.viz.controls.all_controls()` by name (defaults fill the
            rest); Mesa's reset also passes `scenario`, which is ignored: the `seed`
            control seeds both scenarios.

    Raises:
        ParameterError, ShockError: a control value the registry or shock table forbids.
    """

    def __init__(self, **controls):
        controls.pop("scenario", None)
        settings = settings_from(controls)
        super().__init__(settings.params, rng=settings.seed, policy=settings.policy_a,
                         shocks=settings.shocks)
        self.settings = settings
        self.comparison = build_model(scenario_b(settings))
        self._cache: dict = {}
        for _ in range(self.p.burn_in_months):
            self.step()

    def step(self) -> None:
        """One month of both scenarios."""
        super().step()
        self.comparison.step()
        self.running = self.month < self.total_months

    @property
    def scenarios(self) -> dict[str, LocalEconomy]:
        """{label: model} for A and B, in that order."""
        return {self.settings.label_a: self, self.settings.label_b: self.comparison}

    def cached(self, key: str, build):
        """`build()` once per month for each key."""
        hit = self._cache.get(key)
        if hit is None or hit[0] != self.month:
            hit = (self.month, build())
            self._cache[key] = hit
        return hit[1]


# --- Neighbourhood map ------------------------------------------------------------
def _per_hood(model: LocalEconomy, weights) -> np.ndarray:
    res = model.residents
    counts = np.bincount(res.hood, minlength=model.hoods.n)
    sums = np.bincount(res.hood, weights=weights, minlength=model.hoods.n)
    return np.divide(sums, counts, out=np.full(model.hoods.n, np.nan), where=counts > 0)


# name: (unit for the legend, function of the model, higher is better)
INDICATORS = {
    "Employment rate": ("% of working-age residents in work",
                        lambda m: 100 * _per_hood(m, m.residents.status == EMPLOYED), True),
    "Recorded crime": ("crimes per 1,000 residents a year", lambda m: m.hoods.crime.copy(), False),
    "Environment quality": ("0-1", lambda m: m.hoods.environment.copy(), True),
    "Well-being": ("mean life satisfaction, 0-10", lambda m: _per_hood(m, m.residents.wellbeing),
                   True),
    "Site readiness": ("0-1", lambda m: m.hoods.site_readiness.copy(), True),
}


def neighbourhood_values(model: LocalEconomy, indicator: str) -> np.ndarray:
    """One value of `indicator` per neighbourhood (arrays of length `model.hoods.n`)."""
    return np.asarray(INDICATORS[indicator][1](model), dtype=float)


def map_frame(model: DashboardModel, indicator: str) -> pd.DataFrame:
    """Rows of scenario, neighbourhood, x, y, deprived, residents and value, for both."""
    def build():
        rows = []
        for label, m in model.scenarios.items():
            h = m.hoods
            rows.append(pd.DataFrame({
                "scenario": label, "neighbourhood": np.arange(h.n), "x": h.x, "y": h.y,
                "deprived": h.deprived, "decile": h.decile.astype(int),
                "residents": np.bincount(m.residents.hood, minlength=h.n),
                "value": neighbourhood_values(m, indicator)}))
        return pd.concat(rows, ignore_index=True)
    return model.cached(f"map:{indicator}", build)


# --- Monthly series ---------------------------------------------------------------
SERIES = ("employment_rate_deprived", "employment_rate_rest", "employment_rate_district",
          "employment_gap", "reengaged_3m_share", "reengaged_6m_share", "reengaged_12m_share",
          "partner_engagement_mean", "partner_trust_mean", "business_engagement_share",
          "private_investment", "public_gap_funding", "crime_deprived", "crime_rest",
          "wellbeing_deprived", "wellbeing_rest", "spend_regeneration")


def spend_columns(model: LocalEconomy) -> tuple[str, ...]:
    """The monthly spending column of each of the run's levers (plug-ins included)."""
    return tuple(f"spend_{lever.name}" for lever in model.levers)


def monthly_frame(model: DashboardModel) -> pd.DataFrame:
    """Both scenarios' monthly series (one row per scenario and month), with running
    totals since the programme started: `<column>_cum` for investment and spending."""
    def build():
        start = model.p.burn_in_months
        frames = []
        for label, m in model.scenarios.items():
            spending = spend_columns(m)
            df = pd.DataFrame(m.records["monthly"], columns=["month", *SERIES, *spending])
            in_programme = df["month"] > start
            for column in ("private_investment", "public_gap_funding", "spend_regeneration",
                           *spending):
                df[f"{column}_cum"] = df[column].where(in_programme, 0.0).cumsum()
            df.insert(0, "scenario", label)
            frames.append(df)
        return pd.concat(frames, ignore_index=True)
    return model.cached("monthly", build)


def spend_frame(model: DashboardModel) -> pd.DataFrame:
    """Money spent on each lever since the programme started, by scenario."""
    last = monthly_frame(model).groupby("scenario", sort=False).tail(1)
    rows = [{"scenario": row["scenario"], "lever": lever.label,
             "spent": float(row[f"spend_{lever.name}_cum"])}
            for _, row in last.iterrows() for lever in model.levers]
    return pd.DataFrame(rows, columns=["scenario", "lever", "spent"])


# --- Headline table ------------------------------------------------------------------
# (monthly outcome, how it is shown): label, unit and which way is better come from the
# outcome registry (sim.outcomes). percent: a share x 100; points: a difference of shares
# in percentage points; value: as measured; total: GBP m since the programme started.
HEADLINES = (("employment_rate_deprived", "percent"), ("employment_gap", "points"),
             ("reengaged_6m_share", "percent"), ("partner_engagement_mean", "value"),
             ("partner_trust_mean", "value"), ("business_engagement_share", "percent"),
             ("private_investment", "total"), ("public_gap_funding", "total"),
             ("spend_regeneration", "total"), ("crime_deprived", "value"),
             ("wellbeing_deprived", "value"))
SHOWN = {"percent": ("%", lambda r, c: 100 * r[c]), "points": ("pp", lambda r, c: 100 * r[c]),
         "value": (None, lambda r, c: r[c]), "total": ("GBP m", lambda r, c: r[f"{c}_cum"] / 1e6)}


def headline(name: str, shown: str) -> tuple[str, str]:
    """The label and unit of a headline, from the outcome registry."""
    d = outcomes.lookup(name, outcomes.MONTHLY)
    label = f"{d.label} since the programme started" if shown == "total" else d.label
    return label[0].upper() + label[1:], SHOWN[shown][0] or d.unit


def headline_rows(model: DashboardModel) -> list[dict]:
    """For each headline: label, unit, A, B, A minus B and whether A is better (or None)."""
    last = monthly_frame(model).groupby("scenario", sort=False).tail(1)
    a, b = (row for _, row in last.iterrows())
    rows = []
    for name, shown in HEADLINES:
        label, unit = headline(name, shown)
        value = SHOWN[shown][1]
        va, vb = float(value(a, name)), float(value(b, name))
        diff = va - vb
        better = None
        if np.isfinite(diff) and abs(diff) > 1e-9:
            better = outcomes.lookup(name, outcomes.MONTHLY).better(va, vb)
        rows.append({"label": label, "unit": unit, "a": va, "b": vb, "diff": diff,
                     "a_better": better})
    return rows
