"""Stage 1 of the month: budgets and the partnership.

Quarterly, partners update engagement and trust. At the start of each
programme year the board allocates the year's money (sim.policy.regimes) and
partners align part of their mainstream budgets. Every month a twelfth of the
year's money enters the delivery pipeline. Businesses decide whether to engage.
"""

from __future__ import annotations

import numpy as np

from sim.policy import engagement, regimes, shocks
from sim.policy.budget import SOURCES


def programme_month(model) -> int:
    """1 in the first programme month, 0 or less during burn-in."""
    return model.month - model.p.burn_in_months


def update_partnership(model) -> None:
    t = programme_month(model)
    if t < 1 or not model.policy.funded:
        return
    partners, board = model.partners, model.board
    if (t - 1) % 3 == 0 and t > 1:
        update_engagement_and_trust(model, t)
    if (t - 1) % 3 == 0:
        board.target_last_quarter = model.shared_target()
    if (t - 1) % 12 == 0:
        allocate_year(model)
    money_flows(model, t)
    model.referral_precision = engagement.referral_precision(model.p, partners)
    engage_businesses(model)


def update_engagement_and_trust(model, t: int) -> None:
    """A quarter's trust (the shared target's movement, missions' funding), then engagement
    (what each partner would deliver at each level it might choose; nothing once the pot
    has ended)."""
    p, partners, board = model.p, model.partners, model.board
    shared_gain = (model.shared_target() - board.target_last_quarter) * 50  # 2 points = 1
    engagement.update_trust(p, partners, shared_gain)
    grid = engagement.ENGAGEMENT_GRID
    money = board.regime.money_by_engagement(p, model.policy, partners, model.levers,
                                             board.reward_paid, grid)
    if shocks.started(model.shocks, "pot_ends", t):
        money = np.zeros_like(money)
    engagement.update_engagement(p, partners, money)


def allocate_year(model) -> None:
    p, partners, board = model.p, model.partners, model.board
    allocation, board.one_stop_shop_budget, reward = board.regime.allocate(
        p, model.policy, partners, model.levers)
    if board.reward_reserve > 0:
        improved = model.shared_target() > (board.target_last_year or 0.0)
        allocation += regimes.pay_reward(p, model.policy, partners, model.levers,
                                         board.reward_reserve, improved)
        board.reward_paid = board.reward_reserve if improved else 0.0
    board.reward_reserve = reward
    board.target_last_year = model.shared_target()
    board.allocation = allocation
    board.pot = board.regime.pot(p, partners)
    board.aligned = regimes.aligned_mainstream(p, model.policy, partners, model.levers)
    model.one_stop_shop.new_year(p, board.one_stop_shop_budget, board.regime.one_stop_shop)
    board.one_stop_shop = model.one_stop_shop.open
    for i, body in enumerate(partners):
        body.funding_received = allocation[i].sum()


def money_flows(model, t: int) -> None:
    """A month of money enters the pipeline. Once the pot has ended no regeneration money
    comes (and partners see their missions unfunded); aligned mainstream money goes on."""
    board = model.board
    ended = shocks.started(model.shocks, "pot_ends", t)
    if ended:
        model.one_stop_shop.close()
        board.one_stop_shop = False
        for body in model.partners:
            body.funding_received = 0.0
    monthly = np.zeros((len(SOURCES), *board.allocation.shape))
    monthly[0] = 0.0 if ended else board.allocation / 12
    monthly[1] = board.aligned / 12
    model.ledger.allocate(monthly)
    model.one_stop_shop.new_month(float(np.mean([b.engagement for b in model.partners])))
    model.counters.one_stop_shop_spend = board.one_stop_shop_budget / 12 * board.one_stop_shop


def engage_businesses(model) -> None:
    """Firms engage when the expected benefit beats the time cost; peers raise the benefit.

    The benefits: recruits through the partnership's employment brokerage (either regime;
    sim.dynamics.labour screens them more leniently), priority for the one stop shop's
    friction cut on an expansion project (tradable firms, where a shop runs) and peers'
    engagement (networks, referrals).
    """
    p, firms, hoods = model.p, model.firms, model.hoods
    n = firms.n
    alive = firms.alive[:n]
    engaged_by_hood = np.bincount(firms.hood[:n], firms.engaged[:n] & alive, hoods.n)
    firms_by_hood = np.maximum(np.bincount(firms.hood[:n], alive, hoods.n), 1)
    peer = p.peer_engagement_value * (engaged_by_hood / firms_by_hood)[firms.hood[:n]]
    broker = p.brokered_recruit_value * firms.vacancies[:n]
    shop = expected_shop_value(model) * firms.tradable[:n]
    draws = model.streams.monthly("business_engagement", model.month)
    noise = draws.logistic(size=n) * 50.0  # [A] GBP/month
    firms.engaged[:n] = alive & (peer + broker + shop + noise > p.business_engagement_cost)


def expected_shop_value(model) -> float:
    """What priority with the one stop shop is worth to a tradable firm a month (GBP): its
    chance of an expansion project this month, times the mean friction cut per case so far,
    times the chance a case is free (capacity against all projects arriving)."""
    p, shop, firms = model.p, model.one_stop_shop, model.firms
    if not shop.open:
        return 0.0
    projects_a_month = p.projects_per_year_per_100k * p.scale_per_100k / 12
    tradable = max(int(np.count_nonzero(firms.alive[: firms.n] & firms.tradable[: firms.n])), 1)
    chance = projects_a_month * (1 - p.inward_share) / tradable
    free = min(shop.monthly_cases / max(projects_a_month, 1e-9), 1.0)
    return chance * shop.mean_case_value() * free
