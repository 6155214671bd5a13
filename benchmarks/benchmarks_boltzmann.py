"""BoltzmannWealth with keyword parameters, so `mesa.batch_run` can vary them.

In Mesa 3.5 `BoltzmannWealth.__init__` takes only a scenario object; `mesa.batch_run`
passes parameters as keywords. This subclass is the shim batch_run needs (our
runner builds the scenario itself). A module of its own so spawned processes
can import it.
"""

from mesa.examples.basic.boltzmann_wealth_model.model import BoltzmannScenario, BoltzmannWealth


class BoltzmannKw(BoltzmannWealth):
    """BoltzmannWealth(n, width, height, rng) with keyword parameters."""

    def __init__(self, n: int = 100, width: int = 10, height: int = 10, rng=None):
        super().__init__(scenario=BoltzmannScenario(n=n, width=width, height=height, rng=rng))
