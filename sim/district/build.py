"""`coalition district build`: open-data tables in, a district file out.

Mappings from the tables to the model (docs/odd.md, district files):

* deprived: IMD decile 1 (the most deprived 10% of LSOAs nationally), the model's
  definition of a deprived neighbourhood;
* crime, environment, skills, health: a *position* per neighbourhood on the Crime,
  Living Environment, Education Skills and Training, and Health Deprivation and
  Disability scores, 0 at the district's mean score of its other neighbourhoods and 1
  at the mean of its deprived ones. At run time the model turns a position into a level
  between the registry's values for the two kinds of neighbourhood (so calibration of
  those values still acts), linearly: crime and environment directly, skills and health
  as the chance that a resident is drawn from the deprived profile. No new constant is
  introduced: the scale is the district's own contrast between its two groups.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.district import tables
from sim.district.files import write_district
from sim.district.tables import DistrictError
from sim.params import REGISTRY

POSITIONS = {  # model attribute: IoD domain score it is placed by
    "crime_position": "crime_score",
    "environment_position": "environment_score",
    "skills_position": "education_score",
    "health_position": "health_score",
}
DEFAULT_TOLERANCE = 0.25  # [A] relative half-width of a local target's range (see odd.md)


def positions(frame: pd.DataFrame) -> pd.DataFrame:
    """Each neighbourhood's position on each mapped domain (0: mean of the district's other
    neighbourhoods, 1: mean of its deprived ones)."""
    deprived = frame["imd_decile"].to_numpy() == 1
    out = {}
    for position, score in POSITIONS.items():
        s = frame[score].to_numpy(float)
        rest, dep = s[~deprived].mean(), s[deprived].mean()
        out[position] = (s - rest) / (dep - rest) if dep != rest else deprived.astype(float)
    return pd.DataFrame(out, index=frame.index)


def derived_params(frame: pd.DataFrame) -> dict:
    """Parameters the tables set, clipped to the registry's ranges."""
    def clip(name, value):
        p = REGISTRY[name]
        return type(p.default)(min(max(value, p.low), p.high))

    pop = frame["population_all_ages"].to_numpy(float)
    x, y = frame["x_km"].to_numpy(float), frame["y_km"].to_numpy(float)
    cx, cy = np.average(x, weights=pop), np.average(y, weights=pop)
    radius = max(float(np.hypot(x - cx, y - cy).max()), 0.5)  # the disc holding the centroids
    per_hood = clip("residents_per_neighbourhood", round(pop.mean()))
    default_residents = (REGISTRY["n_neighbourhoods"].default
                         * REGISTRY["residents_per_neighbourhood"].default)
    scale = len(frame) * per_hood / default_residents  # budgets: the defaults per resident
    return {
        "n_neighbourhoods": len(frame),
        "residents_per_neighbourhood": per_hood,
        "working_age_share": clip("working_age_share",
                                  frame["population_working_age"].sum() / pop.sum()),
        "deprived_share": clip("deprived_share", float((frame["imd_decile"] == 1).mean())),
        "density_per_km2": clip("density_per_km2", pop.sum() / (np.pi * radius**2)),
        "regeneration_budget": REGISTRY["regeneration_budget"].default * scale,
        "one_stop_shop_budget": REGISTRY["one_stop_shop_budget"].default * scale,
    }


def _target(name, definition, value, tolerance, source, share=True) -> dict:
    """A target row: the value and a range of +-`tolerance` of it (a share stays in 0-1)."""
    high = value * (1 + tolerance)
    return {"target": name, "definition": definition, "value": round(value, 6),
            "low": round(value * (1 - tolerance), 6),
            "high": round(min(high, 1.0) if share else high, 6), "source": source}


