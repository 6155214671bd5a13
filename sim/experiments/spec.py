"""Experiment files: load and validate a TOML study description into frozen dataclasses.

An experiment file names a model, the factors to vary (with their ranges and
roles), fixed values, a design (grid, LHS, Sobol, Morris or FAST), the outcomes
to measure and how to run. `docs/experiments.md` documents every table and key;
`experiments/*.toml` are examples. Every problem in a file is reported, one
line each, naming the file, the table and key, and what is allowed
(`ExperimentError`).
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sim.experiments.factors import (
    Factor,
    Target,
    check_fixed,
    free_target,
    local_economy_target,
    parse_factor,
)
from sim.experiments.fields import (
    ExperimentError,
    Issues,
    Problem,
    check_keys,
    choice,
    close_matches,
    flatten_dotted,
    gather,
    get,
    positive_int,
)
from sim.experiments.introspect import (
    accepts,
    check_import_path,
    mesa_parameter_defaults,
    resolve,
    signature_defaults,
)
from sim.experiments.outcomes import Difference, Outcome, parse_difference, parse_outcome

__all__ = ["DesignSpec", "Experiment", "ExperimentError", "ModelSpec", "RunSpec",
           "load_experiment", "parse_experiment"]

# Largest `samples` of a design: 2**20 keeps a Sobol size valid and a design of a few dozen
# factors within a few GiB; at a second a simulation it is already days of work.
MAX_SAMPLES = 2 ** 20
TOP_KEYS = ("name", "description", "model", "factors", "fixed", "design", "outcomes", "run",
            "policies", "differences")
MODEL_KINDS = ("local_economy", "mesa", "function")
METHODS = ("grid", "lhs", "sobol", "morris", "fast")
BACKENDS = ("serial", "processes", "dask")
RESERVED = ("point", "replicate", "seed", "status", "error", "traceback", "wall_seconds")
DOTTED_GROUPS = ("mix", "targeting")
POLICY = "policy"  # the factor (and runs-table column) naming a study's policy
POLICY_METHODS = ("grid", "lhs", "sobol")


@dataclass(frozen=True)
class ModelSpec:
    """Which model to run.

    Attributes:
        kind: "local_economy", "mesa" or "function".
        scenario: the base scenario (local_economy), with the preset applied.
        target: "package.module:Class" (mesa) or "package.module:function" (function).
        steps: steps per Mesa run.
        scenario_class: "package.module:Class" of the Mesa Scenario to build, if the
            model takes a `scenario`; None to find it (see sim.experiments.models).
    """

    kind: str
    scenario: Any = None
    target: str | None = None
    steps: int | None = None
    scenario_class: str | None = None

    def normalised(self) -> dict:
        """What determines the results, as plain JSON (no file paths)."""
        if self.kind != "local_economy":
            return {"kind": self.kind, "target": self.target, "steps": self.steps,
                    "scenario_class": self.scenario_class}
        s = self.scenario
        return {"kind": self.kind, "scenario": {
            "name": s.name, "preset": s.preset, "params": dict(sorted(s.overrides.items())),
            "policy": asdict(s.policy), "shocks": [asdict(k) for k in s.shocks]}}


@dataclass(frozen=True)
class DesignSpec:
    """How design points are drawn (see sim.experiments.design)."""

    method: str
    samples: int | None = None
    second_order: bool = False
    levels: int = 4
    harmonics: int = 4
    replicates: int = 1
    seed: int = 1
    common_random_numbers: bool = True


@dataclass(frozen=True)
class RunSpec:
    """Defaults for running the study (the command line may override them)."""

    backend: str = "processes"
    workers: int | None = None
    batch: int | None = None
    scheduler: str | None = None


@dataclass(frozen=True)
class Policy:
    """One policy of a study crossed with uncertain worlds (`[policies]`).

    Attributes:
        name: the policy name (a level of the `policy` column of the runs table).
        scenario: its scenario (a local_economy policy given as a scenario file, with the
            [model] preset applied); None for a table of values.
        values: parameter, policy-factor or keyword values it sets (a table policy).
        source: the scenario file it came from, if any.
    """

    name: str
    scenario: Any = None
    values: dict = field(default_factory=dict)
    source: str | None = None

    def normalised(self) -> dict:
        """What determines its runs, as plain JSON (the scenario's contents, not its path)."""
        scenario = (ModelSpec("local_economy", scenario=self.scenario).normalised()["scenario"]
                    if self.scenario is not None else None)
        return {"name": self.name, "scenario": scenario, "values": dict(self.values)}


@dataclass(frozen=True)
class Experiment:
    """A validated experiment.

    Attributes:
        name: study name (folder under results/).
        description: free text.
        source: the file it came from.
        model: the model to run.
        factors: the factors, in file order (the order of the SALib problem).
        fixed: fixed values (name -> value) applied to every simulation.
        design: the design settings.
        outcomes: the outcomes, in file order.
        run: run defaults.
    """

    name: str
    description: str
    source: str
    model: ModelSpec
    factors: tuple[Factor, ...]
    fixed: dict = field(default_factory=dict)
    design: DesignSpec = field(default_factory=lambda: DesignSpec("grid"))
    outcomes: tuple[Outcome, ...] = ()
    run: RunSpec = field(default_factory=RunSpec)
    policies: tuple[Policy, ...] = ()
    differences: tuple[Difference, ...] = ()

    @property
    def levers(self) -> tuple[Factor, ...]:
        return tuple(f for f in self.factors if f.role == "lever")

    @property
    def uncertainties(self) -> tuple[Factor, ...]:
        return tuple(f for f in self.factors if f.role == "uncertainty")

    @property
    def needs_counterfactual(self) -> bool:
        return any(o.net for o in self.outcomes)

    @property
    def world_factors(self) -> tuple[Factor, ...]:
        """The factors sampled to make a world: every factor but the policy."""
        return tuple(f for f in self.factors if f.name != POLICY or not self.policies)

    def policy(self, name: str) -> Policy:
        """The policy called `name` (KeyError if there is none)."""
        return {p.name: p for p in self.policies}[name]

    def normalised(self) -> dict:
        """The whole spec as plain JSON, defaults filled in (for the manifest)."""
        spec = {"name": self.name, "description": self.description,
                "model": self.model.normalised(),
                "factors": [f.describe() for f in self.factors],
                "fixed": dict(self.fixed), "design": asdict(self.design),
                "outcomes": [o.describe() for o in self.outcomes], "run": asdict(self.run)}
        if self.policies:  # absent otherwise, so studies without policies keep their run ids
            spec["policies"] = [p.normalised() for p in self.policies]
            spec["differences"] = [d.describe() for d in self.differences]
        return spec

    @property
    def run_id(self) -> str:
        """A short hash of everything that determines the results (not name, run settings,
        nor the paired differences, which are computed from the runs afterwards)."""
        spec = self.normalised()
        keys = ("model", "factors", "fixed", "design", "outcomes", "policies")
        key = {k: spec[k] for k in keys if k in spec}
        text = json.dumps(key, sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment TOML file.

    Args:
        path: the file; a scenario it names is looked up beside it, then in the
            current folder.

    Returns:
        The validated Experiment.

    Raises:
        ExperimentError: every problem found, one line each.
    """
    from sim.io import read_user_file

    path = Path(path)
    text = read_user_file(path, "experiment file", ExperimentError)
    return parse_experiment(text, source=str(path), default_name=path.stem, base=path.parent)


def parse_experiment(text: str, source: str = "<experiment>", default_name: str = "experiment",
                     base: Path | None = None) -> Experiment:
    """Validate the TOML text of an experiment (see `load_experiment`)."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ExperimentError(f"{source}: TOML syntax error: {exc}") from None
    issues = Issues(source)
    _section(issues, "", lambda: check_keys(doc, TOP_KEYS, "an experiment file"))
    name = _section(issues, "key 'name'", lambda: _name(doc, default_name)) or default_name
    model = _section(issues, "[model]", lambda: _model(_table(doc, "model", True), base))
    if model is None:
        issues.raise_if_any()
    target_of = _target_function(model)
    factors = _factors(issues, _table_or_empty(issues, doc, "factors"), target_of)
    fixed = _fixed(issues, _table_or_empty(issues, doc, "fixed"), target_of, factors, model)
    design = _section(issues, "[design]", lambda: _design(_table(doc, "design", True), factors))
    outcomes = _outcomes(issues, _table_or_empty(issues, doc, "outcomes"), model.kind)
    run = _section(issues, "[run]", lambda: _run(_table(doc, "run", False)))
    description = _section(issues, "", lambda: get(doc, "description", str, "")) or ""
    _check_names(issues, factors, outcomes)
    _check_windows(issues, model, fixed, factors, outcomes)
    preset = doc["model"].get("preset") if isinstance(doc.get("model"), dict) else None
    policies = _policies(issues, _table_or_empty(issues, doc, "policies"), model, target_of,
                         base, fixed, preset)
    differences = _differences(issues, _table_or_empty(issues, doc, "differences"), policies,
                               outcomes)
    if policies:
        factors = _with_policy_factor(issues, factors, policies, design)
    issues.raise_if_any()
    return Experiment(name, description, source, model, tuple(factors), fixed, design,
                      tuple(outcomes), run, tuple(policies), tuple(differences))


def _section(issues: Issues, where: str, parse) -> Any:
    """Run `parse`, recording a Problem at `where` instead of raising; None on a problem."""
    try:
        return parse()
    except Problem as exc:
        issues.add(where, str(exc))
        return None


def _table(doc: dict, key: str, required: bool) -> dict:
    if key not in doc:
        if required:
            raise Problem(f"table [{key}] is required")
        return {}
    if not isinstance(doc[key], dict):
        raise Problem(f"[{key}] must be a table, got {doc[key]!r}")
    return doc[key]


def _table_or_empty(issues: Issues, doc: dict, key: str) -> dict:
    return _section(issues, f"[{key}]", lambda: _table(doc, key, False)) or {}


def _name(doc: dict, default: str) -> str:
    name = get(doc, "name", str, default)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name):
        raise Problem(f"{name!r} must be letters, digits, '-', '_' or '.' (it names a folder)")
    return name


def _model(table: dict, base: Path | None) -> ModelSpec:
    kind = choice(table, "kind", MODEL_KINDS, "local_economy")
    if kind == "local_economy":
        _, scenario, preset = gather(
            lambda: check_keys(table, ("kind", "scenario", "preset"),
                               "[model] of kind local_economy"),
            lambda: _base_scenario(get(table, "scenario", str), base),
            lambda: get(table, "preset", str))
        if preset is not None:
            scenario = _with_preset(scenario, preset)
        return ModelSpec(kind, scenario=scenario)
    if kind == "mesa":
        _, target, steps, scenario_class = gather(
            lambda: check_keys(table, ("kind", "class", "steps", "scenario_class"),
                               "[model] of kind mesa"),
            lambda: _import_path(table, "class", required=True),
            lambda: _steps(table),
            lambda: _import_path(table, "scenario_class", required=False))
        return ModelSpec(kind, target=target, steps=steps, scenario_class=scenario_class)
    _, target = gather(lambda: check_keys(table, ("kind", "function"), "[model] of kind function"),
                       lambda: _import_path(table, "function", required=True))
    if not accepts(resolve(target), "seed"):
        raise Problem(f"function {target!r} must accept a keyword argument 'seed'")
    return ModelSpec(kind, target=target)


def _import_path(table: dict, key: str, required: bool) -> str | None:
    """A "package.module:name" key, checked without importing anything else."""
    target = get(table, key, str, required=required)
    if target is not None:
        check_import_path(target, key)
    return target


def _steps(table: dict) -> int:
    steps = positive_int(table, "steps", None)
    if steps is None:
        raise Problem("key 'steps' is required (steps per run)")
    return steps


def _base_scenario(path: str | None, base: Path | None):
    from sim.scenario import ScenarioError, load_default_scenario, load_scenario

    if path is None:
        return load_default_scenario()
    candidates = [Path(base) / path] if base is not None else []
    candidates.append(Path(path))
    found = next((c for c in candidates if c.is_file()), None)
    if found is None:
        tried = " or ".join(str(c) for c in candidates)
        raise Problem(f"key 'scenario': scenario file not found (looked for {tried})")
    try:
        return load_scenario(found)
    except ScenarioError as exc:
        lines = str(exc).splitlines()
        lines = lines[1:] if len(lines) > 1 else lines  # not its "N problems in FILE:" line
        raise Problem("\n".join(f"key 'scenario': {line}" for line in lines)) from None


def _with_preset(scenario, preset: str):
    from sim.scenario import ScenarioError

    try:
        return scenario.with_changes(preset=preset)
    except ScenarioError as exc:
        marker = "key 'preset': "
        raise Problem(marker + str(exc).split(marker)[-1]) from None


def _target_function(model: ModelSpec):
    """The function giving the Target of a factor or fixed name for this model."""
    if model.kind == "local_economy":
        return local_economy_target
    defaults = _keyword_defaults(model)

    def target_of(name: str) -> Target:
        target = free_target(name, (defaults or {}).get(name))
        if defaults is not None and name not in defaults:
            what = "model class" if model.kind == "mesa" else "function"
            raise Problem(f"unknown factor {name!r}{close_matches(name, defaults)} (the "
                          f"{what} {model.target} takes: {', '.join(sorted(defaults)) or 'none'})")
        return target

    return target_of


def _keyword_defaults(model: ModelSpec) -> dict[str, Any] | None:
    """Keyword names a Mesa class or function accepts, with their defaults (None when a
    keyword has none); None if it takes any keyword."""
    if model.kind == "mesa":
        return mesa_parameter_defaults(model.target, model.scenario_class)
    return signature_defaults(resolve(model.target), exclude=("seed",))


def _factors(issues: Issues, table: dict, target_of) -> list[Factor]:
    if not table:
        issues.add("[factors]", "at least one factor is required (e.g. [factors.x] low = 0, "
                   "high = 1)")
    factors = []
    for name, sub in flatten_dotted(table, DOTTED_GROUPS).items():
        factor = _section(issues, f"[factors.{name}]", lambda n=name, t=sub:
                          parse_factor(n, t, target_of))
        if factor is not None:
            factors.append(factor)
    names = {f.name for f in factors}
    if {"budget", "regeneration_budget"} <= names:
        issues.add("[factors]", "'budget' and 'regeneration_budget' set the same parameter; "
                   "keep one")
    return factors


def _fixed(issues: Issues, table: dict, target_of, factors: list[Factor],
           model: ModelSpec) -> dict:
    fixed = {}
    factor_names = {f.name for f in factors}
    for name, value in flatten_dotted(table, DOTTED_GROUPS).items():
        if name in factor_names:
            issues.add(f"[fixed] key {name!r}", "is also a factor; a value is either varied "
                       "or fixed")
            continue
        checked = _section(issues, f"[fixed] key {name!r}",
                           lambda n=name, v=value: check_fixed(n, v, target_of))
        if checked is not None:
            fixed[name] = checked
    if model.kind == "local_economy":
        _section(issues, "[fixed]", lambda: _base_params(model, fixed))
    return fixed


def _base_params(model: ModelSpec, fixed: dict):
    """The scenario's parameters with the fixed registry values applied."""
    from sim.params import REGISTRY, ParameterError

    values = {k: v for k, v in fixed.items() if k in REGISTRY}
    if "budget" in fixed:
        values["regeneration_budget"] = fixed["budget"]
    try:
        return model.scenario.params.replace(**values)
    except ParameterError as exc:
        raise Problem(str(exc)) from None


def _design(table: dict, factors: list[Factor]) -> DesignSpec:
    keys = ("samples", "second_order", "levels", "harmonics", "replicates", "seed",
            "common_random_numbers")
    _, method, *values = gather(
        lambda: check_keys(table, ("method", *keys), "[design]"),
        lambda: _method(table),
        lambda: positive_int(table, "samples", None),
        lambda: get(table, "second_order", bool, False),
        lambda: positive_int(table, "levels", 4, minimum=2),
        lambda: positive_int(table, "harmonics", 4),
        lambda: positive_int(table, "replicates", 1),
        lambda: positive_int(table, "seed", 1, minimum=0),
        lambda: get(table, "common_random_numbers", bool, True))
    spec = DesignSpec(method, **dict(zip(keys, values, strict=True)))
    _check_samples(spec, factors)
    return spec


def _method(table: dict) -> str:
    method = choice(table, "method", METHODS, None)
    if method is None:
        raise Problem(f"key 'method' is required (allowed: {', '.join(METHODS)})")
    misplaced = [f"key {key!r} applies only to method = \"{only}\"" for key, only in
                 (("second_order", "sobol"), ("levels", "morris"), ("harmonics", "fast"))
                 if key in table and method != only]
    if misplaced:
        raise Problem("\n".join(misplaced))
    return method


def _check_samples(spec: DesignSpec, factors: list[Factor]) -> None:
    """The sharp edges of SALib's samplers, as errors before anything runs."""
    n = spec.samples
    ranged = [f.name for f in factors if f.kind != "categorical"]
    if spec.method == "grid":
        if n is not None and n > MAX_SAMPLES:
            raise Problem(f"key 'samples' must be at most {MAX_SAMPLES:,} (got {n:,})")
        if n is None and ranged:
            raise Problem(f"key 'samples' (points per range) is required for the ranged "
                          f"factors {', '.join(ranged)}")
        return
    if n is None:
        raise Problem(f"key 'samples' (base sample size N) is required for method "
                      f"{spec.method!r}")
    if n > MAX_SAMPLES:
        raise Problem(f"key 'samples' must be at most {MAX_SAMPLES:,} (got {n:,}); a design "
                      "that large would not fit in memory or finish")
    if spec.method == "sobol" and n & (n - 1):
        low = 1 << (n.bit_length() - 1)
        raise Problem(f"key 'samples' must be a power of 2 for Sobol sequences (got {n}; "
                      f"try {low} or {low * 2})")
    if spec.method == "morris" and n < 2:
        raise Problem("key 'samples' (trajectories) must be >= 2 for method 'morris'")
    if spec.method == "morris" and spec.levels % 2:
        raise Problem(f"key 'levels' must be even for Morris (got {spec.levels})")
    if spec.method == "morris" and any(f.distribution == "normal" for f in factors):
        raise Problem("Morris needs bounded factors; a normal distribution is unbounded")
    if spec.method == "fast" and n <= 4 * spec.harmonics ** 2:
        raise Problem(f"key 'samples' must be > 4 * harmonics^2 = {4 * spec.harmonics ** 2} "
                      f"for method 'fast' (got {n})")


def _outcomes(issues: Issues, table: dict, kind: str) -> list[Outcome]:
    if not table:
        issues.add("[outcomes]", "at least one outcome is required")
    outcomes = []
    for name, sub in table.items():
        outcome = _section(issues, f"[outcomes.{name}]",
                           lambda n=name, t=sub: parse_outcome(n, t, kind))
        if outcome is not None:
            outcomes.append(outcome)
    return outcomes


def _run(table: dict) -> RunSpec:
    _, backend, scheduler, workers, batch = gather(
        lambda: check_keys(table, ("backend", "workers", "batch", "scheduler"), "[run]"),
        lambda: choice(table, "backend", BACKENDS, "processes"),
        lambda: get(table, "scheduler", str),
        lambda: positive_int(table, "workers", None),
        lambda: positive_int(table, "batch", None))
    if scheduler is not None and backend != "dask":
        raise Problem("key 'scheduler' applies only to backend = \"dask\"")
    return RunSpec(backend, workers, batch, scheduler)


def _check_names(issues: Issues, factors: list[Factor], outcomes: list[Outcome]) -> None:
    """Factor and outcome names become columns: they may not collide."""
    factor_names = {f.name for f in factors}
    for name in sorted(factor_names & set(RESERVED)):
        issues.add(f"[factors.{name}]", f"{name!r} is a reserved column name (reserved: "
                   f"{', '.join(RESERVED)})")
    for o in outcomes:
        if o.name in RESERVED:
            issues.add(f"[outcomes.{o.name}]", f"{o.name!r} is a reserved column name "
                       f"(reserved: {', '.join(RESERVED)})")
        elif o.name in factor_names:
            issues.add(f"[outcomes.{o.name}]", f"{o.name!r} is also a factor name; columns "
                       "must have distinct names")
        elif o.name.startswith("sample:"):
            issues.add(f"[outcomes.{o.name}]", "names starting 'sample:' are reserved")


def _check_windows(issues: Issues, model: ModelSpec | None, fixed: dict,
                   factors: list[Factor], outcomes: list[Outcome]) -> None:
    """A mean's window must end within the run, when the run length is fixed."""
    if model is None or model.kind != "local_economy":
        return
    if {"burn_in_months", "programme_months"} & {f.name for f in factors}:
        return
    try:
        params = _base_params(model, fixed)
    except Problem:
        return
    months = params.burn_in_months + params.programme_months
    for o in outcomes:
        if o.window is not None and o.window[1] > months:
            issues.add(f"[outcomes.{o.name}] key 'window'", f"{list(o.window)} goes past the "
                       f"run's last month ({months} = burn-in {params.burn_in_months} + "
                       f"programme {params.programme_months})")


# --- policies crossed with uncertain worlds ([policies], [differences]) -------------------

def _policies(issues: Issues, table: dict, model: ModelSpec, target_of, base: Path | None,
              fixed: dict, preset: str | None) -> list[Policy]:
    """`[policies]`: name = "scenario.toml" (local_economy) or name = {values}. A [model]
    preset replaces every policy scenario's preset; the policies must share one district."""
    policies = []
    for name, entry in table.items():
        where = f"[policies] key {name!r}"
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name):
            issues.add(where, "a policy name must be letters, digits, '-', '_' or '.'")
            continue
        policy = _section(issues, where, lambda n=name, e=entry:
                          _policy(n, e, model, target_of, base, fixed, preset))
        if policy is not None:
            policies.append(policy)
    presets = {p.scenario.preset for p in policies if p.scenario is not None}
    if len(presets) > 1:
        issues.add("[policies]", f"the policy scenarios use different presets "
                   f"({', '.join(sorted(presets))}): set [model] preset so every policy "
                   "runs in the same district")
    if len(policies) == 1:
        issues.add("[policies]", "name at least two policies to compare (a study of one "
                   "policy needs no [policies] table)")
    return policies


