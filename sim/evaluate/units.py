"""Units of evaluation: a run, or a paired run, and the tidy tables each returns.

A `Run` simulates one scenario with one seed. A `Pair` simulates a scenario and
then a comparison (by default its counterfactual) with the same seed: common
random numbers, so everything the two runs share cancels in their difference.
The comparison run follows the scenario's programme participants (the watch
list), so their employment after the programme can be compared person by
person, and the jobs of the firms the scenario assisted are counted in both.

Both return a `Result`: plain tables that analysis reads without ever
building a model.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from sim.cohort import PANEL_MONTHS, UidIndex
from sim.dynamics.firms import employees_by_firm
from sim.evaluate import account
from sim.evaluate.build import build_model, counterfactual
from sim.outcomes import run_summary
from sim.policy.levers import Lever, registry
from sim.population import EMPLOYED
from sim.scenario import Scenario

SCENARIO, COMPARISON = "scenario", "comparison"
PANEL_COLUMNS = ("lever", "months_after", "employed_scenario", "employed_comparison",
                 "observed")


@dataclass(frozen=True, eq=False)
class Result:
    """What a run or a paired run produced.

    Attributes:
        summary: one row per arm (`arm` is "scenario" or "comparison"): the run summary
            (`sim.outcomes.run_summary`) and, for a pair, `assisted_jobs` and
            `assisted_incommuter_share`, the jobs in the firms the scenario assisted
            measured in both arms.
        monthly: one row per arm and month: `arm`, then the monthly table's columns.
        panel: pairs only: the scenario's participants' employment after their
            programme, matched across arms, one row per lever and month after the
            programme ended (0-36): people in work in each arm, and people observed
            (seen in both arms, with the same labour status before starting).
    """

    summary: pd.DataFrame
    monthly: pd.DataFrame
    panel: pd.DataFrame

    @property
    def seed(self) -> int:
        return int(self.summary["seed"].iloc[0])

    def row(self, arm: str = SCENARIO) -> dict:
        """The summary of one arm as a dict (each value keeps its column's type)."""
        rows = self.summary[self.summary["arm"] == arm]
        return {column: rows[column].iloc[0] for column in rows.columns}

    def value(self, key: str, arm: str = SCENARIO) -> float:
        return float(self.summary.loc[self.summary["arm"] == arm, key].iloc[0])

    def series(self, column: str, arm: str = SCENARIO) -> np.ndarray:
        """A monthly column of one arm, in month order."""
        return self.monthly.loc[self.monthly["arm"] == arm, column].to_numpy(float)

    def arm_monthly(self, arm: str = SCENARIO) -> pd.DataFrame:
        """The monthly table of one arm, without the `arm` column."""
        rows = self.monthly[self.monthly["arm"] == arm]
        return rows.drop(columns="arm").reset_index(drop=True)


# The parts of `sim` that determine a unit's tables: not the commands, reports, dashboard
# or the experiment and sensitivity machinery around them.
NOT_RESULTS = ("analysis", "backends", "experiments", "sensitivity", "viz", "cli.py", "io.py",
               "runner.py")


@functools.cache
def code_version() -> str:
    """A digest of the source that determines results (the model and this layer) and of
    numpy's version, so that stored units of other code are not reused."""
    import numpy

    import sim

    root = Path(sim.__file__).parent
    digest = hashlib.sha256(f"{sim.__version__} numpy {numpy.__version__}".encode())
    for path in sorted(root.rglob("*.py")):
        if path.relative_to(root).parts[0] not in NOT_RESULTS:
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _plugin_source(lever: Lever) -> str:
    """A digest of a plug-in lever's module source ("" for built-in levers)."""
    if lever in registry.BUILT_IN:
        return ""
    module = inspect.getmodule(lever.deliver)
    path = inspect.getsourcefile(module) if module is not None else None
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16] if path else "unknown"


