"""Robust mixes: the mix that holds up across uncertain worlds, not just at the defaults.

`optimise_robust` evaluates each candidate mix in every world of a sample of
the uncertain parameters (drawn from an experiment file's uncertainties, or a
study's), each world with its own seed shared by every candidate (common random
numbers), net of that world's counterfactual run. A candidate's score is the
robustness measure the user picks (`parse_measure`), computed over worlds on
the direction the outcome registry says is better:

* ``mean``: the expected outcome over worlds;
* ``percentile:Q``: the Q-th percentile over worlds (e.g. 10, the worst decile);
* ``regret``: minus the largest regret, where a candidate's regret in a world is
  how far it falls short of the best candidate in that world (minimax regret,
  Savage 1951); it depends on the whole candidate set, so every candidate runs
  in every world;
* ``satisfice:T``: the share of worlds in which the outcome is at least T (at
  most T for an outcome where lower is better).

The search draws spread-out mixes (Dirichlet) and then mixes near the leader,
like `sim.analysis.optimise`. The winner is re-checked against the scenario's
own mix on fresh worlds with fresh seeds (never used in the search), which
removes the winner's curse: the report gives both mixes' mean and worst-decile
outcome there, the paired mean difference with a t interval and the worst-decile
difference with a bootstrap interval over worlds. Simulations go through
`sim.evaluate.evaluate`, so they run on any backend and resume from a folder.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from sim import outcomes
from sim.analysis.compare import t_interval
from sim.analysis.optimise import (
    Candidate,
    dirichlet_candidates,
    given_settings,
    objective_of,
    sample_candidate,
)
from sim.backends import Backend
from sim.evaluate import Run, counterfactual, evaluate
from sim.policy.levers import registry
from sim.rng import stream
from sim.scenario import Scenario

MEASURES = ("mean", "percentile:Q", "regret", "satisfice:T")
WORST_DECILE = 10.0
BOOTSTRAP = 2000


@dataclass(frozen=True)
class Measure:
    """A robustness measure: kind "mean", "percentile", "regret" or "satisfice", and its
    percentile or threshold."""

    kind: str
    value: float | None = None

    def label(self) -> str:
        if self.kind == "percentile":
            return f"{self.value:g}th percentile over worlds"
        if self.kind == "satisfice":
            return f"share of worlds meeting {self.value:g}"
        return "mean over worlds" if self.kind == "mean" else "minus the largest regret"

    def scores(self, values: np.ndarray, direction: int) -> np.ndarray:
        """Score of each candidate (row of `values`, candidates x worlds); higher is
        better whatever the outcome's direction."""
        better = direction * values
        if self.kind == "mean":
            return better.mean(axis=1)
        if self.kind == "percentile":
            return np.percentile(better, self.value, axis=1)
        if self.kind == "regret":
            return -(better.max(axis=0, keepdims=True) - better).max(axis=1)
        return (better >= direction * self.value).mean(axis=1)


def parse_measure(text: str) -> Measure:
    """`mean`, `percentile:Q` (0 < Q < 100), `regret` or `satisfice:T`.

    Raises:
        ValueError: anything else.
    """
    kind, _, arg = text.partition(":")
    if kind in ("mean", "regret") and not arg:
        return Measure(kind)
    if kind in ("percentile", "satisfice") and arg:
        try:
            value = float(arg)
        except ValueError:
            value = float("nan")
        if kind == "percentile" and not 0 < value < 100:
            raise ValueError(f"percentile:Q needs 0 < Q < 100, got {arg!r}")
        if np.isfinite(value):
            return Measure(kind, value)
    raise ValueError(f"unknown measure {text!r} (use one of {', '.join(MEASURES)})")


@dataclass(frozen=True)
class Worlds:
    """A sample of uncertain worlds: parameter values (one dict per world) and seeds."""

    values: tuple[dict, ...]
    seeds: tuple[int, ...]

    def scenarios(self, scenario: Scenario) -> list[Scenario]:
        """`scenario` in each world (a `budget` factor sets regeneration_budget)."""
        out = []
        for world in self.values:
            params = {("regeneration_budget" if k == "budget" else k): v
                      for k, v in world.items()}
            out.append(replace(scenario, params=scenario.params.replace(**params)))
        return out


