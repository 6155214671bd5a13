"""End to end: the Ishigami function run by the experiment runner, then analysed.

Skipped until `sim.experiments.run_study` exists (the runner half of issue 4).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from ishigami import ishigami_indices

from sim.sensitivity import analyze_study

experiments = pytest.importorskip("sim.experiments", reason="the experiment runner is not built")
if not hasattr(experiments, "run_study"):
    pytest.skip("sim.experiments.run_study is not importable yet", allow_module_level=True)

RANGE = f"low = {-math.pi!r}\nhigh = {math.pi!r}"
SPEC = f"""
name = "ishigami-end-to-end"
[model]
kind = "function"
function = "function_models:ishigami"
[factors.x1]
{RANGE}
[factors.x2]
{RANGE}
[factors.x3]
{RANGE}
[design]
method = "sobol"
samples = 1024
seed = 3
[outcomes.y]
key = "y"
"""


def test_ishigami_indices_recovered_through_the_runner(tmp_path):
    experiment = experiments.parse_experiment(SPEC)
    folder = experiments.run_study(experiment, backend="serial", out_root=tmp_path,
                                   progress=False)
    got = pd.read_csv(analyze_study(folder) / "sobol_y.csv").set_index("factor")
    true = ishigami_indices()
    for index in ("S1", "ST"):
        assert ((got[index] - true[index]).abs() <= got[f"{index}_conf"] + 0.02).all(), got
