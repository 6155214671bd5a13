"""The optimiser searches the simplex, re-checks on fresh seeds and reports honestly."""

import numpy as np
from town_scenarios import scenario_text

from sim.analysis.optimise import Candidate, dirichlet_candidates, format_result, optimise
from sim.cli import main
from sim.policy.levers import registry
from sim.rng import stream
from sim.scenario import parse_scenario

LEVERS = registry.names()

SCENARIO = scenario_text(name="opt", extra='[optimise]\nfree = ["targeting"]\n')


def test_candidates_are_mixes_on_the_simplex():
    rng = stream(1, "test")
    free = np.ones(len(LEVERS), bool)
    for mix in dirichlet_candidates(rng, None, 20, free) + dirichlet_candidates(
            rng, np.full(len(LEVERS), 1 / len(LEVERS)), 20, free):
        assert np.isclose(mix.sum(), 1) and (mix >= 0).all()


def test_optimise_rechecks_leaders_against_the_given_mix_on_fresh_seeds():
    s = parse_scenario(SCENARIO, "opt.toml")
    result = optimise(s, "reengaged", seeds=2, budget_evals=6)
    assert result.given == Candidate(tuple(s.policy.mix[lever] for lever in LEVERS),
                                     (("targeting", 0.7),))
    assert min(result.fresh_seeds) > 1000 + s.seed + 100  # never used in the search
    diff, low, high = result.difference
    assert low <= diff <= high
    assert result.beats_given == (low > 0)
    text = format_result(result, "opt")
    assert "best minus given" in text and any(
        words in text for words in ("excludes zero", "includes zero", "worse side of zero"))
    assert np.isclose(sum(result.best.mix), 1) and dict(result.best.settings)["targeting"] <= 1


def test_optimising_a_scenario_without_money_is_a_user_error(tmp_path, capsys):
    path = tmp_path / "none.toml"
    path.write_text(SCENARIO.replace('regime = "coalition"', 'regime = "none"'))
    assert main(["optimise", str(path)]) == 2
    assert "no money to allocate" in capsys.readouterr().err


def test_an_objective_where_lower_is_better_is_minimised(monkeypatch):
    """With crime as the objective the search keeps the candidates with the least crime."""
    from sim.analysis import optimise as opt

    def fake_net(self, candidates, seeds, key):  # crime falls with the skills share
        self.last = [[dict.fromkeys(opt.TRADE_OFFS, 0.0)] * len(seeds) for _ in candidates]
        skills = registry.names().index("skills")
        return np.array([[-100 * c.mix[skills]] * len(seeds) for c in candidates])

    monkeypatch.setattr(opt.Evaluator, "net", fake_net)
    result = optimise(parse_scenario(SCENARIO, "opt.toml"), "crime_deprived_end", seeds=2,
                      budget_evals=8)
    skills = registry.names().index("skills")
    assert result.best.mix[skills] == max(
        c.mix[skills] for c in [result.given, result.best])
    assert result.objective.direction == -1 and result.difference[0] < 0
    shown = result.evaluated[result.evaluated["seeds"] == result.evaluated["seeds"].max()]
    assert list(shown["objective"]) == sorted(shown["objective"])  # best (lowest) first
