"""Money accounting: every pound is attributed to a lever and a partner.

Allocated money enters a delivery pipeline and becomes spendable after the
lever's delivery lag. Spending from a lever draws on each partner's balance in
proportion to what that partner has in it. Regeneration and aligned mainstream
money are kept in separate ledgers, so a strategist can see both. Money a lever does
not spend in a month stays in its balance for later months: a lever whose unit costs
more than a month's money buys a unit once its balance suffices.
"""

from __future__ import annotations

import numpy as np

SOURCES = ("regeneration", "mainstream")


class Ledger:
    """Balances, pipeline and cumulative flows, each [source, partner, lever] in GBP.

    Args:
        n_partners: number of partners.
        lags: each lever's delivery lag in months, in the model's lever order.
    """

    def __init__(self, n_partners: int, lags: np.ndarray):
        shape = (len(SOURCES), n_partners, len(lags))
        self.lags = lags.astype(int)
        self.pipeline = np.zeros((int(lags.max()) + 1, *shape))
        self.balance = np.zeros(shape)
        self.allocated = np.zeros(shape)
        self.spent = np.zeros(shape)
        self.spent_this_month = np.zeros(shape)
        self.arrived = np.zeros(len(lags))
        # Part of a lever's balance set aside for one use (business advice), at most the balance.
        self.earmarked = np.zeros(len(lags))

    def allocate(self, monthly: np.ndarray) -> None:
        """Commit a month's money [source, partner, lever]; it arrives after each lever's lag."""
        self.allocated += monthly
        for lag in np.unique(self.lags):
            cols = self.lags == lag
            self.pipeline[lag][..., cols] += monthly[..., cols]

    def arrive(self) -> None:
        """Money whose lag has passed becomes spendable; the pipeline moves on a month."""
        self.arrived = self.pipeline[0].sum(axis=(0, 1))  # by lever, this month
        self.balance += self.pipeline[0]
        self.pipeline[:-1] = self.pipeline[1:]
        self.pipeline[-1] = 0.0
        self.spent_this_month[:] = 0.0

    def available(self, lever: int) -> float:
        return float(self.balance[..., lever].sum())

    def spend(self, lever: int, amount: float) -> None:
        """Spend `amount` on `lever`, pro rata to each source and partner's balance."""
        held = self.balance[..., lever]
        total = held.sum()
        if amount <= 0 or total <= 0:
            return
        amount = min(amount, total)
        taken = held * (amount / total)
        self.balance[..., lever] -= taken
        self.spent[..., lever] += taken
        self.spent_this_month[..., lever] += taken
        self.earmarked[lever] = min(self.earmarked[lever], self.available(lever))

    def earmark(self, lever: int, amount: float) -> float:
        """Set `amount` more of `lever`'s balance aside (capped by the balance); returns what
        is set aside in all. Spending on the earmarked use draws it down with `release`."""
        self.earmarked[lever] = min(self.earmarked[lever] + amount, self.available(lever))
        return float(self.earmarked[lever])

    def release(self, lever: int, amount: float) -> None:
        """`amount` of the earmark is used (it is then spent with `spend`)."""
        self.earmarked[lever] = max(self.earmarked[lever] - amount, 0.0)
