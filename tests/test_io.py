"""Run folders: atomic writes, a complete manifest, Parquet tables that round-trip."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest

from sim import io
from sim.cohort import participant_table
from sim.model import LocalEconomy
from sim.params import Params
from sim.policy.spec import Policy


@pytest.fixture(scope="module")
def records():
    """Records of a short LSP town run (burn-in plus a few programme months)."""
    params = Params.from_preset("town", {"burn_in_months": 6})
    model = LocalEconomy(params, rng=3, policy=Policy("lsp")).run(months=12)
    return dict(model.records, participants=participant_table(model))


def manifest_for(seed: int = 3) -> dict:
    params = Params.from_preset("town", {"burn_in_months": 6}).to_dict()
    run = {"preset": "town", "seed": seed, "months": 12, "wall_time_seconds": 0.1}
    return io.build_manifest(run, params, ["coalition", "run", "--preset", "town"])


def test_tables_round_trip(tmp_path, records):
    out = io.write_run(tmp_path / "run", records, manifest_for())
    for name in io.TABLES:
        written = io.read_table(out, name)
        expected = pd.DataFrame(records[name])
        assert len(expected) > 0, name
        pd.testing.assert_frame_equal(written, expected, check_dtype=False)
    assert len(io.read_table(out, "monthly")) == 12


def test_empty_tables_are_valid_parquet_with_schema(tmp_path):
    out = io.write_run(tmp_path / "run", {"monthly": [], "business_events": []}, {})
    for name in io.TABLES:
        table = io.read_table(out, name)
        assert len(table) == 0
        assert list(table.columns) == io.EMPTY_SCHEMAS[name].names


def test_manifest_has_provenance(tmp_path, records):
    out = io.write_run(tmp_path / "run", records, manifest_for(seed=3))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 3
    assert manifest["preset"] == "town"
    assert manifest["params"]["burn_in_months"] == 6
    assert manifest["params"]["n_neighbourhoods"] == 7
    assert set(manifest["versions"]) == {"python", "numpy", "pandas", "mesa", "pyarrow"}
    assert manifest["package"]["name"] == "coalition-sim"
    assert {"commit", "dirty"} <= set(manifest["git"])
    assert manifest["command_line"][:2] == ["coalition", "run"]
    assert manifest["created_at_utc"].endswith("+00:00")


def test_failure_leaves_nothing(tmp_path, records):
    def explode(folder):
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        io.write_run(tmp_path / "run", records, manifest_for(), extra=explode)
    assert list(tmp_path.iterdir()) == []


def test_failure_keeps_existing_folder(tmp_path, records):
    out = io.write_run(tmp_path / "run", records, manifest_for(seed=3))
    before = sorted(p.name for p in out.iterdir())

    def explode(folder):
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        io.write_run(out, records, manifest_for(seed=4), extra=explode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
    assert sorted(p.name for p in out.iterdir()) == before
    assert json.loads((out / "manifest.json").read_text())["seed"] == 3


def test_folder_this_tool_wrote_is_replaced_when_complete(tmp_path, records):
    out = io.write_run(tmp_path / "run", records, manifest_for(seed=4))
    (out / "stale.txt").write_text("left by the earlier run")
    io.write_run(out, records, manifest_for(seed=5))
    assert not (out / "stale.txt").exists()
    assert json.loads((out / "manifest.json").read_text())["seed"] == 5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


@pytest.mark.parametrize("content", ["notes.txt", "manifest.json+study.lock"])
def test_a_users_folder_is_refused_and_left_alone(tmp_path, records, content):
    out = tmp_path / "mine"
    out.mkdir()
    for name in content.split("+"):
        (out / name).write_text("the user's")
    with pytest.raises(io.OutputFolderError, match="did not write"):
        io.write_run(out, records, manifest_for())
    assert sorted(p.name for p in out.iterdir()) == sorted(content.split("+"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


def test_a_file_is_never_replaced_by_a_folder(tmp_path, records):
    (tmp_path / "run").write_text("the user's")
    with pytest.raises(io.OutputFolderError, match="not a folder"):
        io.write_run(tmp_path / "run", records, manifest_for())
    assert (tmp_path / "run").read_text() == "the user's"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_a_killed_writers_temporaries_are_removed_and_nothing_else(tmp_path, records):
    dead = tmp_path / ".run.tmp-1a2b3c4d"  # an earlier version's name, no PID
    dead_pid = tmp_path / f".run.tmp-{2**22 + 7}-0badcafe"  # above Linux's pid_max
    alive = tmp_path / f".run.tmp-{os.getpid()}-12345678"  # a writer still at work
    foreign = [tmp_path / ".run.tmp-notours", tmp_path / ".other.tmp-1a2b3c4d"]
    for folder in (dead, dead_pid, alive, *foreign):
        folder.mkdir()
    io.write_run(tmp_path / "run", records, manifest_for())
    assert not dead.exists() and not dead_pid.exists()
    assert alive.is_dir() and all(f.is_dir() for f in foreign)


@pytest.mark.parametrize("name", ["../x", "/tmp/abs", "a/b", "..", ".", "", "a\x00b", "a\nb",
                                  "...hidden", "x" * 400, "C:\\evil", "~"])
def test_safe_name_is_one_harmless_component(name):
    safe = io.safe_name(name)
    assert safe and len(safe) <= io.MAX_COMPONENT
    assert Path(safe).name == safe and not Path(safe).is_absolute()
    assert not safe.startswith(".") and ".." not in safe
    assert all(c.isalnum() or c in "-_." for c in safe)


def test_git_revision_outside_a_repo(tmp_path):
    assert io.git_revision(tmp_path) == {"commit": None, "dirty": None}


def test_columns_are_the_union_of_all_rows(tmp_path):
    rows = [{"month": 1, "a": 1.0}, {"month": 2, "a": 2.0, "b": 3}]
    out = io.write_run(tmp_path / "run", {"monthly": rows}, {})
    table = io.read_table(out, "monthly")
    assert list(table.columns) == ["month", "a", "b"]
    assert table["b"].isna().tolist() == [True, False]


def test_a_killed_text_writers_temporaries_are_removed(tmp_path):
    stale = tmp_path / f".report.html.tmp-{2**22 + 7}-0badcafe"  # its PID is gone
    stale.write_text("half a report")
    users = tmp_path / ".report.html.tmp-mine"
    users.write_text("not ours")
    io.write_text_atomic(tmp_path / "report.html", "whole")
    assert sorted(p.name for p in tmp_path.iterdir()) == [users.name, "report.html"]
    assert (tmp_path / "report.html").read_text() == "whole"