def _digest(doc: dict, levers: tuple[Lever, ...]) -> str:
    """A digest of what determines a unit's result: the inputs, the levers, the code."""
    plugins = [[lv.name, lv.deliver.__module__, _plugin_source(lv)] for lv in levers]
    text = json.dumps({"code": code_version(), "levers": plugins, **doc}, sort_keys=True,
                      default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def _identity(scenario: Scenario) -> dict:
    """What determines a scenario's results (not its name or source)."""
    identity = {"params": scenario.params.to_dict(), "policy": asdict(scenario.policy),
                "shocks": [asdict(s) for s in scenario.shocks]}
    if scenario.district is not None:  # another district file, other results
        identity["district"] = scenario.district.digest
    return identity


@dataclass(frozen=True)
class Run:
    """One simulation of `scenario` with `seed`."""

    scenario: Scenario
    seed: int
    levers: tuple[Lever, ...] = field(default_factory=registry.levers, repr=False)

    @cached_property
    def key(self) -> str:
        """A digest of everything that determines the outcome (for resume)."""
        return _digest({"kind": "run", "seed": self.seed, "a": _identity(self.scenario)},
                       self.levers)

    def label(self) -> str:
        return f"{self.scenario.name}, seed {self.seed}"

    def execute(self) -> Result:
        with registry.using(self.levers):  # a worker gets the plug-ins the run was made with
            model = build_model(self.scenario, self.seed).run()
        summary = pd.DataFrame([{"arm": SCENARIO, "seed": self.seed, **run_summary(model)}])
        return Result(summary, monthly_frame([(SCENARIO, model)]), empty_panel())


@dataclass(frozen=True)
class Pair:
    """`scenario` then `comparison` (default: its counterfactual) with the same seed.

    Attributes:
        disabled: levers whose money the comparison run does not spend (e.g. the
            no-training run that measures the training effect).
    """

    scenario: Scenario
    seed: int
    comparison: Scenario | None = None
    disabled: tuple[str, ...] = ()
    levers: tuple[Lever, ...] = field(default_factory=registry.levers, repr=False)

    @property
    def against(self) -> Scenario:
        return counterfactual(self.scenario) if self.comparison is None else self.comparison

    @cached_property
    def key(self) -> str:
        return _digest({"kind": "pair", "seed": self.seed, "a": _identity(self.scenario),
                        "b": _identity(self.against), "disabled": sorted(self.disabled)},
                       self.levers)

    def label(self) -> str:
        return f"{self.scenario.name} vs {self.against.name}, seed {self.seed}"

    def execute(self) -> Result:
        with registry.using(self.levers):
            a, start_jobs = account.run_with_start_jobs(build_model(self.scenario, self.seed))
            b = build_model(self.against, self.seed, watch=a.tracker.watch,
                            disabled_levers=self.disabled).run()
        firms = assisted_firms(a)
        in_a, in_b = nonparticipants(a, b)
        firms_a, firms_b = account.firm_rows(a, b, firms, start_jobs)
        people_a, people_b = account.people(a, b)
        rows = [{"arm": SCENARIO, "seed": self.seed, **run_summary(a),
                 "assisted_jobs": firm_jobs(a, firms),
                 "assisted_incommuter_share": incommuter_share(a, firms),
                 **employment_of(a, in_a), **firms_a, **account.workforce(a), **people_a},
                {"arm": COMPARISON, "seed": self.seed, **run_summary(b),
                 "assisted_jobs": firm_jobs(b, firms, same_firms_only=True),
                 "assisted_incommuter_share": float("nan"), **employment_of(b, in_b),
                 **firms_b, **account.workforce(b), **people_b}]
        return Result(pd.DataFrame(rows), monthly_frame([(SCENARIO, a), (COMPARISON, b)]),
                       matched_panel(a, b))


@dataclass(frozen=True)
class Fan:
    """`scenario` once, then for each lever of `without` a run with the same seed in which
    that lever spends nothing, each following the scenario's participants: the lever
    effects of `coalition validate`, with the scenario run once rather than once a lever.

    The result's arms are "scenario" and "without_<lever>"; the monthly table holds the
    scenario arm only, and the panel has one block per comparison arm (column `arm`).
    """

    scenario: Scenario
    seed: int
    without: tuple[str, ...]
    levers: tuple[Lever, ...] = field(default_factory=registry.levers, repr=False)

    @cached_property
    def key(self) -> str:
        return _digest({"kind": "fan", "seed": self.seed, "a": _identity(self.scenario),
                        "without": list(self.without)}, self.levers)

    def label(self) -> str:
        return f"{self.scenario.name} without each of {', '.join(self.without)}, seed {self.seed}"

    def execute(self) -> Result:
        with registry.using(self.levers):
            a = build_model(self.scenario, self.seed).run()
            rows = [{"arm": SCENARIO, "seed": self.seed, **run_summary(a)}]
            panels = []
            for lever in self.without:  # one comparison model alive at a time
                b = build_model(self.scenario, self.seed, watch=a.tracker.watch,
                                disabled_levers=(lever,)).run()
                rows.append({"arm": f"without_{lever}", "seed": self.seed, **run_summary(b)})
                panels.append(matched_panel(a, b).assign(arm=f"without_{lever}"))
        return Result(pd.DataFrame(rows), monthly_frame([(SCENARIO, a)]),
                      pd.concat(panels, ignore_index=True) if panels else empty_panel())


def monthly_frame(arms) -> pd.DataFrame:
    """The monthly tables of (arm, model) pairs, stacked with an `arm` column."""
    frames = [pd.DataFrame(model.records["monthly"]) for _, model in arms]
    for (arm, _), frame in zip(arms, frames, strict=True):
        frame.insert(0, "arm", arm)
    return pd.concat(frames, ignore_index=True)


def empty_panel() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=str if c == "lever" else np.int64)
                         for c in PANEL_COLUMNS})


