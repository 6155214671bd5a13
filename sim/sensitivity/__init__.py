"""Global sensitivity analysis of study folders written by `sim.experiments`.

`analyze_study(folder)` is the entry point (`coalition experiment analyze`);
`read_indices` reads a ranked indices table back. The modules, in the order
the analysis uses them:

| module | owns |
|---|---|
| `study` | the study folder read back through the result store, and its consistency checks |
| `failures` | failed, missing and non-finite runs, and the `on_failure` policies |
| `points` | one value per design point (replicates averaged) and seed noise |
| `indices` | SALib's Sobol', Morris and eFAST estimators as ranked tables |
| `convergence` | indices on growing leading parts of the sample, and the verdict |
| `describe` | grid and Latin hypercube designs: means by level, regression coefficients |
| `plots`, `report` | the figures and `summary.md` |
| `analyse` | all of it for every outcome, written atomically |
"""

from sim.sensitivity.analyse import OutcomeResult, analyze_study, read_indices
from sim.sensitivity.study import AnalysisError, Study, load_study

__all__ = ["AnalysisError", "OutcomeResult", "Study", "analyze_study", "load_study",
           "read_indices"]
