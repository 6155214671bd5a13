"""Who spends the regeneration money on which lever, under each regime.

The result is an allocation matrix A[partner, lever] in GBP a year: every
pound is attributed to a lever and to the partner that delivers it.

* none: no regeneration money (the counterfactual for additionality).
* lsp: each partner spends its ring-fenced stream on its own remit, in
  proportion to the partnership's mix within that remit.
* coalition: a pooled share of every stream goes into one pot. The one stop
  shop is paid for first and the reward grant is held back. The rest is
  allocated across the mix, tilted by the growth weight towards growth levers
  and away from social ones (or, with `pot_mix = "as_lsp"`, in the lever shares an
  LSP's remits would realise, for like-for-like comparisons). Delivery contracts go
  to the partners whose remit covers a lever, in proportion to their engagement.
  The unpooled remainder is spent as under an LSP.

Each regime is an object (`NONE`, `LSP`, `COALITION`) that answers, as methods and
attributes, everything that differs between regimes: whether money flows, the year's
allocation, the pot, whether a one stop shop exists and the money a partner would
deliver at each engagement it might choose (sim.policy.engagement weighs it). A
scenario names its regime; `lookup(name)` gives the object.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np

from sim.params import Params

if TYPE_CHECKING:
    from sim.policy.spec import Policy


def remit_matrix(partners, levers) -> np.ndarray:
    """R[partner, lever] = 1 if the partner is one of the lever's remit holders."""
    return np.array([[b.name in lever.remit for lever in levers] for b in partners], float)


def mix_vector(policy: Policy, levers) -> np.ndarray:
    """The policy's mix as shares in lever order."""
    return np.array([policy.mix[lever.name] for lever in levers])


def own_remit_spending(streams: np.ndarray, remit: np.ndarray, mix: np.ndarray) -> np.ndarray:
    """Each partner's money spread over its remit by the mix (evenly if the mix omits it)."""
    weights = remit * mix[None, :]
    even = remit / np.maximum(remit.sum(axis=1, keepdims=True), 1)
    rows = weights.sum(axis=1, keepdims=True)
    shares = np.where(rows > 0, weights / np.where(rows > 0, rows, 1), even)
    return streams[:, None] * shares


def growth_tilted_mix(p: Params, mix: np.ndarray, levers, growth_levers) -> np.ndarray:
    """The board's mix after the growth weight: the scenario's growth levers
    (`Policy.growth_levers`) up, social levers down."""
    tilt = np.array([1 + p.growth_weight if lever.name in growth_levers else
                     1 - p.growth_weight if lever.in_group("social") else 1.0
                     for lever in levers])
    tilted = mix * tilt
    return tilted / tilted.sum() if tilted.sum() > 0 else tilted


def delivery_shares(remit: np.ndarray, engagement: np.ndarray) -> np.ndarray:
    """Share of each lever's pot money delivered by each partner: remit times engagement."""
    weights = remit * np.maximum(engagement, 1e-6)[:, None]
    return weights / weights.sum(axis=0, keepdims=True)


def own_share_by_engagement(own_weight: np.ndarray, others: np.ndarray,
                            grid: np.ndarray) -> np.ndarray:
    """Share [..., g] a partner would get of money shared by engagement if its own engagement
    were `grid[g]` and the others' weights stayed `others` (a 0 own weight gets nothing)."""
    own = own_weight[..., None] * np.maximum(grid, 1e-6)
    total = own + others[..., None]
    return np.divide(own, total, out=np.zeros_like(own), where=own > 0)


def lsp_lever_shares(streams: np.ndarray, remit: np.ndarray, mix: np.ndarray) -> np.ndarray:
    """The shares of all streams an LSP would spend on each lever: each partner spends its
    own stream on its own remit by the mix, so remits, not the mix alone, set the split."""
    by_lever = own_remit_spending(streams, remit, mix).sum(axis=0)
    return by_lever / by_lever.sum() if by_lever.sum() > 0 else by_lever


def board_mix(p: Params, policy: Policy, streams: np.ndarray, remit: np.ndarray,
              levers) -> np.ndarray:
    """How the coalition's board splits its pot by lever (`Policy.pot_mix`): the mix tilted
    by the growth weight, or the split an LSP would realise (`lsp_lever_shares`)."""
    mix = mix_vector(policy, levers)
    if policy.pot_mix == "as_lsp":
        return lsp_lever_shares(streams, remit, mix)
    return growth_tilted_mix(p, mix, levers, policy.growth_levers)


def pot_split(p: Params, policy: Policy, streams: np.ndarray, remit: np.ndarray, levers):
    """A coalition's pot: pooled money by partner, one stop shop, reward reserve (GBP/yr)
    and the board's money by lever B[l] (GBP/yr, split by `board_mix`)."""
    pooled = streams * p.pooled_share
    pot = pooled.sum()
    one_stop_shop = min(p.one_stop_shop_budget, pot)
    reward = (pot - one_stop_shop) * p.reward_grant_share
    board = (pot - one_stop_shop - reward) * board_mix(p, policy, streams, remit, levers)
    return pooled, one_stop_shop, reward, board


