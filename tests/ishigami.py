"""The Ishigami function and its analytic sensitivity indices, for known-answer tests.

The Ishigami function (Ishigami and Homma 1990), as used by SALib's own
regression tests, on x_i uniform in [-pi, pi]:

    f(x) = sin(x1) + a sin(x2)^2 + b x3^4 sin(x1)

Its variance and partial variances are known in closed form (Saltelli et al.
2008, The Primer, section 4.9; Sobol' and Levitan 1999):

    V   = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2
    V1  = (1 + b pi^4/5)^2 / 2,   V2 = a^2/8,   V3 = 0,
    V13 = b^2 pi^8 (1/18 - 1/50),  all other interactions 0.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

ISHIGAMI_A, ISHIGAMI_B = 7.0, 0.1


def ishigami_problem() -> dict:
    """The SALib problem of the Ishigami function: x1, x2, x3 uniform on [-pi, pi]."""
    return {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-math.pi, math.pi]] * 3}


def ishigami(X: np.ndarray, a: float = ISHIGAMI_A, b: float = ISHIGAMI_B) -> np.ndarray:
    """The Ishigami function of each row of X (columns x1, x2, x3)."""
    x1, x2, x3 = X[:, 0], X[:, 1], X[:, 2]
    return np.sin(x1) + a * np.sin(x2) ** 2 + b * x3**4 * np.sin(x1)


def ishigami_indices(a: float = ISHIGAMI_A, b: float = ISHIGAMI_B) -> pd.DataFrame:
    """Analytic S1 and ST of x1, x2, x3 (index: factor name)."""
    pi4, pi8 = math.pi**4, math.pi**8
    v1, v2, v13 = 0.5 * (1 + b * pi4 / 5) ** 2, a**2 / 8, b**2 * pi8 * (1 / 18 - 1 / 50)
    v = a**2 / 8 + b * pi4 / 5 + b**2 * pi8 / 18 + 0.5
    return pd.DataFrame({"S1": [v1 / v, v2 / v, 0.0], "ST": [(v1 + v13) / v, v2 / v, v13 / v]},
                        index=pd.Index(["x1", "x2", "x3"], name="factor"))
