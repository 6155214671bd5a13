"""Readers for the open-data tables, matched by their published column names.

Each reader returns a tidy DataFrame with the model's own column names. A missing
column, a missing LSOA or a value that is not a number is one `DistrictError` line
naming the file, the column and what was expected. Nothing is downloaded.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd


class DistrictError(ValueError):
    """A district table or file is missing, malformed or inconsistent."""


# English Indices of Deprivation 2019, File 7 (all ranks, deciles and scores), MHCLG.
IOD_COLUMNS = {
    "lsoa_code": ("LSOA code (2011)",),
    "lsoa_name": ("LSOA name (2011)",),
    "lad_code": ("Local Authority District code (2019)",),
    "lad_name": ("Local Authority District name (2019)",),
    "imd_decile": ("Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% "
                   "of LSOAs)",),
    "income_score": ("Income Score (rate)",),
    "employment_score": ("Employment Score (rate)",),
    "education_score": ("Education, Skills and Training Score",),
    "health_score": ("Health Deprivation and Disability Score",),
    "crime_score": ("Crime Score",),
    "environment_score": ("Living Environment Score",),
}
# ONS LSOA mid-year population estimates (SAPE), persons, single year of age: "All Ages"
# and one column per age "0" .. "89", "90+"; working age is the sum of ages 16 to 64.
POPULATION_COLUMNS = {
    "lsoa_code": ("LSOA Code", "LSOA 2011 Code", "LSOA 2021 Code"),
    "population_all_ages": ("All Ages", "Total"),
}
WORKING_AGES = tuple(str(age) for age in range(16, 65))
# ONS LSOA (December 2011) population-weighted centroids: British National Grid metres.
CENTROID_COLUMNS = {
    "lsoa_code": ("lsoa11cd", "LSOA11CD"),
    "x": ("X", "x"),
    "y": ("Y", "y"),
}
# UK Business Counts (local units) from the Nomis bulk CSV, long format.
BUSINESS_COLUMNS = {
    "geography_code": ("GEOGRAPHY_CODE",),
    "size_band": ("EMPLOYMENT_SIZEBAND_NAME",),
    "count": ("OBS_VALUE",),
}
MICRO_BANDS = ("0 to 4", "5 to 9", "Micro (0 to 9)")  # size bands of 0-9 employees
TOTAL_BANDS = ("Total",)  # published total rows, left out so units are not counted twice


def read_csv(path: Path, what: str) -> pd.DataFrame:
    """A CSV table as strings (thousands separators allowed), or one clear error line."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, thousands=",")
    except FileNotFoundError:
        raise DistrictError(f"{path}: {what} not found") from None
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise DistrictError(f"{path}: cannot read {what} as CSV ({exc})") from None


def select_columns(frame: pd.DataFrame, layout: dict, path: Path, what: str) -> pd.DataFrame:
    """The columns of `layout` (model name: published names) renamed to the model's names."""
    found = {}
    stripped = {str(c).strip(): c for c in frame.columns}
    for name, published in layout.items():
        column = next((stripped[p] for p in published if p in stripped), None)
        if column is None:
            raise DistrictError(f"{path}: column {published[0]!r} missing: expected the "
                                f"{what} layout")
        found[name] = frame[column].str.strip()
    return pd.DataFrame(found)


def numeric(frame: pd.DataFrame, columns, path: Path, published: dict) -> pd.DataFrame:
    """`columns` converted to numbers; the first bad cell is named with its row."""
    out = frame.copy()
    for name in columns:
        values = pd.to_numeric(out[name].str.replace(",", ""), errors="coerce")
        bad = np.flatnonzero(values.isna().to_numpy())
        if len(bad):
            row = int(bad[0])
            raise DistrictError(f"{path}: column {published[name][0]!r}, data row {row + 1}: "
                                f"expected a number, got {frame[name].iloc[row]!r}")
        out[name] = values.astype(float)
    return out


def read_iod(path: Path) -> pd.DataFrame:
    """IoD 2019 File 7: code, names, IMD decile and six domain scores per LSOA."""
    frame = select_columns(read_csv(path, "IoD 2019 File 7 CSV"), IOD_COLUMNS, path,
                           "IoD 2019 File 7")
    scores = [c for c in IOD_COLUMNS if c.endswith("_score")] + ["imd_decile"]
    frame = numeric(frame, scores, path, IOD_COLUMNS)
    bad = ~frame["imd_decile"].isin(range(1, 11))
    if bad.any():
        raise DistrictError(f"{path}: column {IOD_COLUMNS['imd_decile'][0]!r}: expected a "
                            f"decile 1-10, got {frame['imd_decile'][bad].iloc[0]!r}")
    return frame.assign(imd_decile=frame["imd_decile"].astype(int))


def read_population(path: Path) -> pd.DataFrame:
    """Mid-year estimates: all-age and working-age (16-64, summed) population per LSOA."""
    raw = read_csv(path, "mid-year population estimates CSV")
    frame = select_columns(raw, POPULATION_COLUMNS, path, "ONS LSOA mid-year estimates")
    stripped = {str(c).strip(): c for c in raw.columns}
    missing = [age for age in WORKING_AGES if age not in stripped]
    if missing:
        raise DistrictError(f"{path}: column {missing[0]!r} missing: expected single-year age "
                            "columns 16 to 64 (ONS LSOA mid-year estimates layout)")
    ages = pd.DataFrame({a: raw[stripped[a]].str.strip() for a in WORKING_AGES})
    layout = {**POPULATION_COLUMNS, **{a: (a,) for a in WORKING_AGES}}
    ages = numeric(ages, WORKING_AGES, path, layout)
    frame = numeric(frame, ["population_all_ages"], path, POPULATION_COLUMNS)
    return frame.assign(population_working_age=ages.sum(axis=1))


def read_centroids(path: Path) -> pd.DataFrame:
    """Population-weighted centroids, converted from metres to km."""
    frame = select_columns(read_csv(path, "population-weighted centroids CSV"),
                           CENTROID_COLUMNS, path, "ONS LSOA population-weighted centroids")
    frame = numeric(frame, ["x", "y"], path, CENTROID_COLUMNS)
    return frame.assign(x_km=frame["x"] / 1000, y_km=frame["y"] / 1000)[
        ["lsoa_code", "x_km", "y_km"]]


def read_business_counts(path: Path) -> pd.DataFrame:
    """UK Business Counts: local units and micro (0-9 employee) units per geography."""
    frame = select_columns(read_csv(path, "UK Business Counts CSV"), BUSINESS_COLUMNS, path,
                           "Nomis UK Business Counts")
    frame = numeric(frame, ["count"], path, BUSINESS_COLUMNS)
    frame = frame[~frame["size_band"].isin(TOTAL_BANDS)]
    micro = frame["count"].where(frame["size_band"].isin(MICRO_BANDS), 0.0)
    return (frame.assign(micro=micro).groupby("geography_code", as_index=False)
            .agg(businesses=("count", "sum"), micro_businesses=("micro", "sum")))


def join_on_lsoa(left: pd.DataFrame, right: pd.DataFrame, path: Path, column: str,
                 what: str) -> pd.DataFrame:
    """`left` with `right`'s columns; an LSOA of the district absent from `right` is an error
    naming `right`'s file and its code `column`."""
    missing = sorted(set(left["lsoa_code"]) - set(right["lsoa_code"]))
    if missing:
        raise DistrictError(f"{path}: column {column!r}: no row for LSOA {missing[0]!r} "
                            f"(expected every LSOA of the district in the {what})")
    return left.merge(right.drop_duplicates("lsoa_code"), on="lsoa_code", how="left")
