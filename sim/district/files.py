"""The district file: a TOML document naming a neighbourhood table and local targets.

    name = "example"
    neighbourhoods = "neighbourhoods.csv"     # one row per LSOA (see NEIGHBOURHOOD_COLUMNS)
    local_targets = "local-targets.csv"       # same layout as sim/data/calibration-targets.csv
    [sources]                                  # the tables it was built from (provenance)
    [params]                                   # parameters the tables set (registry names)

Paths are relative to the TOML file. `load_district` checks every part and returns a
`District`; a scenario's `district = "..."` key names the TOML file.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

import numpy as np
import pandas as pd

from sim.district.tables import DistrictError
from sim.params import ParameterError, lookup
from sim.toml_text import toml_value

# Columns the model reads; the positions place each neighbourhood between the levels the
# registry gives the other (0) and the deprived (1) neighbourhoods (docs/odd.md).
NEIGHBOURHOOD_COLUMNS = ("lsoa_code", "lsoa_name", "x_km", "y_km", "imd_decile",
                         "population_all_ages", "population_working_age", "crime_position",
                         "environment_position", "skills_position", "health_position")
TARGET_COLUMNS = ("target", "definition", "value", "low", "high", "source")
TOML_KEYS = ("name", "neighbourhoods", "local_targets", "sources", "params")


@dataclass(frozen=True, eq=False)
class District:
    """A district read from a district file.

    Attributes:
        name: the district's name.
        source: the TOML file it was read from.
        table: one row per neighbourhood (NEIGHBOURHOOD_COLUMNS and the raw scores).
        params: parameter values the tables set (n_neighbourhoods, populations, ...).
        targets: local calibration targets (calibration-targets.csv layout).
        digest: a hash of the file's contents, so stored runs of another district differ.
    """

    name: str
    source: str
    table: pd.DataFrame = field(repr=False)
    params: dict
    targets: pd.DataFrame = field(repr=False)
    digest: str

    @property
    def n(self) -> int:
        return len(self.table)

    def column(self, name: str) -> np.ndarray:
        """One neighbourhood column as a float array."""
        return self.table[name].to_numpy(dtype=float)

    @property
    def deprived(self) -> np.ndarray:
        """Neighbourhoods in the most deprived national decile of the IMD."""
        return self.table["imd_decile"].to_numpy() == 1


def load_district(path: str | Path) -> District:
    """Read and check a district file (TOML plus its neighbourhood and target tables).

    Raises:
        DistrictError: a file is missing or malformed; one line names the file and the key
            or column.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        doc = tomllib.loads(text)
    except FileNotFoundError:
        raise DistrictError(f"{path}: district file not found") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DistrictError(f"{path}: cannot read district file ({exc})") from None
    unknown = sorted(set(doc) - set(TOML_KEYS))
    if unknown:
        raise DistrictError(f"{path}: unknown key {unknown[0]!r} (allowed: "
                            f"{', '.join(TOML_KEYS)})")
    table, table_text = _table(path, doc, "neighbourhoods", NEIGHBOURHOOD_COLUMNS)
    targets, targets_text = _table(path, doc, "local_targets", TARGET_COLUMNS)
    params = _params(path, doc.get("params", {}), len(table))
    digest = hashlib.sha256((text + table_text + targets_text).encode()).hexdigest()[:16]
    return District(str(doc.get("name", path.stem)), str(path), table, params, targets, digest)


def _table(path: Path, doc: dict, key: str, columns) -> tuple[pd.DataFrame, str]:
    """The CSV table the key `key` names, with `columns` checked."""
    if not isinstance(doc.get(key), str):
        raise DistrictError(f"{path}: key {key!r} must name a CSV file")
    where = path.parent / doc[key]
    try:
        text = where.read_text(encoding="utf-8")
    except OSError:
        raise DistrictError(f"{path}: key {key!r}: {where} not found") from None
    table = pd.read_csv(StringIO(text))
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise DistrictError(f"{where}: column {missing[0]!r} missing: expected a district "
                            f"{key} table written by `coalition district build`")
    return table, text


def _params(path: Path, table: dict, n: int) -> dict:
    """The [params] table checked against the registry; n_neighbourhoods must match."""
    if not isinstance(table, dict):
        raise DistrictError(f"{path}: key 'params' must be a table")
    checked = {}
    for name, value in table.items():
        try:
            checked[name] = lookup(name, f"{path}: [params]").check(value, f"{path}: [params]")
        except ParameterError as exc:
            raise DistrictError(str(exc)) from None
    if checked.get("n_neighbourhoods", n) != n:
        raise DistrictError(f"{path}: [params] n_neighbourhoods = "
                            f"{checked['n_neighbourhoods']} but the table has {n} rows")
    return {**checked, "n_neighbourhoods": n}


def write_district(folder: Path, name: str, table: pd.DataFrame, targets: pd.DataFrame,
                   params: dict, sources: dict) -> Path:
    """Write district.toml, neighbourhoods.csv and local-targets.csv into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    table.to_csv(folder / "neighbourhoods.csv", index=False)
    targets.to_csv(folder / "local-targets.csv", index=False)
    lines = ["# District file written by `coalition district build` (docs/odd.md, district "
             "files).", f"name = {toml_value(name)}", 'neighbourhoods = "neighbourhoods.csv"',
             'local_targets = "local-targets.csv"', "", "[sources]"]
    lines += [f"{k} = {toml_value(str(v))}" for k, v in sources.items()]
    lines += ["", "[params]  # set by the tables; a scenario's [params] cannot change them"]
    lines += [f"{k} = {toml_value(v)}" for k, v in params.items()]
    out = folder / "district.toml"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out
