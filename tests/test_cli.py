"""Smoke tests of the `coalition` command, in process and as a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
        ["compare", "s.toml", "--seed", "3"],  # an abbreviation of --seeds: not taken
        ["run", "--mon", "3"],
        ["experiment", "run", "e.toml", "--work", "2"],
        ["run", "--months", "1201"],
    ],
)
def test_bad_arguments_exit_2(tmp_path, monkeypatch, capsys, argv):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    one_line_error(capsys)
    assert list(tmp_path.iterdir()) == []


def test_version_prints_the_package_version(capsys):
    import sim

    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"coalition {sim.__version__}"


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


BAD_NAMES = ["../x", "../../elsewhere/x", "/tmp/abs", "a/b", "..", "", "a\\u0000b", "a\\nb"]


def tree(root) -> set[str]:
    """Every path under `root`, relative to it."""
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def named_scenario(folder, name: str, file: str = "s.toml"):
    path = folder / file
    path.write_text(f'name = "{name}"\npreset = "town"\n')
    return path


@pytest.mark.parametrize("name", BAD_NAMES)
def test_no_scenario_name_makes_run_write_outside_results(tmp_path, monkeypatch, capsys, name):
    work = tmp_path / "work"
    work.mkdir()
    scenario = named_scenario(work, name)
    monkeypatch.chdir(work)
    before = tree(tmp_path)
    code = main(["run", str(scenario), "--months", "2"])
    new = tree(tmp_path) - before
    if "\\u" in name or "\\n" in name:  # control characters: refused, nothing written
        assert code == 2 and not new and "printable text" in capsys.readouterr().err
        return
    assert code == 0
    assert new and all(p == "work/results" or p.startswith("work/results/") for p in new), new
    assert len({p.split("/")[2] for p in new if p != "work/results"}) == 1  # one run folder


@pytest.mark.parametrize("names", [(BAD_NAMES[:2]), (BAD_NAMES[2], BAD_NAMES[4]),
                                   (BAD_NAMES[5], BAD_NAMES[6])])
def test_compare_folder_is_a_child_of_results_compare(names):
    from sim.cli import compare_folder

    for preset in (None, "town"):
        folder = compare_folder(list(names), 5, preset)
        assert folder.parent == Path("results", "compare")
        assert not folder.name.startswith(".") and ".." not in folder.name


def test_compare_default_folder_names_the_overriding_preset(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pair.toml").write_text('preset = "district"\n')  # run as town below
    assert main(["compare", "pair.toml", "--preset", "town", "--seeds", "2",
                 "--workers", "1"]) == 0
    assert sorted(p.name for p in (tmp_path / "results" / "compare").iterdir()) == [
        "pair-town-seeds2"]


def test_compare_with_an_escaping_name_writes_only_under_results(tmp_path, monkeypatch):
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    victim = tmp_path / "elsewhere" / "x-seeds2"
    victim.mkdir(parents=True)
    (victim / "precious.txt").write_text("keep me")
    scenario = named_scenario(work, "../../../../elsewhere/x")  # aims at tmp_path/elsewhere
    monkeypatch.chdir(work)
    before = tree(tmp_path)
    assert main(["compare", str(scenario), "--seeds", "2", "--workers", "1"]) == 0
    new = tree(tmp_path) - before
    inside = ("a/b/results", "a/b/results/compare")
    assert new and all(p in inside or p.startswith(inside[1] + "/") for p in new), new
    assert (victim / "precious.txt").read_text() == "keep me"
    assert before <= tree(tmp_path)


@pytest.mark.parametrize("command", [["compare", "S", "--seeds", "2"], ["run", "S"],
                                     ["validate", "--seeds", "1"], ["claims"],
                                     ["optimise", "S"]])
def test_out_that_is_a_file_is_refused_and_kept(tmp_path, monkeypatch, capsys, command):
    monkeypatch.chdir(tmp_path)
    scenario = tmp_path / "s.toml"
    scenario.write_text('preset = "town"\n[policy]\nregime = "lsp"\nbudget = 1000000\n')
    (tmp_path / "file").write_text("the user's")
    argv = [str(scenario) if a == "S" else a for a in command]
    assert main([*argv, "--out", "file"]) == 2
    assert "exists and is not a folder" in one_line_error(capsys)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "s.toml"]
    assert (tmp_path / "file").read_text() == "the user's"


def test_run_refuses_a_folder_it_did_not_write_before_simulating(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "thesis.tex").write_text("years of work")
    assert main(["run", "--preset", "town", "--out", "docs"]) == 2
    assert "did not write" in one_line_error(capsys)
    assert tree(tmp_path) == {"docs", "docs/thesis.tex"}


QUICK_LSP = ('name = "quick"\npreset = "town"\n[params]\nburn_in_months = 6\n'
             'programme_months = 12\n[policy]\nregime = "lsp"\n')


@pytest.mark.parametrize("target", ["ten", "-5", "0%"])
def test_compare_refuses_a_bad_target_half_width_before_running(tmp_path, capsys, target):
    scenario = tmp_path / "s.toml"
    scenario.write_text(QUICK_LSP)
    out = tmp_path / "cmp"
    assert main(["compare", str(scenario), "--seeds", "auto", "--target-half-width", target,
                 "--out", str(out)]) == 2
    assert "--target-half-width" in one_line_error(capsys)
    assert not out.exists()


def test_compare_seeds_auto_stops_at_the_maximum_and_says_so(tmp_path, capsys):
    scenario = tmp_path / "s.toml"
    scenario.write_text(QUICK_LSP)
    assert main(["compare", str(scenario), "--seeds", "auto", "--target-half-width", "0.001",
                 "--max-seeds", "2", "--workers", "1", "--json", "--no-marginal",
                 "--out", str(tmp_path / "cmp")]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["seeds"] == [1, 2] and doc["seed_rule"].startswith("auto")
    assert doc["marginal"] == {} and doc["seeds_needed"][0]["seeds_used"] == 2
    assert "Enough seeds?" in (tmp_path / "cmp" / "report.html").read_text()
