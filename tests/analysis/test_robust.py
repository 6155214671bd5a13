"""Robust mixes: the measures on a toy problem with a known answer, the intervals, and
an end-to-end search on a short town run that resumes from its folder."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from sim.analysis import robust

ROOT = Path(__file__).resolve().parents[2]

# Toy problem: option A is best on average but collapses in world 3; option B is steady.
FRAGILE_AND_STEADY = np.array([[12.0, 12.0, -10.0],   # A: mean 4.67, regret 14
                               [4.0, 4.0, 4.0]])      # B: mean 4.00, regret 8


@pytest.mark.parametrize(("measure", "winner"), [
    ("mean", 0), ("regret", 1), ("percentile:10", 1), ("satisfice:3", 1),
    ("satisfice:-20", 0)])  # every option meets -20: a tie, the first is kept
def test_each_measure_picks_the_known_option(measure, winner):
    scores = robust.parse_measure(measure).scores(FRAGILE_AND_STEADY, direction=1)
    assert int(np.argmax(scores)) == winner


def test_measures_follow_the_outcomes_direction():
    """For an outcome where lower is better (crime), the same toy negated has the same
    answer: minimax regret still picks the steady option, the mean the fragile one."""
    values = -FRAGILE_AND_STEADY
    assert int(np.argmax(robust.parse_measure("regret").scores(values, -1))) == 1
    assert int(np.argmax(robust.parse_measure("mean").scores(values, -1))) == 0
    assert robust.parse_measure("satisfice:-3").scores(values, -1).tolist() == [2 / 3, 1.0]


def test_regret_is_measured_against_the_best_option_in_each_world():
    values = np.array([[1.0, 5.0], [3.0, 2.0], [2.0, 4.0]])
    scores = robust.parse_measure("regret").scores(values, 1)
    assert scores.tolist() == [-2.0, -3.0, -1.0]


@pytest.mark.parametrize("text", ["median", "percentile:0", "percentile:x", "satisfice",
                                  "regret:2"])
def test_unknown_measures_are_refused(text):
    with pytest.raises(ValueError):
        robust.parse_measure(text)


def test_the_worst_decile_interval_resamples_paired_worlds():
    rng = np.random.default_rng(1)
    given = rng.normal(0, 1, 200)
    point, low, high = robust.decile_interval(given, given + 1.0, 1, np.random.default_rng(2))
    assert point == pytest.approx(1.0) and low == pytest.approx(1.0)
    assert high == pytest.approx(1.0)
    point, low, high = robust.decile_interval(given, given * 0.2, 1, np.random.default_rng(2))
    assert point > 0 and low > 0  # shrinking the spread lifts the worst decile


def test_trade_offs_mark_candidates_not_beaten_on_mean_and_worst_decile():
    from sim.analysis.optimise import Candidate
    from sim.policy.levers import registry

    k = len(registry.names())
    pool = [Candidate(tuple(np.eye(k)[i])) for i in range(3)]
    values = np.array([[12.0, 12.0, -10.0], [4.0, 4.0, 4.0], [3.0, 3.0, 3.0]])
    frame = robust.trade_offs(pool, values, values.mean(axis=1), 1)
    assert frame["pareto"].tolist() == [True, True, False]


def uncertainty_file(tmp_path: Path) -> Path:
    path = tmp_path / "unc.toml"
    path.write_text("""
[model]
preset = "town"
[factors.cooperation_threshold]
low = 0.1
high = 0.6
[factors.mainstream_cost_per_reengaged]
low = 20000
high = 300000
[design]
method = "lhs"
samples = 3
seed = 5
[outcomes.r]
summary = "reengaged_6m"
""", encoding="utf-8")
    return path


def test_worlds_come_from_the_files_uncertainties_and_fresh_ones_differ(tmp_path):
    source = uncertainty_file(tmp_path)
    search = robust.sample_worlds(source)
    again = robust.sample_worlds(source)
    fresh = robust.sample_worlds(source, fresh=True)
    assert search == again and len(search.values) == 3
    assert not set(search.seeds) & set(fresh.seeds)
    assert all(0.1 <= w["cooperation_threshold"] <= 0.6 for w in search.values + fresh.values)
    assert len(robust.sample_worlds(source, 5).values) == 5


def test_a_short_town_search_rechecks_on_fresh_worlds_and_resumes(tmp_path):
    from sim.scenario import load_scenario

    scenario = load_scenario(ROOT / "experiments" / "claims" / "coalition.toml")
    scenario = scenario.with_changes(preset="town")
    scenario = replace(scenario, params=scenario.params.replace(burn_in_months=2,
                                                                programme_months=4))
    source = uncertainty_file(tmp_path)
    kwargs = {"objective": "jobs", "measure": "percentile:10", "worlds": 2,
              "budget_evals": 2, "folder": tmp_path / "units"}
    result = robust.optimise_robust(scenario, source, **kwargs)
    assert result.runs == 12  # (2 candidates + 1 counterfactual) x 2 worlds, twice
    assert set(result.fresh) == {"given", "best"}
    assert len(result.evaluated) == 2
    text = robust.format_robust(result, "coalition")
    assert "worst decile" in text and "fresh worlds" in text
    again = robust.optimise_robust(scenario, source, **kwargs)  # from the stored runs
    assert again.evaluated.equals(result.evaluated) and again.fresh == result.fresh


class CountingEvaluator:
    """Stands in for optimise.Evaluator: random objectives, counts the runs it would ask
    for (every candidate on every seed, one counterfactual per new seed)."""

    def __init__(self):
        self.rng, self.runs, self.seen, self.bar = np.random.default_rng(0), 0, set(), None

    def net(self, candidates, seeds, key):
        from sim.analysis.optimise import TRADE_OFFS

        self.runs += len(candidates) * len(seeds) + len(set(seeds) - self.seen)
        self.seen |= set(seeds)
        values = self.rng.normal(size=(len(candidates), len(seeds)))
        self.last = [[dict.fromkeys(TRADE_OFFS, 1.0)] * len(seeds) for _ in candidates]
        return values


@pytest.mark.parametrize(("seeds", "budget_evals"), [(2, 8), (4, 24), (3, 13)])
def test_the_optimise_progress_bar_plans_the_runs_the_search_asks_for(seeds, budget_evals):
    """The ordinary optimise shows one bar for the whole search: its total (for the ETA)
    is the number of simulations the search requests, within a few per cent."""
    from sim.analysis import optimise
    from sim.scenario import load_scenario

    scenario = load_scenario(ROOT / "experiments" / "claims" / "coalition.toml")
    evaluator = CountingEvaluator()
    optimise._search(evaluator, scenario, optimise.objective_of("jobs"), seeds,
                     budget_evals, 3)
    planned = optimise.planned_runs(seeds, budget_evals, 3)
    assert planned == pytest.approx(evaluator.runs, rel=0.1)
