"""Who spends the regeneration money on which lever, under each regime.

The result is an allocation matrix A[partner, lever] in GBP a year: every
pound is attributed to a lever and to the partner that delivers it.

* none: no regeneration money (the counterfactual for additionality).
* lsp: each partner spends its ring-fenced stream on its own remit, in
  proportion to the partnership's mix within that remit.
* coalition: a pooled share of every stream goes into one pot. The one stop
  shop is paid for first and the reward grant is held back. The rest is
  allocated across the mix, tilted by the growth weight towards growth levers
  and away from social ones. Delivery contracts go to the partners whose remit
  covers a lever, in proportion to their engagement. The unpooled remainder is
  spent as under an LSP.

Each regime is an object (`NONE`, `LSP`, `COALITION`) that answers, as methods and
attributes, everything that differs between regimes: whether money flows, the year's
allocation, the pot, whether a one stop shop exists and the partners' incentives to
engage (sim.policy.engagement). A scenario names its regime; `lookup(name)` gives the
object.
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
        return self.share_out(p, streams, remit, mix_vector(policy, levers), partners, levers,
                              policy.growth_levers)

    def share_out(self, p: Params, streams, remit, mix, partners, levers, growth_levers):
        """LSP: each partner spends its ring-fenced stream on its own remit, by the mix."""
        return own_remit_spending(streams, remit, mix), 0.0, 0.0

    def pot(self, p: Params, partners) -> float:
        """Money pooled a year (GBP)."""
        return 0.0

    def engagement_incentive(self, p: Params) -> float:
        """Benefit per unit of engagement (share of the partner's stream) beyond the share
        of joint work every regime offers."""
        return 0.0


@dataclass(frozen=True)
class Coalition(Regime):
    """A growth coalition: a pooled pot with a growth weight, a reward grant and a one stop
    shop; partners gain access to the pot and face performance pressure."""

    one_stop_shop: bool = True

    def share_out(self, p: Params, streams, remit, mix, partners, levers, growth_levers):
        pooled = streams * p.pooled_share
        pot = pooled.sum()
        one_stop_shop = min(p.one_stop_shop_budget, pot)
        reward = (pot - one_stop_shop) * p.reward_grant_share
        board = (pot - one_stop_shop - reward) * growth_tilted_mix(p, mix, levers, growth_levers)
        engagement = np.array([b.engagement for b in partners])
        allocation = own_remit_spending(streams - pooled, remit, mix)
        allocation += delivery_shares(remit, engagement) * board[None, :]
        return allocation, one_stop_shop, reward

    def pot(self, p: Params, partners) -> float:
        return p.pooled_share * sum(b.stream for b in partners)

    def engagement_incentive(self, p: Params) -> float:
        """Access to the pot, the reward grant and performance pressure (sim.policy.engagement)."""
        return (p.pooled_share * p.pot_access_value + p.reward_grant_share
                + p.performance_pressure * p.transaction_cost)


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
    tilted = growth_tilted_mix(p, mix, levers, policy.growth_levers)
    return delivery_shares(remit, engagement) * (reward * tilted)[None, :]


def aligned_mainstream(p: Params, policy: Policy, partners, levers) -> np.ndarray:
    """Mainstream money that engaged, trusting partners bend to deprived neighbourhoods."""
    if not policy.funded:
        return np.zeros((len(partners), len(levers)))
    remit = remit_matrix(partners, levers)
    mix = mix_vector(policy, levers)
    bent = np.array([b.engagement * b.trust * p.alignable_share * b.mainstream_budget
                     for b in partners])
    return own_remit_spending(bent, remit, mix)
