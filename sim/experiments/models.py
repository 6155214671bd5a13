"""Model adapters: run one simulation of a design point with a seed, return its outcomes.

Each adapter is built once per worker process from the Experiment and called
as ``adapter(values, seed) -> (scalars, series)``, where `values` maps factor
names to model values, `scalars` maps scalar outcome names to numbers, and
`series` maps series outcome names to ``(months, values)`` arrays.

* LocalEconomy: factors and fixed values set registry parameters (checked
  again by `Params.replace`) and the policy: `regime`, `budget`
  (regeneration_budget, GBP a year), `targeting` (every lever) or
  `targeting.<lever>`, and `mix.<lever>`. The mix is renormalised to sum to 1
  after the shares are set, so the other levers keep their relative sizes.
  Net outcomes subtract the same seed's counterfactual run (regime none), which
  is computed once per parameter set and seed and reused (a run without money
  does not depend on regime, mix or targeting).
* Mesa: the class is built as ``Class(**values, rng=seed)`` (or ``seed=seed``);
  a Mesa 3.5 model that takes a `scenario` gets ``ScenarioClass(rng=seed, **values)``.
  It is stepped `steps` times, or until `model.running` is False.
* Function: ``function(**values, seed=seed)`` returns a dict of outcome name -> number.

In a study with `[policies]` the `policy` value of a point names its policy: a
scenario-file policy replaces the base scenario (the world's uncertain values
are applied on top of it), a table policy adds its values to the fixed ones.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import numpy as np

from sim.experiments.introspect import has_keyword, resolve, scenario_class, takes_scenario
from sim.experiments.outcomes import Outcome
from sim.experiments.spec import POLICY, Experiment

CACHE_SIZE = 32


def build_adapter(experiment: Experiment):
    """The adapter for the experiment's model kind."""
    kind = experiment.model.kind
    if kind == "local_economy":
        return LocalEconomyAdapter(experiment)
    if kind == "mesa":
        return MesaAdapter(experiment)
    return FunctionAdapter(experiment)


def number(value: Any, name: str) -> float:
    """`value` as a float; TypeError naming the outcome if it is not a real number."""
    if isinstance(value, bool | np.bool_ | int | float | np.integer | np.floating):
        return float(value)
    raise TypeError(f"outcome {name!r} is not a number: {value!r} ({type(value).__name__})")


def split_policy(experiment: Experiment, values: dict, scenario=None) -> tuple[Any, dict, dict]:
    """(base scenario, fixed values, factor values) of a design point: the point's policy,
    if the study has policies, supplies the scenario or adds to the fixed values."""
    fixed = dict(experiment.fixed)
    if not experiment.policies:
        return scenario, fixed, values
    values = dict(values)
    policy = experiment.policy(values.pop(POLICY))
    return policy.scenario or scenario, {**fixed, **policy.values}, values


class LocalEconomyAdapter:
    """Runs `sim.model.LocalEconomy` for a design point."""

    def __init__(self, experiment: Experiment):
        self.experiment = experiment
        self.scenario = experiment.model.scenario
        self.fixed = dict(experiment.fixed)
        self.outcomes = experiment.outcomes
        self.net = tuple(o for o in self.outcomes if o.net)
        self._counterfactuals: OrderedDict = OrderedDict()

    def configure(self, values: dict, scenario=None, fixed: dict | None = None):
        """The parameters and policy of a design point (fixed values, then factors), on
        `scenario` (default: the study's)."""
        from sim.params import REGISTRY

        scenario = scenario or self.scenario
        merged = {**(self.fixed if fixed is None else fixed), **values}
        overrides = {k: v for k, v in merged.items() if k in REGISTRY}
        if "budget" in merged:
            overrides["regeneration_budget"] = merged["budget"]
        params = scenario.params.replace(**overrides)
        return params, apply_policy(scenario.policy, merged)

    def __call__(self, values: dict, seed: int) -> tuple[dict, dict]:
        from dataclasses import replace

        from sim.evaluate import Run

        base, fixed, values = split_policy(self.experiment, values, self.scenario)
        params, policy = self.configure(values, base, fixed)
        scenario = replace(base, params=params, policy=policy)
        scalars, series = measure_local_economy(Run(scenario, seed).execute(), params,
                                                self.outcomes)
        if self.net:
            base_scalars, base_series = self.counterfactual(scenario, seed)
            for o in self.net:
                if o.kind == "scalar":
                    scalars[o.name] -= base_scalars[o.name]
                else:
                    months, vals = series[o.name]
                    series[o.name] = (months, vals - base_series[o.name][1])
        return scalars, series

    def counterfactual(self, scenario, seed: int) -> tuple[dict, dict]:
        """Net outcomes of the run without regeneration money (cached per params and seed)."""
        from sim.evaluate import Run, counterfactual

        key = (seed, tuple(sorted(scenario.params.to_dict().items())))
        if key not in self._counterfactuals:
            outcome = Run(counterfactual(scenario), seed).execute()
            self._counterfactuals[key] = measure_local_economy(outcome, scenario.params,
                                                               self.net)
            if len(self._counterfactuals) > CACHE_SIZE:
                self._counterfactuals.popitem(last=False)
        self._counterfactuals.move_to_end(key)
        return self._counterfactuals[key]


