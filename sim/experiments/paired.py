"""Paired tables of a study with policies: one row per world and replicate.

A study with `[policies]` runs every world (a sample of the uncertain
parameters) under every policy with the same seeds. `paired_table` puts the
runs of one world and replicate side by side: the world's uncertain values,
each policy's level of each scalar outcome as `<outcome>[<policy>]`, and each
`[differences]` entry (policy A minus policy B of an outcome, both in that world
with that seed). `world_table` averages replicates, one row per world: the
input of scenario discovery (`sim.analysis.discovery`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.experiments.design import world_of
from sim.experiments.fields import StudyError
from sim.experiments.spec import POLICY

PAIRED = "paired.parquet"


def level_column(outcome: str, policy: str) -> str:
    """The paired-table column of one policy's level of an outcome."""
    return f"{outcome}[{policy}]"


def study_policies(manifest: dict) -> list[str]:
    """The policies of a study; StudyError if it has none."""
    policies = manifest["design"].get("policies")
    if not policies:
        raise StudyError(f"study {manifest['study']} has no [policies]: paired tables need "
                         "policies crossed with worlds")
    return list(policies)


def paired_table(folder: str | Path) -> pd.DataFrame:
    """One row per (world, replicate): seed, uncertain values, each policy's outcome levels,
    each difference, and `ok` (every policy's run of that world and seed succeeded).

    Raises:
        StudyError: the study has no policies, or a world lacks a policy's run.
    """
    from sim.experiments.store import read_manifest, read_runs

    manifest = read_manifest(folder)
    policies = study_policies(manifest)
    runs = read_runs(folder)
    runs = runs.assign(world=world_of(runs["point"].to_numpy(), len(policies)))
    uncertain = uncertainties(manifest)
    scalars = [o["name"] for o in manifest["outcomes"] if o["kind"] == "scalar"]
    keys = ["world", "replicate"]
    table = runs.loc[runs[POLICY] == policies[0], [*keys, "seed", *uncertain]]
    table = table.set_index(keys)
    for policy in policies:
        part = runs.loc[runs[POLICY] == policy].set_index(keys)
        missing = table.index.difference(part.index)
        if len(missing):
            raise StudyError(f"{len(missing)} worlds have no run of policy {policy!r} yet "
                             "(is the study finished?)")
        part = part.reindex(table.index)
        if not (part["seed"] == table["seed"]).all():
            raise StudyError("the policies of a world ran with different seeds: paired "
                             "differences need a world's policies to share their seeds")
        for name in scalars:
            table[level_column(name, policy)] = part[name]
        table[f"ok[{policy}]"] = part["status"] == "ok"
    table["ok"] = table[[f"ok[{p}]" for p in policies]].all(axis=1)
    table = table.drop(columns=[f"ok[{p}]" for p in policies])
    for d in manifest["spec"].get("differences", []):
        table[d["name"]] = (table[level_column(d["outcome"], d["of"])]
                            - table[level_column(d["outcome"], d["minus"])])
    return table.reset_index()


def write_paired(folder: str | Path) -> Path:
    """Write `paired.parquet` into the study folder (atomically) and return its path."""
    import pyarrow as pa

    from sim.experiments.store import resolve_folder, write_table

    folder = resolve_folder(folder)
    path = folder / PAIRED
    write_table(path, pa.Table.from_pandas(paired_table(folder), preserve_index=False))
    return path


def world_table(folder: str | Path) -> pd.DataFrame:
    """One row per world: its uncertain values and the mean over replicates of every
    level and difference, over the worlds whose runs all succeeded (`replicates` counts
    the replicates averaged)."""
    from sim.experiments.store import read_manifest

    uncertain = uncertainties(read_manifest(folder))
    table = paired_table(folder)
    table = table.loc[table["ok"]].drop(columns=["ok", "seed", "replicate"])
    grouped = table.groupby("world", sort=True)
    measured = [c for c in table.columns if c not in ("world", *uncertain)]
    out = grouped[uncertain].first().join(grouped[measured].mean())
    out["replicates"] = grouped.size()
    return out.reset_index().astype({"world": np.int64})


def uncertainties(manifest: dict) -> list[str]:
    """The uncertain factors of a study (every factor but the policy)."""
    return [f["name"] for f in manifest["factors"] if f["name"] != POLICY]