def sample_worlds(source: str | Path, count: int | None = None, fresh: bool = False
                  ) -> Worlds:
    """Worlds from the uncertainties of an experiment file (or of the study in a results
    folder): a Latin hypercube of `count` worlds (default: the file's sample size) from
    the file's master seed; `fresh` draws another sample with other seeds.

    Raises:
        ValueError: the source has no uncertain registry parameters.
    """
    from sim.experiments.design import draw, salib_problem
    from sim.experiments.seeds import purpose_seed, simulation_seed
    from sim.experiments.spec import DesignSpec, load_experiment

    exp = load_experiment(_experiment_file(source))
    factors = tuple(f for f in exp.world_factors if f.role == "uncertainty"
                    and (f.sets == "param" or f.name == "budget"))
    if exp.model.kind != "local_economy" or not factors:
        raise ValueError(f"{source}: no uncertain parameters of the local_economy model "
                         "(factors with role = \"uncertainty\")")
    count = count or exp.design.samples or 8
    purpose = "robust-fresh" if fresh else "robust-search"
    seed = purpose_seed(exp.design.seed, purpose)
    samples = draw(DesignSpec("lhs", samples=count), factors, salib_problem(factors), seed)
    columns = {f.name: f.realise(samples[:, i]) for i, f in enumerate(factors)}
    values = tuple({name: col[w] for name, col in columns.items()} for w in range(count))
    seeds = tuple(simulation_seed(seed, w, 0, common=False) for w in range(count))
    return Worlds(values, seeds)


def _experiment_file(source: str | Path) -> Path:
    """The experiment file itself, or the one a study folder was run from."""
    path = Path(source)
    if path.is_dir():
        from sim.experiments.store import read_manifest

        return Path(read_manifest(path)["source"])
    return path


class WorldEvaluator:
    """Runs candidates in every world with the world's seed, net of the world's
    counterfactual (run once per world), through the evaluation layer."""

    def __init__(self, scenario: Scenario, worlds: Worlds, backend=None,
                 folder: str | Path | None = None, bar=None):
        self.scenario, self.worlds = scenario, worlds
        self.world_scenarios = worlds.scenarios(scenario)
        self.backend, self.folder, self.bar = backend, folder, bar
        self.baseline: list[dict] | None = None
        self.runs = 0

    def _rows(self, runs: list[Run]) -> list[dict]:
        out = [o.row() for o in evaluate(runs, self.backend, self.folder, False)]
        self.runs += len(runs)
        if self.bar is not None:
            self.bar.update(len(runs))
        return out

    def net(self, candidates: list[Candidate], key: str) -> np.ndarray:
        """[candidate, world] objective net of the world's counterfactual."""
        seeds = self.worlds.seeds
        if self.baseline is None:
            self.baseline = self._rows([Run(counterfactual(s), seed) for s, seed
                                        in zip(self.world_scenarios, seeds, strict=True)])
        rows = self._rows([Run(c.apply(s), seed) for c in candidates
                           for s, seed in zip(self.world_scenarios, seeds, strict=True)])
        values = np.array([r[key] for r in rows], float).reshape(len(candidates), -1)
        return values - np.array([b[key] for b in self.baseline])[None, :]


@dataclass
class RobustResult:
    """The search's outcome and its re-check on fresh worlds and seeds."""

    objective: outcomes.OutcomeDef
    measure: Measure
    given: Candidate
    best: Candidate
    evaluated: pd.DataFrame  # candidate, score, mean, worst decile, worst, over search worlds
    fresh: dict  # mean, worst decile, measure of each of given and best on fresh worlds
    mean_difference: tuple[float, float, float]  # best minus given, t interval
    decile_difference: tuple[float, float, float]  # best minus given, bootstrap interval
    worlds: int
    runs: int

    @property
    def beats_given_worst_decile(self) -> bool:
        """The bootstrap interval of the worst-decile gain lies on the better side of 0."""
        _, low, high = self.decile_difference
        return low > 0 if self.objective.direction == outcomes.HIGHER else high < 0