def _policy(name: str, entry: Any, model: ModelSpec, target_of, base: Path | None,
            fixed: dict, preset: str | None) -> Policy:
    if isinstance(entry, str):
        if model.kind != "local_economy":
            raise Problem("a scenario file applies only to a local_economy model; give a "
                          "table of keyword values")
        scenario = _base_scenario(entry, base)
        if preset is not None and scenario.preset != preset:
            scenario = _with_preset(scenario, preset)
        return Policy(name, scenario=scenario, source=entry)
    if not isinstance(entry, dict):
        raise Problem(f"must be a scenario file name or a table of values, got {entry!r}")
    values = {}
    for key, value in flatten_dotted(entry, DOTTED_GROUPS).items():
        if key in fixed:
            raise Problem(f"{key!r} is also in [fixed]; a value is either fixed or set by "
                          "each policy")
        values[key] = check_fixed(key, value, target_of)
    return Policy(name, values=values)


def _differences(issues: Issues, table: dict, policies: list[Policy],
                 outcomes: list[Outcome]) -> list[Difference]:
    if table and not policies:
        issues.add("[differences]", "differences compare policies: add a [policies] table")
        return []
    names = [p.name for p in policies]
    out = []
    for name, sub in table.items():
        diff = _section(issues, f"[differences.{name}]",
                        lambda n=name, t=sub: parse_difference(n, t, names, outcomes))
        if diff is not None:
            out.append(diff)
    return out


