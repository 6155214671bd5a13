"""Write the MADE-UP example tables in the publishers' layouts (run once; output shipped).

Nothing here is real data: the codes (E01999xxx, E06999998/9) are not real LSOAs or
districts, and every number is drawn from a fixed seed around levels typical of a
small deprived English town. Run: python sim/data/example/make_example.py
"""

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
RNG = np.random.default_rng(2019)  # fixed: the example must not change between runs
LADS = [("E06999999", "Madeup Town", 8), ("E06999998", "Elsewhere (made up)", 2)]
DEPRIVED = {0, 1}  # rows of Madeup Town in IMD decile 1


def rows():
    k = 0
    for lad, lad_name, n in LADS:
        for i in range(n):
            k += 1
            yield k, lad, lad_name, i, (lad == LADS[0][0] and i in DEPRIVED)


def iod() -> pd.DataFrame:
    out = []
    for k, lad, lad_name, i, dep in rows():
        decile = 1 if dep else int(RNG.integers(3, 9))
        n = RNG.standard_normal(8)
        out.append({
            "LSOA code (2011)": f"E01999{k:03d}",
            "LSOA name (2011)": f"{lad_name} {i + 1:03d}A",
            "Local Authority District code (2019)": lad,
            "Local Authority District name (2019)": lad_name,
            "Index of Multiple Deprivation (IMD) Score": round((52 if dep else 18) + 4 * n[0], 3),
            "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)":
                int(1200 + 300 * abs(n[1])) if dep else int(9000 + 15000 * (decile - 2) / 8),
            "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)":
                decile,
            "Income Score (rate)": round((0.31 if dep else 0.11) + 0.02 * n[2], 3),
            "Employment Score (rate)": round((0.22 if dep else 0.09) + 0.015 * n[3], 3),
            "Education, Skills and Training Score": round((48 if dep else 18) + 5 * n[4], 3),
            "Health Deprivation and Disability Score": round((1.5 if dep else 0.1) + 0.2 * n[5], 3),
            "Crime Score": round((1.2 if dep else 0.0) + 0.2 * n[6], 3),
            "Barriers to Housing and Services Score": round(20 + 4 * n[7], 3),
            "Living Environment Score": round((38 if dep else 18) + 4 * n[0], 3),
        })
    return pd.DataFrame(out)


def population(codes) -> pd.DataFrame:
    out = []
    for code, (_, lad, lad_name, i, _dep) in zip(codes, rows(), strict=True):
        ages = RNG.poisson(np.r_[np.full(16, 18.0), np.full(49, 20.5), np.full(25, 14.0), 20.0])
        row = {"LSOA Code": code, "LSOA Name": f"{lad_name} {i + 1:03d}A",
               "LA Code (2019 boundaries)": lad, "LA name (2019 boundaries)": lad_name,
               "All Ages": int(ages.sum())}
        row.update({str(a): int(v) for a, v in enumerate(ages[:90])})
        row["90+"] = int(ages[90])
        out.append(row)
    return pd.DataFrame(out)


def centroids(codes, names) -> pd.DataFrame:
    angle = RNG.uniform(0, 2 * np.pi, len(codes))
    r = 4000 * np.sqrt(RNG.random(len(codes)))
    return pd.DataFrame({"X": np.round(440000 + r * np.cos(angle), 3),
                         "Y": np.round(520000 + r * np.sin(angle), 3),
                         "objectid": np.arange(1, len(codes) + 1),
                         "lsoa11cd": codes, "lsoa11nm": names})


def business_counts(codes, deprived) -> pd.DataFrame:
    bands = ["0 to 4", "5 to 9", "10 to 19", "20 to 49", "50 to 99", "100 to 249", "250+"]
    shares = np.array([0.70, 0.13, 0.08, 0.05, 0.02, 0.015, 0.005])
    out = []
    for code, dep in zip(codes, deprived, strict=True):
        counts = RNG.poisson((40 if dep else 60) * shares)
        for band, c in zip(bands, counts, strict=True):
            out.append({"DATE_NAME": "2019", "GEOGRAPHY_NAME": code, "GEOGRAPHY_CODE": code,
                        "GEOGRAPHY_TYPE": "lower layer super output areas 2011",
                        "INDUSTRY_NAME": "Total", "EMPLOYMENT_SIZEBAND_NAME": band,
                        "LEGAL_STATUS_NAME": "Total", "MEASURES_NAME": "Value",
                        "OBS_VALUE": int(c), "OBS_STATUS_NAME": "Normal Value"})
        out.append({**out[-1], "EMPLOYMENT_SIZEBAND_NAME": "Total",
                    "OBS_VALUE": int(sum(r["OBS_VALUE"] for r in out[-len(bands):]))})
    return pd.DataFrame(out)


def main() -> None:
    table = iod()
    codes = table["LSOA code (2011)"].tolist()
    deprived = (table["Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived "
                      "10% of LSOAs)"] == 1).tolist()
    table.to_csv(HERE / "MADE-UP-IoD2019_File_7_scores.csv", index=False)
    population(codes).to_csv(HERE / "MADE-UP-sape-mid-2019-lsoa-persons.csv", index=False)
    centroids(codes, table["LSOA name (2011)"]).to_csv(
        HERE / "MADE-UP-LSOA_Dec_2011_population_weighted_centroids.csv", index=False)
    business_counts(codes, deprived).to_csv(HERE / "MADE-UP-uk-business-counts-lsoa.csv",
                                            index=False)


if __name__ == "__main__":
    main()
