"""`coalition calibrate`: fit chosen parameters to the calibration targets (docs/calibration.md).

Likelihood-free: Optuna proposes parameter sets (by default a scrambled Sobol sequence
over the registry's ranges, i.e. draws from a uniform prior), each is run on the same
replicate seeds, and the posterior is an ABC rejection sample of the closest trials with
Epanechnikov weights (sim.calibrate.abc).
"""

from sim.calibrate.abc import Posterior, posterior_from_trials
from sim.calibrate.problem import CalibrationError, Problem, calibratable_targets
from sim.calibrate.study import calibrate

__all__ = ["CalibrationError", "Posterior", "Problem", "calibratable_targets", "calibrate",
           "posterior_from_trials"]
