"""Partners' engagement and trust: pay-offs from the money they get, with a tipping point.

Each quarter a partner moves part of the way (the learning rate) towards a target
engagement. The target is the larger of two responses, scaled by trust:

* its private best response: the engagement, on a grid, that maximises its own pay-off
  in shares of its stream. The pay-off counts the regeneration money it would deliver
  at that engagement (`Regime.money_by_engagement`: under a coalition, delivery
  contracts from the pot go to remit holders by engagement and the reward grant is
  shared by engagement, but only once one has actually been paid) valued at
  `contract_margin`, its share of joint work (which needs engaged others, so it rises
  with the others' engagement; free riders do not value it) and the staff time of
  engaging, which rises with engagement;
* its social response: conditional co-operators engage when the others' mean
  engagement is above a threshold and withdraw below it (a smooth threshold,
  Granovetter 1978); hump-shaped partners follow the others while few engage and fall
  away as most do; free riders have none.

Trust rises with the shared gains a partner actually takes part in, falls when its
mission gets less of its stream back than it tolerates, and collapses after
repeated quarters of such shortfalls. The threshold and the collapse give partnerships that tip
into a virtuous or a vicious circle under either regime.
"""

from __future__ import annotations

import numpy as np

from sim.params import Params

ENGAGEMENT_GRID = np.linspace(0.0, 1.0, 21)  # the levels a partner weighs each quarter


def others_mean(levels: np.ndarray) -> np.ndarray:
    """Each partner's view of the others' mean engagement."""
    return (levels.sum() - levels) / max(len(levels) - 1, 1)


def private_targets(p: Params, partners, money: np.ndarray) -> np.ndarray:
    """Each partner's engagement on `ENGAGEMENT_GRID` that maximises its own pay-off.

    `money[i, g]` is the regeneration money (GBP/yr) partner i would deliver at engagement
    `ENGAGEMENT_GRID[g]`, the others' engagement as it is. Pay-offs are shares of the
    partner's stream a year."""
    levels = np.array([b.engagement for b in partners])
    streams = np.array([b.stream for b in partners])
    trust = np.array([b.trust for b in partners])
    values_joint = np.array([b.disposition != "free_rider" for b in partners], float)
    grid = ENGAGEMENT_GRID[None, :]
    delivered = p.contract_margin * money / np.where(streams > 0, streams, 1.0)[:, None]
    joint = (p.joint_benefit * trust * values_joint * others_mean(levels))[:, None] * grid
    payoff = delivered + joint - p.transaction_cost * grid ** 2
    return ENGAGEMENT_GRID[np.argmax(payoff, axis=1)]


def social_target(p: Params, disposition: str, others: float) -> float:
    """Response to the others' mean engagement, by disposition."""
    if disposition == "conditional":
        return float(1.0 / (1.0 + np.exp(-(others - p.cooperation_threshold)
                                          / p.cooperation_width)))
    if disposition == "hump":
        return p.cooperation_slope * min(others, 1.0 - others)
    return 0.0


def update_engagement(p: Params, partners, money: np.ndarray) -> None:
    """One quarter of engagement learning for all partners (synchronous update)."""
    others = others_mean(np.array([b.engagement for b in partners]))
    private = private_targets(p, partners, money)
    targets = [max(own, social_target(p, body.disposition, seen)) * (0.5 + 0.5 * body.trust)
               for body, own, seen in zip(partners, private, others, strict=True)]
    for body, target in zip(partners, targets, strict=True):
        body.engagement += p.engagement_learning_rate * (target - body.engagement)


def mission_shortfall(p: Params, body) -> float:
    """How far the money a partner delivers falls short of its own stream, beyond what it
    tolerates (under a coalition the pooled share it no longer directs counts until the
    pot gives it back)."""
    gap = 1.0 - body.funding_received / body.stream if body.stream else 0.0
    return max(0.0, gap - p.mission_tolerance)


def update_trust(p: Params, partners, shared_gain: float) -> None:
    """Trust follows the shared gain a partner takes part in (its engagement times the
    measured gain) less its mission's shortfall; after `trust_collapse_quarters` quarters
    of shortfall in a row it loses `trust_collapse_share` of its level."""
    gain = float(np.clip(shared_gain, -1.0, 1.0))
    for body in partners:
        shortfall = mission_shortfall(p, body)
        trust = body.trust + p.trust_rate * (gain * body.engagement - shortfall)
        body.shortfall_quarters = body.shortfall_quarters + 1 if shortfall > 0 else 0
        if body.shortfall_quarters >= p.trust_collapse_quarters:
            trust *= 1.0 - p.trust_collapse_share
            body.shortfall_quarters = 0
        body.trust = float(np.clip(trust, 0.0, 1.0))


def referral_precision(p: Params, partners) -> float:
    """Share of programme places that reach those who need them most (joint referrals)."""
    mean_engagement = np.mean([b.engagement for b in partners]) if partners else 0.0
    return p.referral_precision_base + (1 - p.referral_precision_base) * mean_engagement
