"""Every tutorial notebook runs top to bottom, with small settings, in a scratch folder.

Notebooks read COALITION_NOTEBOOK_FAST=1 to shrink their studies and
COALITION_RESULTS for where to write results, so the test leaves the
repository's results/ alone.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
NEEDS_RUNNER = {"02_sensitivity.ipynb", "03_scenario_discovery.ipynb"}
TIMEOUT = 600  # seconds per cell


def runner_missing() -> bool:
    """True while `sim.experiments.run_study` (the experiment runner) does not exist yet."""
    try:
        return not hasattr(importlib.import_module("sim.experiments"), "run_study")
    except ModuleNotFoundError as exc:
        if exc.name == "sim.experiments":
            return True
        raise


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if path.name in NEEDS_RUNNER and runner_missing():
        pytest.skip("sim.experiments.run_study is not importable yet: the notebook needs the "
                    "experiment runner (issue 4, runner half)")
    monkeypatch.setenv("COALITION_NOTEBOOK_FAST", "1")
    monkeypatch.setenv("COALITION_RESULTS", str(tmp_path / "results"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
