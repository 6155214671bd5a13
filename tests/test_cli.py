"""Smoke tests of the `coalition` command, in process and as a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from sim.cli import main

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
OUTPUTS = ("monthly.parquet", "business_events.parquet", "projects.parquet", "accounts.parquet",
           "manifest.json", "summary.png")


def assert_run_folder(out, months: int) -> None:
    for name in OUTPUTS:
        assert (out / name).is_file(), name
    assert (out / "summary.png").read_bytes()[:8] == PNG_MAGIC
    manifest = json.loads((out / "manifest.json").read_text())
    assert (manifest["preset"], manifest["seed"], manifest["months"]) == ("town", 1, months)


def test_run_in_process(tmp_path, capsys):
    out = tmp_path / "tmp"
    assert main(["run", "--preset", "town", "--months", "24", "--out", str(out)]) == 0
    assert_run_folder(out, 24)
    printed = capsys.readouterr().out
    assert "Employment rate, deprived" in printed and str(out) in printed
    assert "before the programme started" in printed


def test_run_subprocess(tmp_path):
    out = tmp_path / "tmp"
    done = subprocess.run(
        [sys.executable, "-m", "sim.cli", "run", "--preset", "town", "--months", "40",
         "--seed", "1", "--out", str(out)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert_run_folder(out, 40)
    assert "programme start (m36)" in done.stdout


def test_default_out_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["run", "--preset", "town", "--months", "12"]) == 0
    assert_run_folder(tmp_path / "results" / "default-town-seed1-12m", 12)


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("coalition: error: ")
    return lines[0]


@pytest.mark.parametrize(
    ("scenario", "expected"),
    [
        ('sed = 1\n', "did you mean 'seed'"),
        ('[params]\nserch_intensity = 0.3\n', "did you mean 'search_intensity'"),
        ('seed = [1\n', "TOML syntax error"),
    ],
)
def test_bad_scenario_exits_2(tmp_path, monkeypatch, capsys, scenario, expected):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "bad.toml"
    path.write_text(scenario)
    assert main(["run", str(path)]) == 2
    line = one_line_error(capsys)
    assert "bad.toml" in line and expected in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml"]


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "missing.toml"],
        ["run", "--seed", "-1"],
        ["run", "--months", "0"],
        ["run", "--months", "ten"],
        ["run", "--preset", "village"],
        ["validate", "--seeds", "0"],
        ["frobnicate"],
    ],
)
def test_bad_arguments_exit_2(tmp_path, monkeypatch, capsys, argv):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    one_line_error(capsys)
    assert list(tmp_path.iterdir()) == []


def test_bad_scenario_subprocess_has_no_traceback(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[params]\nsearch_intensity = 7\n')
    done = subprocess.run(
        [sys.executable, "-m", "sim.cli", "run", str(path), "--out", str(tmp_path / "o")],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "search_intensity" in done.stderr and "allowed range" in done.stderr
    assert not (tmp_path / "o").exists()


def test_validate_json(capsys):
    code = main(["validate", "--preset", "town", "--seeds", "1", "--workers", "1", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == (0 if doc["all_simulated_pass"] else 1)
    assert {t["target"] for t in doc["targets"]} >= {"employment_rate_district",
                                                     "business_birth_rate_annual"}
