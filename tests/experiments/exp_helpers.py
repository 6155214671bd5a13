"""Experiment texts shared by the experiment tests."""

from __future__ import annotations

ISHIGAMI = """
name = "ishigami"
[model]
kind = "function"
function = "sim.experiments.testfunctions:ishigami"
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
    """A grid over one factor x of a function model from sim.experiments.testfunctions."""
    return f"""
name = "{name}"
[model]
kind = "function"
function = "sim.experiments.testfunctions:{function}"
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
