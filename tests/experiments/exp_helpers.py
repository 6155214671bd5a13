"""Experiment texts shared by the experiment tests, and the environment their
subprocesses need to import the test doubles."""

from __future__ import annotations

import os
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent  # holds function_models.py, mesa_models.py

ISHIGAMI = """
name = "ishigami"
[model]
kind = "function"
function = "function_models:ishigami"
[factors.x1]
low = -3.14159
high = 3.14159
[factors.x2]
low = -3.14159
high = 3.14159
[factors.x3]
low = -3.14159
high = 3.14159
[design]
method = "sobol"
samples = 16
seed = 5
[outcomes.y]
"""

TOWN = """
name = "town-tiny"
[model]
kind = "local_economy"
scenario = "{scenario}"
preset = "town"
[factors.search_intensity]
low = 0.2
high = 0.35
[factors.regime]
levels = ["lsp", "coalition"]
[fixed]
burn_in_months = 2
programme_months = 4
[design]
method = "grid"
samples = 2
replicates = 2
seed = 3
[outcomes.net_reengaged_3m]
summary = "reengaged_3m"
net = true
[outcomes.employment_deprived]
column = "employment_rate_deprived"
stat = "mean"
[outcomes.jobs]
column = "jobs_total"
stat = "series"
"""


def function_experiment(function: str, n: int = 8, name: str = "fn", extra: str = "",
                        low: float = 0.0, high: float = 1.0) -> str:
    """A grid over one factor x of a function model from tests/function_models.py."""
    return f"""
name = "{name}"
[model]
kind = "function"
function = "function_models:{function}"
[factors.x]
low = {low}
high = {high}
[design]
method = "grid"
samples = {n}
seed = 1
[outcomes.y]
{extra}
"""


def env_with_test_doubles() -> dict[str, str]:
    """os.environ with tests/ on PYTHONPATH, for a `python` subprocess whose experiments
    name the test doubles (pytest's `pythonpath` reaches only this process and the
    worker processes it spawns, not a separate interpreter)."""
    path = os.pathsep.join(p for p in (str(TESTS), os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, "PYTHONPATH": path}
