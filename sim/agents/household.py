"""The Household agent: a view onto one row of the household arrays."""

from __future__ import annotations

from mesa.discrete_space import CellAgent


class Household(CellAgent):
    """A household living in a neighbourhood cell.

    Its state lives in `model.households` (row `row`) and its working-age
    members in `model.residents`; the agent only reads and writes those rows,
    so whole-population rules stay vectorised.
    """

    def __init__(self, model, row: int, cell):
        super().__init__(model)
        self.row = row
        self.cell = cell

    @property
    def members(self):
        return self.model.households.members(self.row)

    @property
    def hood(self) -> int:
        return int(self.model.households.hood[self.row])

    @property
    def has_car(self) -> bool:
        return bool(self.model.households.car[self.row])

    @property
    def income(self) -> float:
        """Monthly household income: wages plus benefits of its working-age members (GBP)."""
        return float(self.model.resident_income()[self.members].sum())

    @property
    def workless(self) -> bool:
        return not self.model.residents.employed[self.members].any()