def _with_policy_factor(issues: Issues, factors: list[Factor], policies: list[Policy],
                        design: DesignSpec | None) -> list[Factor]:
    """The factors, and last the categorical `policy` factor (a lever) that names each
    point's policy. Levers belong to the policies, so every other factor must be an
    uncertainty."""
    for f in factors:
        if f.name == POLICY:
            issues.add(f"[factors.{POLICY}]", f"{POLICY!r} names the policies of [policies]; "
                       "it cannot also be a factor")
        elif f.role != "uncertainty":
            issues.add(f"[factors.{f.name}]", "with [policies], factors are the uncertain "
                       "world (role = \"uncertainty\"); put levers in the policies")
    if design is not None and design.method not in POLICY_METHODS:
        issues.add("[design]", f"with [policies], method must be one of "
                   f"{', '.join(POLICY_METHODS)} (worlds are sampled, then crossed with "
                   f"every policy), got {design.method!r}")
    names = {f.name for f in factors}
    for p in policies:
        for key in sorted(names & set(p.values)):
            issues.add(f"[policies] key {p.name!r}", f"{key!r} is also a factor; a value is "
                       "either an uncertainty or set by a policy")
    policy = Factor(POLICY, "lever", "categorical", "policy",
                    levels=tuple(p.name for p in policies))
    return [*factors, policy]