def apply_policy(policy, values: dict):
    """A copy of `policy` with regime, targeting and mix factors applied.

    Raises:
        ValueError: every mix share is zero, so the mix cannot be renormalised.
    """
    from dataclasses import replace

    from sim.policy.levers import registry

    targeting = dict(policy.targeting)
    if "targeting" in values:
        targeting = dict.fromkeys(registry.names(), float(values["targeting"]))
    mix = dict(policy.mix)
    for lever in registry.names():
        targeting[lever] = float(values.get(f"targeting.{lever}", targeting[lever]))
        mix[lever] = float(values.get(f"mix.{lever}", mix[lever]))
    total = sum(mix.values())
    if total <= 0:
        raise ValueError("the mix shares sum to 0; at least one lever needs a positive share")
    mix = {lever: share / total for lever, share in mix.items()}
    return replace(policy, regime=values.get("regime", policy.regime), mix=mix,
                   targeting=targeting)


def measure_local_economy(outcome, params, outcomes: tuple[Outcome, ...]) -> tuple[dict, dict]:
    """Scalars and series of a finished LocalEconomy run (a `sim.evaluate.Result`)."""
    summary = outcome.row()
    months = outcome.series("month").astype(np.int64)
    programme = (params.burn_in_months + 1, params.burn_in_months + params.programme_months)
    scalars, series = {}, {}
    for o in outcomes:
        if o.source == "summary":
            scalars[o.name] = number(summary[o.ref], o.name)
            continue
        vals = outcome.series(o.ref)
        if o.stat == "series":
            series[o.name] = (months, vals)
        else:
            scalars[o.name] = column_stat(months, vals, o, programme)
    return scalars, series


def column_stat(steps: np.ndarray, vals: np.ndarray, outcome: Outcome,
                default_window: tuple[int, int] | None) -> float:
    """The final value, or the mean over the outcome's window (inclusive)."""
    if outcome.stat == "final":
        return float(vals[-1]) if len(vals) else float("nan")
    first, last = outcome.window or default_window or (int(steps[0]), int(steps[-1]))
    if len(steps) == 0 or last > steps[-1] or first < steps[0]:
        end = int(steps[-1]) if len(steps) else 0
        raise ValueError(f"outcome {outcome.name!r}: window [{first}, {last}] is outside the "
                         f"run ({end} months/steps)")
    inside = (steps >= first) & (steps <= last)
    return float(vals[inside].mean())


class FunctionAdapter:
    """Calls a plain function ``f(**values, seed=seed) -> {outcome: number}``."""

    def __init__(self, experiment: Experiment):
        self.experiment = experiment
        self.function = resolve(experiment.model.target)
        self.outcomes = experiment.outcomes

    def __call__(self, values: dict, seed: int) -> tuple[dict, dict]:
        _, fixed, values = split_policy(self.experiment, values)
        result = self.function(**{**fixed, **values}, seed=seed)
        if not isinstance(result, dict):
            raise TypeError(f"the model function must return a dict of outcome -> number, "
                            f"got {type(result).__name__}")
        scalars = {}
        for o in self.outcomes:
            if o.ref not in result:
                raise KeyError(f"the model function returned no {o.ref!r} (it returned "
                               f"{', '.join(map(str, result)) or 'nothing'})")
            scalars[o.name] = number(result[o.ref], o.name)
        return scalars, {}


class MesaAdapter:
    """Builds and steps a Mesa model class."""

    def __init__(self, experiment: Experiment):
        model = experiment.model
        self.experiment = experiment
        self.cls = resolve(model.target)
        self.steps = model.steps
        self.outcomes = experiment.outcomes
        self.scenario_cls = (scenario_class(self.cls, model.scenario_class)
                             if takes_scenario(self.cls) else None)
        self.seed_name = "rng" if has_keyword(self.cls, "rng") else "seed"

    def build(self, values: dict, seed: int):
        """A new model instance for a design point and seed."""
        _, fixed, values = split_policy(self.experiment, values)
        kwargs = {**fixed, **values}
        if self.scenario_cls is not None:
            return self.cls(scenario=self.scenario_cls(rng=seed, **kwargs))
        return self.cls(**kwargs, **{self.seed_name: seed})

    def __call__(self, values: dict, seed: int) -> tuple[dict, dict]:
        model = self.build(values, seed)
        for _ in range(self.steps):
            if not getattr(model, "running", True):
                break
            model.step()
        return self.measure(model)

    def measure(self, model) -> tuple[dict, dict]:
        scalars, series = {}, {}
        for o in self.outcomes:
            if o.source == "function":
                scalars[o.name] = number(resolve(o.ref)(model), o.name)
            elif o.source == "attribute":
                value = getattr(model, o.ref)
                scalars[o.name] = number(value() if callable(value) else value, o.name)
            else:
                frame = model.datacollector.get_model_vars_dataframe()
                vals = frame[o.ref].to_numpy(dtype=float)
                steps = np.arange(len(vals), dtype=np.int64)
                if o.stat == "series":
                    series[o.name] = (steps, vals)
                else:
                    scalars[o.name] = column_stat(steps, vals, o, None)
        return scalars, series