def optimise_robust(scenario: Scenario, source: str | Path, objective: str = "reengaged",
                    measure: str | Measure = "percentile:10", worlds: int | None = None,
                    budget_evals: int = 12, backend: Backend | None = None,
                    folder: str | Path | None = None, progress: bool = False) -> RobustResult:
    """Search the mix of `scenario` for the best robustness measure across worlds.

    Args:
        scenario: the starting scenario (regime, budget; its mix is a candidate).
        source: an experiment file or study folder whose uncertainties define the worlds.
        objective: a shortcut or run outcome, as in `sim.analysis.optimise`.
        measure: see `parse_measure`.
        worlds: worlds in the search sample and in the fresh re-check sample.
        budget_evals: candidates evaluated (half spread out, half near the leader).
        backend: where simulations run (default: serially).
        folder: keeps every finished run, so an interrupted search resumes.
        progress: a progress bar with ETA and the running best on stderr.
    """
    from sim.progress import progress_bar

    target = objective_of(objective)
    measure = parse_measure(measure) if isinstance(measure, str) else measure
    search, fresh = sample_worlds(source, worlds), sample_worlds(source, worlds, fresh=True)
    n = len(search.seeds)
    total = (budget_evals + 1) * n + 3 * n  # candidates, counterfactuals, the re-check
    with (backend or Backend()).open() as session, progress_bar(
            total, "robust mix", "sim", progress, smoothing=0.05) as bar:
        evaluator = WorldEvaluator(scenario, search, session, folder, bar)
        result = _search(evaluator, scenario, target, measure, budget_evals, bar)
        checker = WorldEvaluator(scenario, fresh, session, folder, bar)
        return _recheck(checker, result, evaluator.runs)


def _search(evaluator: WorldEvaluator, scenario: Scenario, objective, measure: Measure,
            budget_evals: int, bar) -> RobustResult:
    rng = stream(scenario.seed, "optimise-robust")
    given = Candidate(tuple(scenario.policy.mix[lv] for lv in registry.names()),
                      given_settings(scenario))
    free = np.ones(len(registry.names()), bool)
    spread = max(budget_evals // 2 - 1, 1)
    pool = [given] + [sample_candidate(m, rng, scenario)
                      for m in dirichlet_candidates(rng, None, spread, free)]
    values = evaluator.net(pool, objective.name)
    scores = measure.scores(values, objective.direction)
    leader = pool[int(np.argmax(scores))]
    bar.set_postfix(best=f"{scores.max():.3g}", refresh=False)
    local = [sample_candidate(m, rng, scenario, dict(leader.settings)) for m in
             dirichlet_candidates(rng, np.array(leader.mix), budget_evals - len(pool), free)]
    if local:
        values = np.vstack([values, evaluator.net(local, objective.name)])
        pool += local
    scores = measure.scores(values, objective.direction)  # regret: against the whole pool
    bar.set_postfix(best=f"{scores.max():.3g}", refresh=False)
    best = pool[int(np.argmax(scores))]
    evaluated = trade_offs(pool, values, scores, objective.direction)
    return RobustResult(objective, measure, given, best, evaluated, {}, (0, 0, 0), (0, 0, 0),
                        len(evaluator.worlds.seeds), 0)


def trade_offs(pool: list[Candidate], values: np.ndarray, scores: np.ndarray,
               direction: int) -> pd.DataFrame:
    """Every candidate's score, expected (mean) and worst-decile and worst outcome over
    the search worlds, best score first; `pareto` marks candidates no other beats on both
    the mean and the worst decile."""
    better = direction * values
    frame = pd.DataFrame({
        "candidate": [c.label() for c in pool], "score": scores,
        "mean": values.mean(axis=1),
        "worst_decile": direction * np.percentile(better, WORST_DECILE, axis=1),
        "worst": direction * better.min(axis=1)})
    mean, decile = better.mean(axis=1), np.percentile(better, WORST_DECILE, axis=1)
    frame["pareto"] = [not np.any((mean >= m) & (decile >= d) & ((mean > m) | (decile > d)))
                       for m, d in zip(mean, decile, strict=True)]
    return frame.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)


