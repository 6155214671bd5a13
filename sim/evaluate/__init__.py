"""The evaluation layer: runs and paired runs as objects that return tidy tables.

Every command that runs many simulations (compare, validate, optimise, the
experiment runner's net outcomes, the dashboard's second scenario) builds its
models here and runs them through the one backend layer (`sim.backends`), so
each gains resume, failure isolation and Dask. Analysis reads the tables an
`Result` holds and never builds a model.
"""

from sim.evaluate.build import build_model, counterfactual
from sim.evaluate.engine import EvaluationError, FolderBusy, evaluate
from sim.evaluate.units import COMPARISON, SCENARIO, Fan, Pair, Result, Run

__all__ = ["COMPARISON", "SCENARIO", "EvaluationError", "Fan", "FolderBusy", "Pair", "Result",
           "Run", "build_model", "counterfactual", "evaluate"]
