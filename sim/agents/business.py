"""The Business agent: a view onto one row of the business arrays."""

from __future__ import annotations

import numpy as np
from mesa.discrete_space import FixedAgent

from sim.population import EMPLOYED


class Business(FixedAgent):
    """An employing business fixed in a neighbourhood cell; state in `model.firms`."""

    def __init__(self, model, row: int, cell):
        super().__init__(model)
        self.row = row
        self.cell = cell

    def _col(self, name):
        return getattr(self.model.firms, name)[self.row]

    @property
    def tradable(self) -> bool:
        return bool(self._col("tradable"))

    @property
    def employees(self) -> int:
        res = self.model.residents
        residents = int(np.count_nonzero((res.employer == self.row) & (res.status == EMPLOYED)))
        return residents + int(self._col("incommuters"))

    @property
    def vacancies(self) -> int:
        return int(self._col("vacancies"))

    @property
    def cash(self) -> float:
        return float(self._col("cash"))

    @property
    def age_months(self) -> int:
        return int(self.model.month - self._col("birth_month"))

    @property
    def engaged(self) -> bool:
        return bool(self._col("engaged"))
