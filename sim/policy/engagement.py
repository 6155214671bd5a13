"""Partners' engagement and trust: conditional co-operation with regime incentives.

Each quarter a partner moves part of the way (the learning rate) towards a
target engagement. The target mixes a social response to the others' mean
engagement, which depends on the partner's disposition [S] Fischbacher, Gachter
and Fehr 2001, with the engagement that pays for the partner itself: benefit
per unit of engagement B against a quadratic transaction cost, e* = B / (2c).
Under an LSP the only benefit is the partner's share of joint work (a public
good). A coalition adds access to the pot, the reward grant and performance
pressure. Trust scales the target. It rises with visible shared gains and
falls when the partner's mission gets less than its own stream.
"""

from __future__ import annotations

import numpy as np

from sim.params import Params


def private_target(p: Params, regime, trust: float, free_rider: bool) -> float:
    """Engagement that maximises a partner's own pay-off B e - c e^2 (shares of its stream);
    the regime (sim.policy.regimes) adds its incentives to the benefit B."""
    benefit = 0.0 if free_rider else p.joint_benefit * trust
    benefit += regime.engagement_incentive(p)
    return float(np.clip(benefit / (2 * p.transaction_cost), 0.0, 1.0))


def social_target(p: Params, disposition: str, others: float) -> float:
    """Response to the others' mean engagement, by disposition."""
    if disposition == "conditional":
        return p.cooperation_slope * others
    if disposition == "hump":
        return p.cooperation_slope * min(others, 1.0 - others) * 2 * 0.5
    return 0.0


def update_engagement(p: Params, partners, regime) -> None:
    """One quarter of engagement learning for all partners (synchronous update)."""
    levels = np.array([b.engagement for b in partners])
    targets = []
    for i, body in enumerate(partners):
        others = (levels.sum() - levels[i]) / max(len(partners) - 1, 1)
        own = private_target(p, regime, body.trust, body.disposition == "free_rider")
        social = social_target(p, body.disposition, others)
        targets.append(max(own, social) * (0.5 + 0.5 * body.trust))
    for body, target in zip(partners, targets, strict=True):
        body.engagement += p.engagement_learning_rate * (target - body.engagement)


def update_trust(p: Params, partners, shared_gain: float) -> None:
    """Trust follows visible shared gains (scaled by joint working) and unfunded missions."""
    mean_engagement = np.mean([b.engagement for b in partners])
    for body in partners:
        gap = 1.0 - body.funding_received / body.stream if body.stream else 0.0
        shortfall = max(0.0, gap - p.mission_tolerance)
        signal = np.clip(shared_gain, -1.0, 1.0) * mean_engagement - shortfall
        body.trust = float(np.clip(body.trust + p.trust_rate * signal, 0.0, 1.0))


def referral_precision(p: Params, partners) -> float:
    """Share of programme places that reach those who need them most (joint referrals)."""
    mean_engagement = np.mean([b.engagement for b in partners]) if partners else 0.0
    return p.referral_precision_base + (1 - p.referral_precision_base) * mean_engagement