def local_targets(frame: pd.DataFrame, businesses: pd.DataFrame | None,
                  tolerance: float) -> pd.DataFrame:
    """The district's own targets from the same tables (docs/odd.md, local targets)."""
    dep = frame[frame["imd_decile"] == 1]
    rows = [_target("local_employment_deprivation_deprived", "unemployed plus long-term "
                    "sick inactive residents / working-age residents, deprived neighbourhoods",
                    np.average(dep["employment_score"], weights=dep["population_working_age"]),
                    tolerance, "IoD 2019 Employment Score (rate), decile-1 LSOAs, weighted "
                    "by working-age population")]
    if businesses is not None:
        units, micro = businesses["businesses"].sum(), businesses["micro_businesses"].sum()
        rows.append(_target("local_businesses_per_1000_working_age", "live businesses per "
                            "1,000 working-age residents",
                            1000 * units / frame["population_working_age"].sum(), tolerance,
                            "UK Business Counts (local units), district LSOAs", share=False))
        rows.append(_target("local_micro_firm_share", "businesses with 0-9 employees / all "
                            "businesses", micro / units, tolerance,
                            "UK Business Counts, size bands 0 to 4 and 5 to 9"))
    return pd.DataFrame(rows)


def _select(iod: pd.DataFrame, lad: str | None, path: Path) -> pd.DataFrame:
    """The rows of one local authority district (all rows if the file holds one)."""
    column = tables.IOD_COLUMNS["lad_code"][0]
    if lad is None:
        lads = sorted(iod["lad_code"].unique())
        if len(lads) > 1:
            raise DistrictError(f"{path}: column {column!r} holds {len(lads)} districts: "
                                f"choose one with --lad (e.g. {lads[0]})")
        return iod
    rows = iod[iod["lad_code"] == lad]
    if rows.empty:
        raise DistrictError(f"{path}: column {column!r}: no LSOA of district {lad!r}")
    return rows


def _check_groups(frame: pd.DataFrame, path: Path) -> None:
    deprived = int((frame["imd_decile"] == 1).sum())
    if deprived == 0 or deprived == len(frame) or len(frame) < 2:
        raise DistrictError(
            f"{path}: column {tables.IOD_COLUMNS['imd_decile'][0]!r}: expected at least one "
            f"LSOA in decile 1 and one in deciles 2-10, got {deprived} of {len(frame)}")


def _businesses(path: Path, codes) -> pd.DataFrame:
    counts = tables.read_business_counts(path)
    counts = counts[counts["geography_code"].isin(set(codes))]
    if counts.empty:
        raise DistrictError(f"{path}: column 'GEOGRAPHY_CODE': no row for the district's "
                            "LSOAs (expected UK Business Counts by LSOA)")
    return counts


def build_district(iod: Path, population: Path, centroids: Path, out: Path,
                   lad: str | None = None, business_counts: Path | None = None,
                   name: str | None = None, tolerance: float = DEFAULT_TOLERANCE) -> Path:
    """Read the tables and write the district file into `out`; returns the TOML's path.

    Args:
        iod: IoD 2019 File 7 CSV.
        population: ONS LSOA mid-year estimates CSV (persons, single year of age).
        centroids: ONS LSOA population-weighted centroids CSV (British National Grid).
        out: folder for district.toml, neighbourhoods.csv and local-targets.csv.
        lad: local authority district code to select (needed if the IoD file holds several).
        business_counts: optional Nomis UK Business Counts CSV by LSOA.
        name: the district's name (default: the local authority's name).
        tolerance: relative half-width of the local targets' ranges.
    """
    iod, population, centroids = Path(iod), Path(population), Path(centroids)
    frame = _select(tables.read_iod(iod), lad, iod)
    _check_groups(frame, iod)
    frame = tables.join_on_lsoa(frame, tables.read_population(population), population,
                                tables.POPULATION_COLUMNS["lsoa_code"][0], "population table")
    frame = tables.join_on_lsoa(frame, tables.read_centroids(centroids), centroids,
                                tables.CENTROID_COLUMNS["lsoa_code"][0], "centroids table")
    frame = pd.concat([frame.reset_index(drop=True), positions(frame.reset_index(drop=True))],
                      axis=1)
    counts = (_businesses(Path(business_counts), frame["lsoa_code"])
              if business_counts is not None else None)
    sources = {"iod": iod.name, "population": population.name, "centroids": centroids.name}
    if business_counts is not None:
        sources["business_counts"] = Path(business_counts).name
    return write_district(Path(out), name or str(frame["lad_name"].iloc[0]), frame,
                          local_targets(frame, counts, tolerance), derived_params(frame),
                          sources)