@dataclass(frozen=True)
class Regime:
    """What a governance regime decides. The base class is the LSP's behaviour.

    Attributes:
        name: as scenario files write it.
        description: one line for the dashboard and reports.
        funded: whether regeneration money flows at all.
        one_stop_shop: whether the regime runs a one stop shop (if its budget is > 0).
    """

    name: str
    description: str
    funded: bool = True
    one_stop_shop: bool = False

    def allocate(self, p: Params, policy: Policy, partners, levers):
        """The year's allocation A[partner, lever] (GBP/yr), one stop shop budget and reward
        reserve (GBP)."""
        remit = remit_matrix(partners, levers)
        streams = np.array([b.stream for b in partners])
        if not self.funded or streams.sum() == 0:
            return np.zeros_like(remit), 0.0, 0.0
        return self.share_out(p, policy, streams, remit, partners, levers)

    def share_out(self, p: Params, policy: Policy, streams, remit, partners, levers):
        """LSP: each partner spends its ring-fenced stream on its own remit, by the mix."""
        return own_remit_spending(streams, remit, mix_vector(policy, levers)), 0.0, 0.0

    def pot(self, p: Params, partners) -> float:
        """Money pooled a year (GBP)."""
        return 0.0

    def money_by_engagement(self, p: Params, policy: Policy, partners, levers,
                            reward_paid: float, grid: np.ndarray) -> np.ndarray:
        """M[i, g]: regeneration money (GBP/yr) partner i would deliver if its engagement were
        `grid[g]`, the others' as they are. LSP: its own stream, whatever it does."""
        return np.repeat(np.array([[b.stream] for b in partners], float), len(grid), axis=1)


@dataclass(frozen=True)
class Coalition(Regime):
    """A growth coalition: a pooled pot with a growth weight, a reward grant and a one stop
    shop; delivery contracts from the pot go to remit holders by engagement."""

    one_stop_shop: bool = True

    def share_out(self, p: Params, policy: Policy, streams, remit, partners, levers):
        pooled, one_stop_shop, reward, board = pot_split(p, policy, streams, remit, levers)
        engagement = np.array([b.engagement for b in partners])
        allocation = own_remit_spending(streams - pooled, remit, mix_vector(policy, levers))
        allocation += delivery_shares(remit, engagement) * board[None, :]
        return allocation, one_stop_shop, reward

    def pot(self, p: Params, partners) -> float:
        return p.pooled_share * sum(b.stream for b in partners)

    def money_by_engagement(self, p: Params, policy: Policy, partners, levers,
                            reward_paid: float, grid: np.ndarray) -> np.ndarray:
        """The unpooled stream, plus the pot's delivery contracts (`delivery_shares` with the
        partner's engagement at `grid[g]`), plus its share of the reward grant if the last
        one was actually paid (`reward_paid` GBP, shared by engagement as `pay_reward` does)."""
        remit = remit_matrix(partners, levers)
        streams = np.array([b.stream for b in partners], float)
        engagement = np.array([b.engagement for b in partners])
        pooled, _, _, board = pot_split(p, policy, streams, remit, levers)
        weights = remit * np.maximum(engagement, 1e-6)[:, None]
        others = weights.sum(axis=0, keepdims=True) - weights  # [i, l]
        contracts = (own_share_by_engagement(remit, others, grid) * board[None, :, None]).sum(1)
        reward_share = own_share_by_engagement(np.ones(len(partners)),
                                               engagement.sum() - engagement, grid)
        return (streams - pooled)[:, None] + contracts + reward_paid * reward_share


NONE = Regime("none", "no regeneration money: the counterfactual", funded=False)
LSP = Regime("lsp", "local strategic partnership: each public body spends its own "
             "ring-fenced stream on its own remit")
COALITION = Coalition("coalition", "growth coalition: a pooled pot with a growth objective, "
                      "reward grants and a one stop shop")
REGISTRY = MappingProxyType({r.name: r for r in (NONE, LSP, COALITION)})
REGIMES = tuple(REGISTRY)


def lookup(name: str) -> Regime:
    """The regime called `name`; a KeyError naming close matches otherwise."""
    try:
        return REGISTRY[name]
    except KeyError:
        close = difflib.get_close_matches(str(name), REGIMES, n=2)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise KeyError(f"unknown regime {name!r}{hint} (regimes: {', '.join(REGIMES)})") from None


def pay_reward(p: Params, policy: Policy, partners, levers, reward: float,
               target_improved: bool):
    """Last year's reward grant: to partners by engagement if the shared target improved,
    otherwise back to the board's mix. Returns A[partner, lever] (GBP/yr)."""
    remit = remit_matrix(partners, levers)
    mix = mix_vector(policy, levers)
    engagement = np.array([b.engagement for b in partners])
    if target_improved and engagement.sum() > 0:
        return own_remit_spending(reward * engagement / engagement.sum(), remit, mix)
    streams = np.array([b.stream for b in partners], float)
    split = board_mix(p, policy, streams, remit, levers)
    return delivery_shares(remit, engagement) * (reward * split)[None, :]


def aligned_mainstream(p: Params, policy: Policy, partners, levers) -> np.ndarray:
    """Mainstream money that engaged, trusting partners bend to deprived neighbourhoods.

    It is not new money: it is redirected from the partner's mainstream services in the
    rest of its area (`forgone_reengaged` values what they no longer buy), and it stays
    inside the district's mainstream public spending (`model.public_spend`)."""
    if not policy.funded:
        return np.zeros((len(partners), len(levers)))
    remit = remit_matrix(partners, levers)
    mix = mix_vector(policy, levers)
    bent = np.array([b.engagement * b.trust * p.alignable_share * b.mainstream_budget
                     for b in partners])
    return own_remit_spending(bent, remit, mix)


def forgone_reengaged(p: Params, aligned_spent: float) -> float:
    """Residents the partners' mainstream services no longer re-engage elsewhere because
    `aligned_spent` GBP of their money went to deprived-area levers: the opportunity cost
    of aligned money at the mainstream services' own marginal productivity."""
    return aligned_spent / p.mainstream_cost_per_reengaged
