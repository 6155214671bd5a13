"""District files: a real (or example) district built from open-data tables.

`build` reads the publishers' tables (English Indices of Deprivation 2019 File 7, ONS
mid-year population estimates by LSOA, ONS population-weighted centroids, optionally
UK Business Counts from Nomis) and writes a district file (TOML plus a neighbourhood
CSV and the district's local calibration targets). `load_district` reads it back; a
scenario names it with `district = "path/district.toml"` (docs/odd.md, district files).
"""

from sim.district.build import build_district
from sim.district.files import District, DistrictError, load_district

__all__ = ["District", "DistrictError", "build_district", "load_district"]
