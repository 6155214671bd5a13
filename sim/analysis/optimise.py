"""Find the intervention mix that does best for a budget, with noisy simulations.

The objective of a candidate (a mix on the simplex, and any targeting or regime
setting the scenario marks as free) is its mean over seeds, net of the
counterfactual run with the same seed. The counterfactual does not depend on
the candidate, so it is run once per seed. Three things cope with noise:

1. common random numbers: every candidate runs on the same seeds, so their
   differences are not blurred by luck;
2. successive halving: all candidates run on a few seeds, and the better half
   gets more seeds, round after round (Jamieson and Talwalkar 2016), with a local
   search around the leaders (Dirichlet draws centred on them) in between;
3. a re-check on fresh seeds: the best few are run again on seeds never used in
   the search, the best of them is chosen there, and that choice is confirmed
   against the scenario as given on a second fresh set of seeds. Judging the
   winner on seeds that did not pick it removes the winner's curse, the
   optimistic bias of picking the maximum of noisy estimates. The report gives
   the difference from the given scenario with a paired 95% interval, and says
   so plainly when that interval includes zero.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from sim import outcomes
from sim.analysis.compare import t_interval
from sim.backends import Backend
from sim.evaluate import Run, counterfactual, evaluate
from sim.policy.levers import registry
from sim.rng import stream
from sim.scenario import Scenario

SHORTCUTS = {"reengaged": "reengaged_6m", "jobs": "jobs_total_end",
             "employment_deprived": "employment_rate_deprived_end",
             "wellbeing": "wellbeing_deprived_end"}
TRADE_OFFS = ("reengaged_6m", "jobs_total_end", "public_cost")  # cost: regeneration + aligned


@dataclass(frozen=True)
class Candidate:
    """A mix, and values for the settings the scenario leaves free (targeting, regime
    parameters such as growth_weight)."""

    mix: tuple[float, ...]
    settings: tuple[tuple[str, float], ...] = ()

    def apply(self, scenario: Scenario) -> Scenario:
        mix = dict(zip(registry.names(), self.mix, strict=True))
        values = dict(self.settings)
        targeting = (dict.fromkeys(registry.names(), values.pop("targeting"))
                     if "targeting" in values else scenario.policy.targeting)
        return replace(scenario, params=scenario.params.replace(**values),
                       policy=replace(scenario.policy, mix=mix, targeting=targeting))

    def label(self) -> str:
        parts = [f"{lever}={share:.2f}" for lever, share
                 in zip(registry.names(), self.mix, strict=True) if share >= 0.005]
        return ", ".join(parts) + "".join(f"; {k}={v:.2f}" for k, v in self.settings)


class Evaluator:
    """Runs candidates' simulations through the evaluation layer and keeps the
    counterfactual per seed. With a folder, every finished run is kept there, so an
    interrupted search replays the finished part from disk and goes on."""

    def __init__(self, scenario: Scenario, backend=None, folder: str | Path | None = None,
                 bar=None):
        self.scenario, self.backend, self.folder = scenario, backend, folder
        self.bar = bar  # a tqdm bar over the whole search, or None
        self.baseline: dict[int, dict] = {}
        self.runs = 0
        self.batches = 0

    def _summaries(self, runs: list[Run]) -> list[dict]:
        to_simulate = len(runs) - self._kept(runs)
        started = time.perf_counter()
        out = [o.row() for o in evaluate(runs, self.backend, self.folder, False)]
        self.runs += len(runs)
        self.batches += 1
        if self.bar is not None:
            self.bar.update(len(runs))
            # Timed on the first batch of candidates: the counterfactuals before it also
            # start the worker pool, which would make the estimate far too long.
            if self.batches == 2:
                say_time_left(self.bar, to_simulate, time.perf_counter() - started)
        return out

    def _kept(self, runs: list[Run]) -> int:
        """How many of `runs` an interrupted search already finished (read, not run)."""
        from sim.evaluate.engine import UNITS

        if self.folder is None:
            return 0
        return sum(Path(self.folder, UNITS, r.key).is_dir() for r in runs)

    def net(self, candidates: list[Candidate], seeds: list[int], key: str) -> np.ndarray:
        """[candidate, seed] objective net of the counterfactual of the same seed."""
        missing = [s for s in seeds if s not in self.baseline]
        cf = counterfactual(self.scenario)
        for s, out in zip(missing, self._summaries([Run(cf, s) for s in missing]), strict=True):
            self.baseline[s] = out
        out = self._summaries([Run(c.apply(self.scenario), s) for c in candidates for s in seeds])
        values = np.array([o[key] for o in out], float).reshape(len(candidates), len(seeds))
        self.last = [out[i * len(seeds):(i + 1) * len(seeds)] for i in range(len(candidates))]
        return values - np.array([self.baseline[s][key] for s in seeds])[None, :]


def objectives() -> tuple[str, ...]:
    """Run outcomes the optimiser can pursue: a net effect is meaningful and one way is
    better (sim.outcomes)."""
    return tuple(d.name for d in outcomes.outcomes(outcomes.RUN)
                 if d.net and d.direction != outcomes.NEITHER)


def objective_of(name: str) -> outcomes.OutcomeDef:
    """The outcome an objective name (a shortcut or a run outcome) stands for.

    Raises:
        ValueError: not a shortcut nor a run outcome with a net effect and a direction.
    """
    name = SHORTCUTS.get(name, name)
    if name not in objectives():
        raise ValueError(f"unknown objective {name!r}: use one of {', '.join(SHORTCUTS)} or a "
                         f"run outcome with a direction ({', '.join(objectives())})")
    return outcomes.lookup(name)


def dirichlet_candidates(rng, around: np.ndarray | None, k: int, free: np.ndarray,
                         concentration: float = 40.0) -> list[np.ndarray]:
    """Mixes on the simplex over the free levers: spread out, or centred on `around`."""
    alpha = np.ones(free.sum()) if around is None else np.maximum(
        around[free] * concentration, 0.3)
    out = []
    for _ in range(k):
        mix = np.zeros(len(registry.names()))
        mix[free] = rng.dirichlet(alpha) * (1.0 if around is None else around[free].sum())
        if around is not None:
            mix[~free] = around[~free]
        out.append(mix / mix.sum())
    return out


@dataclass
class OptimiseResult:
    objective: outcomes.OutcomeDef
    given: Candidate
    best: Candidate
    difference: tuple[float, float, float]  # best minus given on fresh seeds, 95% interval
    best_value: tuple[float, float, float]
    given_value: tuple[float, float, float]
    fresh_seeds: list[int]
    evaluated: pd.DataFrame  # every candidate with its mean objective and trade-offs
    runs: int

    @property
    def beats_given(self) -> bool:
        """The 95% interval of best minus given lies on the better side of zero."""
        _, low, high = self.difference
        return low > 0 if self.objective.direction == outcomes.HIGHER else high < 0


def optimise(scenario: Scenario, objective: str = "reengaged", seeds: int = 4,
             budget_evals: int = 24, backend: Backend | None = None, recheck: int = 3,
             folder: str | Path | None = None, progress: bool = False) -> OptimiseResult:
    """Search the mix (and targeting if free) of `scenario` for the best expected objective.

    Args:
        scenario: the starting scenario; its regime and budget are kept; its mix is one of
            the candidates.
        objective: a shortcut (SHORTCUTS) or a run outcome (`objectives()`); maximised
            or minimised as the outcome registry says is better.
        seeds: seeds per candidate in the first round (doubled each halving round).
        budget_evals: candidates to evaluate in total (the search budget).
        backend: where the simulations run (default: serially).
        recheck: how many leaders are re-checked on fresh seeds.
        folder: where finished runs are kept, so an interrupted search resumes.
        progress: show one progress bar on stderr for the whole search, with its ETA and
            the running best objective.
    """
    from sim.progress import progress_bar

    target = objective_of(objective)
    total = planned_runs(seeds, budget_evals, recheck)
    if progress:
        print(describe_plan(seeds, budget_evals, recheck), file=sys.stderr, flush=True)
    with (backend or Backend()).open() as session, progress_bar(  # one pool for every round
            total, "optimise", "sim", progress, smoothing=0.05) as bar:
        result = _search(Evaluator(scenario, session, folder, bar), scenario, target, seeds,
                         budget_evals, recheck)
        bar.total = bar.n  # the plan is within a few per cent (coinciding candidates run once)
        return result


def describe_plan(seeds: int, budget_evals: int, recheck: int) -> str:
    """What the search will do, in one line, before it starts."""
    fresh = max(2 * seeds, 6)
    return (f"optimise: {planned_runs(seeds, budget_evals, recheck)} simulations planned: "
            f"{budget_evals} candidates on {seeds} seeds each, the better half on twice the "
            f"seeds each round, then the best {recheck} re-checked on {fresh} fresh seeds and "
            f"the choice confirmed on {fresh} more (larger --budget-evals and --seeds search "
            "wider and surer, and take longer)")


def say_time_left(bar, runs: int, seconds: float) -> None:
    """One line with the time the rest of the search should take, at the pace of a batch of
    `runs` simulations that took `seconds` (the bar's own ETA follows it)."""
    if runs == 0:  # the batch was read back from disk: a resumed search
        return
    left = (bar.total - bar.n) * seconds / runs
    bar.write(f"optimise: {seconds / runs:.2g} s a simulation here; about "
              f"{_duration(left)} left for the {bar.total - bar.n} still to run",
              file=sys.stderr)


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


def planned_runs(seeds: int, budget_evals: int, recheck: int) -> int:
    """Simulations the search will request (counterfactuals included), for the progress
    bar's ETA: the two halving rounds and the re-check."""
    def halving(pool: int, used: int) -> int:
        total, new = 0, used
        while True:
            total += pool * used + new  # every candidate on every seed, new counterfactuals
            if pool <= 3:
                return total
            pool, new, used = max(3, pool // 2), used, used * 2

    first = 1 + max(budget_evals // 2 - 1, 1)
    second = min(3, first) + max(budget_evals - first, 0)
    fresh = max(2 * seeds, 6)
    return (halving(first, seeds) + halving(second, seeds) - seeds
            + (recheck + 2) * fresh + 2 * fresh)


def _search(evaluator, scenario: Scenario, objective: outcomes.OutcomeDef, seeds: int,
            budget_evals: int, recheck: int) -> OptimiseResult:
    """The search itself: successive halving, a local search, the re-check."""
    rng = stream(scenario.seed, "optimise")
    given = Candidate(tuple(scenario.policy.mix[lever] for lever in registry.names()),
                      given_settings(scenario))
    free = np.ones(len(registry.names()), bool)
    pool = [given] + [sample_candidate(m, rng, scenario) for m in dirichlet_candidates(
        rng, None, max(budget_evals // 2 - 1, 1), free)]
    records: list[dict] = []
    search_seeds = list(range(scenario.seed + 1000, scenario.seed + 1000 + seeds))
    leaders = _halving(evaluator, pool, search_seeds, objective, records)
    local = [sample_candidate(m, rng, scenario, dict(leaders[0].settings)) for m in
             dirichlet_candidates(rng, np.array(leaders[0].mix), budget_evals - len(pool), free)]
    leaders = _halving(evaluator, leaders[:3] + local, search_seeds, objective, records)
    return _recheck(evaluator, scenario, given, leaders[:recheck], objective, seeds, records)


def given_settings(scenario: Scenario) -> tuple[tuple[str, float], ...]:
    """The scenario's own values of its free settings."""
    out = []
    for name in scenario.free:
        value = (float(np.mean(list(scenario.policy.targeting.values()))) if name == "targeting"
                 else float(getattr(scenario.params, name)))
        out.append((name, value))
    return tuple(out)


def _bounds(name: str) -> tuple[float, float]:
    from sim.params import lookup

    return (0.0, 1.0) if name == "targeting" else (lookup(name).low, lookup(name).high)


def sample_candidate(mix, rng, scenario: Scenario, around: dict | None = None) -> Candidate:
    """A candidate with free settings drawn anew, or near `around` (10% of the range)."""
    settings = []
    for name in scenario.free:
        low, high = _bounds(name)
        value = (rng.uniform(low, high) if around is None
                 else around[name] + rng.normal(0, 0.1 * (high - low)))
        settings.append((name, float(np.clip(value, low, high))))
    return Candidate(tuple(float(x) for x in mix), tuple(settings))


def _halving(evaluator, pool, seeds, objective, records) -> list[Candidate]:
    """Successive halving: evaluate, keep the better half on twice the seeds, repeat."""
    pool, used = list(dict.fromkeys(pool)), list(seeds)
    while True:
        values = evaluator.net(pool, used, objective.name)
        if evaluator.bar is not None:
            best = objective.direction * (objective.direction * values.mean(axis=1)).max()
            evaluator.bar.set_postfix(best=f"{best:.3g}", refresh=False)
        for c, row, outs in zip(pool, values, evaluator.last, strict=True):
            records.append({"candidate": c.label(), "seeds": len(used), "objective": row.mean(),
                            **{k: np.mean([o[k] for o in outs]) for k in TRADE_OFFS}})
        order = np.argsort(-objective.direction * values.mean(axis=1), kind="stable")
        pool = [pool[i] for i in order]
        if len(pool) <= 3:
            return pool
        pool = pool[: max(3, len(pool) // 2)]
        used = list(range(used[0], used[0] + 2 * len(used)))


def _recheck(evaluator, scenario, given, leaders, objective, seeds, records):
    """Choose among the leaders on one set of fresh seeds, then confirm the choice against
    the given mix on another: the seeds that pick the winner never judge it, so the reported
    gain carries no winner's curse."""
    n = max(2 * seeds, 6)
    choose = list(range(scenario.seed + 5000, scenario.seed + 5000 + n))
    confirm = list(range(scenario.seed + 7000, scenario.seed + 7000 + n))
    rivals = [c for c in leaders if c != given]
    best = given
    if rivals:
        scores = objective.direction * evaluator.net(rivals, choose, objective.name).mean(axis=1)
        best = rivals[int(np.argmax(scores))]
    values = evaluator.net([given, best], confirm, objective.name)
    evaluated = pd.DataFrame(records).sort_values(
        ["seeds", "objective"], ascending=[False, objective.direction == outcomes.LOWER])
    return OptimiseResult(
        objective=objective, given=given, best=best,
        difference=t_interval(values[1] - values[0]), best_value=t_interval(values[1]),
        given_value=t_interval(values[0]), fresh_seeds=confirm,
        evaluated=evaluated.drop_duplicates("candidate"), runs=evaluator.runs)


def pareto_front(evaluated: pd.DataFrame) -> pd.DataFrame:
    """Candidates not beaten on both re-engagement and jobs (the trade-off table)."""
    rows = evaluated.sort_values("reengaged_6m", ascending=False)
    best_jobs, keep = -np.inf, []
    for row in rows.itertuples():
        if row.jobs_total_end > best_jobs:
            keep.append(row.Index)
            best_jobs = row.jobs_total_end
    return rows.loc[keep]


def _verdict(result: OptimiseResult) -> str:
    """Whether the best mix beats the given one, in words, by the 95% interval."""
    if result.beats_given:
        return "The best mix beats the scenario as given: the 95% interval excludes zero."
    _, low, high = result.difference
    if (high < 0) if result.objective.direction == outcomes.HIGHER else (low > 0):
        return ("On fresh seeds the best candidate of the search does worse than the scenario "
                "as given (the 95% interval lies on the worse side of zero): keep the given "
                "mix.")
    return ("The search could not show that any mix beats the scenario as given: the 95% "
            "interval of the difference includes zero (more seeds or a larger search "
            "budget may settle it).")


def format_result(result: OptimiseResult, scenario_name: str) -> str:
    label = f"net {result.objective.label}"
    d, low, high = result.difference
    verdict = _verdict(result)
    lines = [f"Optimising {scenario_name}: {label}; {result.runs} simulations",
             f"  given mix: {result.given.label()}",
             f"    objective on fresh seeds: {_ci(result.given_value)}",
             f"  best mix:  {result.best.label()}",
             f"    objective on fresh seeds: {_ci(result.best_value)}",
             f"  best minus given (paired, seeds {result.fresh_seeds[0]}.."
             f"{result.fresh_seeds[-1]}): {d:.3g} [{low:.3g}, {high:.3g}]", verdict, "",
             "Trade-offs: candidates not beaten on both re-engagement and jobs (means over the "
             "search seeds of the scenario runs, not net):",
             f"  {'re-engaged':>10s} {'jobs':>8s} {'public cost GBP':>15s}  mix"]
    for row in pareto_front(result.evaluated).head(8).itertuples():
        lines.append(f"  {row.reengaged_6m:10.1f} {row.jobs_total_end:8.0f} "
                     f"{row.public_cost:15,.0f}  {row.candidate}")
    return "\n".join(lines)


def _ci(triple) -> str:
    mean, low, high = triple
    return f"{mean:.3g} [{low:.3g}, {high:.3g}]"