def matched_panel(a, b) -> pd.DataFrame:
    """Participants' post-programme employment in both runs, counted per lever and month
    after the programme ended, over observations where the person is seen in both runs and
    had the same status before starting in both (exact matching on the pre-programme state,
    see sim.cohort.Tracker)."""
    pa, pb = a.tracker.panel, b.tracker.panel
    start = a.tracker.start_status
    same_start = (start == b.tracker.start_status) & (start >= 0)
    seen = (pa >= 0) & (pb >= 0) & same_start[:, None]
    lever = a.participants.columns()["lever"].astype(np.int64)
    cell = (lever[:, None] * PANEL_MONTHS + np.arange(PANEL_MONTHS)[None, :])[seen]
    names = [lever.name for lever in a.levers]
    cells = len(names) * PANEL_MONTHS
    count = lambda w=None: np.bincount(cell, w, cells).astype(np.int64)  # noqa: E731
    return pd.DataFrame({
        "lever": np.repeat(np.array(names, dtype=object), PANEL_MONTHS),
        "months_after": np.tile(np.arange(PANEL_MONTHS, dtype=np.int64), len(names)),
        "employed_scenario": count(pa[seen]), "employed_comparison": count(pb[seen]),
        "observed": count()})


def nonparticipants(a, b) -> tuple[np.ndarray, np.ndarray]:
    """Slots in run `a` and in run `b` of residents who never took a place in run `a`,
    lived in the district before the programme started, and are still there at the end of
    both runs: the same people in both (the runs share their burn-in), whose employment
    shows crowding-out or spillover. People are matched by id: a person who moved within
    the district may live in different slots in the two runs."""
    res_a, res_b = a.residents, b.residents
    in_b = UidIndex(res_b.uid).find(res_a.uid)
    before = res_a.arrived <= a.p.burn_in_months  # there before the programme started
    took_part = np.isin(res_a.uid, a.participants.columns()["uid"])
    keep = np.flatnonzero((in_b >= 0) & before & ~took_part)
    return keep, in_b[keep]


def employment_of(model, slots: np.ndarray) -> dict:
    """Employment at the end of the run of the residents in `slots`, and how many they are."""
    employed = model.residents.status[slots] == EMPLOYED
    return {"nonparticipants": len(slots),
            "nonparticipant_employment": float(employed.mean()) if len(slots) else float("nan")}


def assisted_firms(model) -> np.ndarray:
    """Firms the programme helped: advised, or expanding or founded through a helped project."""
    project_firms = [pr["business_id"] for pr in model.records["projects"]
                     if pr.get("helped") and "business_id" in pr]
    supported = np.flatnonzero(model.firms.supported[: model.firms.n])
    return np.union1d(supported, np.array(project_firms, int))


def firm_jobs(model, rows: np.ndarray, same_firms_only: bool = False) -> float:
    """Jobs at the end in firm rows `rows`. With `same_firms_only` (the comparison run),
    only rows of firms alive before the programme count: later rows are other firms in a
    run whose births differ, so a firm born in the scenario counts as zero there."""
    employees = employees_by_firm(model)
    rows = rows[rows < len(employees)]
    if same_firms_only:
        rows = rows[model.firms.birth_month[rows] <= model.p.burn_in_months]
    return float(employees[rows].sum())


def incommuter_share(model, rows: np.ndarray) -> float:
    jobs = employees_by_firm(model)[rows].sum()
    return float(model.firms.incommuters[rows].sum() / jobs) if jobs else float("nan")
