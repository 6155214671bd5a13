"""The corpus of malformed inputs: every case is refused with exit code 2 and one line on
stderr that names the file or argument, the key and what is allowed; no traceback, and
nothing is written anywhere (the case's folder is unchanged, --out never appears).

Cases are data: `scenarios/*.toml` and `experiments/*.toml` start with lines
`# expect: <fragment of the message>` (after a UTF-8 byte-order mark in the cases that
test one), every one of which the message must contain; `command_lines.toml` lists
argument vectors. Only validation runs (a case
that wrongly passed would start a short simulation and fail). A file with several
mistakes is reported on one line per mistake, under a first line "N problems in FILE:".
"""

from __future__ import annotations

import itertools
import re
import tomllib
from pathlib import Path

import pytest

from sim.cli import main

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent  # function_models.py, for the function-model cases
VALID_SCENARIO = 'preset = "town"\n[policy]\nregime = "lsp"\nbudget = 1000000\n'


def file_cases(kind: str) -> list:
    return [pytest.param(p, id=p.stem) for p in sorted((HERE / kind).glob("*.toml"))]


def expected_of(path: Path) -> list[str]:
    """The fragments of the message a case expects (its leading `# expect: ` lines)."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("# expect: "), f"{path.name}: first line must be '# expect: ...'"
    return [line.removeprefix("# expect: ") for line in itertools.takewhile(
        lambda line: line.startswith("# expect: "), lines)]


def assert_reports(case: Path, path: Path, message: str) -> None:
    """The message names the file on every line and contains every expected fragment."""
    assert all(str(path) in line for line in message.splitlines()), message
    missing = [e for e in expected_of(case) if e not in message]
    assert not missing, f"{missing} not in {message}"


def command_cases() -> list:
    cases = tomllib.loads((HERE / "command_lines.toml").read_text(encoding="utf-8"))["case"]
    return [pytest.param(c["argv"], c["expect"], id=" ".join(c["argv"])) for c in cases]


def tree(root: Path) -> dict[str, bytes | None]:
    """Every path under `root` with its content (None for folders)."""
    return {str(p.relative_to(root)): (None if p.is_dir() else p.read_bytes())
            for p in root.rglob("*")}


def refused(argv: list[str], folder: Path, capsys) -> str:
    """Run the command in `folder`; assert it is refused cleanly, return the message."""
    before = tree(folder)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    several = re.match(r"coalition: error: (\d+) problems in ", lines[0])
    assert len(lines) == (1 + int(several.group(1)) if several else 1), err
    assert all(line.startswith("coalition: error: ") for line in lines), err
    assert tree(folder) == before, "a refused command changed files"
    return "\n".join(lines)


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(TESTS))
    return tmp_path


@pytest.mark.parametrize("case", file_cases("scenarios"))
def test_bad_scenario_file(case, folder, capsys):
    path = folder / case.name
    path.write_bytes(case.read_bytes())
    message = refused(["run", str(path), "--months", "1", "--out", "out"], folder, capsys)
    assert_reports(case, path, message)


@pytest.mark.parametrize("case", file_cases("experiments"))
def test_bad_experiment_file(case, folder, capsys):
    path = folder / case.name
    path.write_bytes(case.read_bytes())
    message = refused(["experiment", "run", str(path), "--out-root", "out", "--quiet"],
                      folder, capsys)
    assert_reports(case, path, message)


@pytest.mark.parametrize(("argv", "expect"), command_cases())
def test_bad_command_line(argv, expect, folder, capsys):
    (folder / "s.toml").write_text(VALID_SCENARIO)
    (folder / "file").write_text("the user's")
    (folder / "out").mkdir()
    names = {"{scenario}": "s.toml", "{file}": "file", "{out}": "out/nothing-here"}
    argv = [names.get(a, a) for a in argv]
    line = refused(argv, folder, capsys)
    assert names.get(expect, expect) in line


def test_the_corpus_is_large_enough():
    cases = len(file_cases("scenarios")) + len(file_cases("experiments")) + len(command_cases())
    assert cases >= 60


VALID_EXPERIMENT = """name = "ok"
[model]
kind = "function"
function = "function_models:trivial"
[factors.x]
low = 0
high = 1
[design]
method = "grid"
samples = 2
[outcomes.y]
"""


@pytest.mark.parametrize("kind", ["scenario", "experiment"])
def test_a_byte_order_mark_is_accepted(kind, folder):
    """Windows editors save UTF-8 with a BOM; TOML forbids it, the reader drops it."""
    from sim.experiments import load_experiment
    from sim.scenario import load_scenario

    path = folder / f"{kind}.toml"
    text = VALID_SCENARIO if kind == "scenario" else VALID_EXPERIMENT
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    loaded = load_scenario(path) if kind == "scenario" else load_experiment(path)
    assert loaded.name == ("scenario" if kind == "scenario" else "ok")


def test_mistakes_in_a_scenario_an_experiment_names_are_each_reported(folder, capsys):
    """The experiment file's report lists the scenario's mistakes one line each (not the
    scenario's own "N problems" line in the middle), so the count on the first line is
    the number of lines that follow."""
    (folder / "s.toml").write_text('preset = "town"\nseeed = 1\n[params]\nnot_a_param = 1\n')
    path = folder / "exp.toml"
    path.write_text('name = "ok"\n[model]\nkind = "local_economy"\nscenario = "s.toml"\n'
                    '[factors.search_intensity]\nlow = 0.2\nhigh = 0.3\n[design]\n'
                    'method = "lhs"\nsamples = 4\n[outcomes.y]\nsummary = "reengaged_6m"\n')
    message = refused(["experiment", "run", str(path), "--out-root", "out", "--quiet"],
                      folder, capsys)
    lines = message.splitlines()
    assert lines[0] == f"coalition: error: 2 problems in {path}:"
    assert all(f"{path}: [model]: key 'scenario': " in line for line in lines[1:])
    assert "'seeed'" in lines[1] and "not_a_param" in lines[2]