def _recheck(checker: WorldEvaluator, result: RobustResult, search_runs: int) -> RobustResult:
    """Both the winner and the given mix on fresh worlds and seeds: means, worst deciles,
    the measure, and the paired differences with intervals."""
    d = result.objective.direction
    given, best = checker.net([result.given, result.best], result.objective.name)
    rng = stream(checker.worlds.seeds[0], "robust-bootstrap")
    fresh = {}
    for name, row in (("given", given), ("best", best)):
        fresh[name] = {"mean": float(row.mean()),
                       "worst_decile": float(d * np.percentile(d * row, WORST_DECILE)),
                       "measure": float(result.measure.scores(np.vstack([given, best]), d)
                                        [0 if name == "given" else 1])}
    return replace(result, fresh=fresh, mean_difference=t_interval(best - given),
                   decile_difference=decile_interval(given, best, d, rng),
                   runs=search_runs + checker.runs)


def decile_interval(given: np.ndarray, best: np.ndarray, direction: int, rng
                    ) -> tuple[float, float, float]:
    """Best minus given of the worst-decile outcome, with a 95% bootstrap interval that
    resamples worlds (pairs kept together)."""
    def decile(x: np.ndarray, axis=None) -> np.ndarray:
        return direction * np.percentile(direction * x, WORST_DECILE, axis=axis)

    point = float(decile(best) - decile(given))
    index = rng.integers(0, len(given), size=(BOOTSTRAP, len(given)))
    draws = decile(best[index], axis=1) - decile(given[index], axis=1)
    low, high = np.percentile(draws, [2.5, 97.5])
    return point, float(low), float(high)


def format_robust(result: RobustResult, scenario_name: str) -> str:
    """The winner, the re-check on fresh worlds, and the trade-off table."""
    label = f"net {result.objective.label}"
    g, b = result.fresh["given"], result.fresh["best"]
    md, ml, mh = result.mean_difference
    dd, dl, dh = result.decile_difference
    verdict = ("The robust mix's worst decile beats the given mix's on fresh worlds: the 95% "
               "interval excludes zero." if result.beats_given_worst_decile else
               "On fresh worlds the robust mix's worst decile is not shown to beat the "
               "given mix's (the 95% interval includes zero or lies on the worse side).")
    lines = [f"Robust mix for {scenario_name}: {label}, measure {result.measure.label()}; "
             f"{result.worlds} worlds, {result.runs} simulations",
             f"  given mix:  {result.given.label()}",
             f"  robust mix: {result.best.label()}",
             "  on fresh worlds and seeds:      mean   worst decile   measure",
             f"    given  {g['mean']:22.3g} {g['worst_decile']:14.3g} {g['measure']:9.3g}",
             f"    robust {b['mean']:22.3g} {b['worst_decile']:14.3g} {b['measure']:9.3g}",
             f"  robust minus given, mean: {md:.3g} [{ml:.3g}, {mh:.3g}] (paired t)",
             f"  robust minus given, worst decile: {dd:.3g} [{dl:.3g}, {dh:.3g}] (bootstrap "
             "over worlds)", verdict, "",
             "Trade-off between expected and worst-case outcome over the search worlds "
             "(* = not beaten on both):",
             f"  {'score':>9s} {'mean':>9s} {'decile':>9s} {'worst':>9s}  mix"]
    for row in result.evaluated.head(10).itertuples():
        lines.append(f"{'*' if row.pareto else ' '} {row.score:9.3g} {row.mean:9.3g} "
                     f"{row.worst_decile:9.3g} {row.worst:9.3g}  {row.candidate}")
    return "\n".join(lines)
