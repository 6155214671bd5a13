"""Scenario discovery: in which region of the uncertain world does an outcome fail?

`discover` reads a finished study, marks each world (design point) whose outcome
is below (or above) a threshold as a *case of interest*, and explains where the
cases lie with two rule-induction methods of EMA Workbench 3.0
(`ema_workbench.analysis.prim` and `cart`; Bryant and Lempert 2010):

* PRIM peels the uncertain space down to a box in which the cases are dense.
  Its peeling trajectory trades *coverage* (the share of all cases inside the
  box) against *density* (the share of the box's worlds that are cases). The
  chosen box is the first on the trajectory (the largest) whose density reaches
  `min_density`; if none does, the densest box, and the summary says so.
  Dimensions whose quasi-p-value (a one-sided binomial test of whether the
  restriction raises the density; the smaller of a dimension's two edges)
  exceeds `max_p` are then dropped, one at a time, so the box names only
  dimensions that matter; if none is left, no region was found.
* CART fits a classification tree, a second view of the same split.

In a study with `[policies]` the worlds are rows of `sim.experiments.paired.
world_table` and the outcome may be a paired difference (e.g. coalition minus
LSP); otherwise the points of the runs table, averaged over replicates. The
outputs go to `<study>/discovery/<outcome>-<below|above>-<threshold>/`.
"""

from __future__ import annotations

import contextlib
import json
import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.toml_text import toml_value

MIN_DENSITY = 0.8
MAX_P = 0.05
MASS_MIN = 0.05
PEEL_ALPHA = 0.05


@dataclass
class Box:
    """The chosen PRIM box.

    Attributes:
        limits: restricted dimension -> (low, high) in the box; a categorical
            dimension -> the tuple of its levels in the box.
        full: every dimension -> (low, high) of the whole sample.
        quasi_p: restricted dimension -> (p of the lower edge, p of the upper edge);
            None for an edge the box does not restrict.
        coverage: share of all cases of interest that lie in the box.
        density: share of the box's worlds that are cases of interest.
        mass: share of all worlds that lie in the box.
        n: worlds in the box.
        cases: cases of interest in the box.
        index: the box's position on the peeling trajectory.
        rule: how it was chosen, in words.
    """

    limits: dict
    full: dict
    quasi_p: dict
    coverage: float
    density: float
    mass: float
    n: int
    cases: int
    index: int
    rule: str

    def midpoints(self) -> dict:
        """The middle of each restricted range (numeric dimensions only)."""
        return {d: (lo + hi) / 2 for d, (lo, hi) in self.limits.items()
                if isinstance(lo, int | float)}

    def contains(self, table: pd.DataFrame) -> np.ndarray:
        """Whether each row of `table` lies in the box."""
        inside = np.ones(len(table), dtype=bool)
        for dim, lim in self.limits.items():
            if isinstance(lim[0], int | float):
                inside &= (table[dim] >= lim[0]).to_numpy() & (table[dim] <= lim[1]).to_numpy()
            else:
                inside &= table[dim].isin(lim).to_numpy()
        return inside


@dataclass
class Discovery:
    """What `discover` found (and wrote)."""

    outcome: str
    threshold: float
    below: bool
    worlds: int
    cases: int
    box: Box
    trajectory: pd.DataFrame
    cart_text: str
    units: dict = field(default_factory=dict)
    folder: Path | None = None
    policies: dict = field(default_factory=dict)  # the difference's of/minus, if any
    max_p: float = MAX_P  # the largest quasi-p-value a kept restriction may have


def cases_of_interest(values: pd.Series, threshold: float, below: bool) -> np.ndarray:
    """Worlds whose outcome is strictly below (or above) the threshold."""
    values = values.to_numpy(dtype=float)
    return values < threshold if below else values > threshold


def run_prim(x: pd.DataFrame, y: np.ndarray, min_density: float = MIN_DENSITY,
             max_p: float = MAX_P, mass_min: float = MASS_MIN) -> tuple[Box, pd.DataFrame]:
    """PRIM on `x` (worlds x uncertain dimensions) and the boolean cases `y`.

    Returns:
        The chosen Box and the peeling trajectory (coverage, density, mass, res_dim, n,
        k, and `chosen` marking the box).

    Raises:
        ValueError: no world, or every world or none, is a case of interest.
    """
    prim = _ema("prim")
    y = np.asarray(y, dtype=bool)
    if len(y) == 0 or y.all() or not y.any():
        share = "every" if len(y) and y.all() else "no"
        raise ValueError(f"{share} world is a case of interest ({int(y.sum())} of {len(y)}): "
                         "there is no region to find; change the threshold")
    with _quiet():
        finder = prim.Prim(x.reset_index(drop=True), y, peel_alpha=PEEL_ALPHA,
                           mass_min=mass_min)
        found = finder.find_box()
    index, rule = choose_box(found.peeling_trajectory, min_density)
    index, dropped = _drop_insignificant(found, index, max_p)
    if dropped:
        density = found.peeling_trajectory["density"].iloc[index]
        rule += (f"; restrictions dropped for quasi-p above {max_p:g}: {', '.join(dropped)}, "
                 f"which leaves its density at {density:.0%}")
    found.select(index)
    trajectory = found.peeling_trajectory.copy()
    trajectory["chosen"] = trajectory.index == index
    return _box(found, index, rule), trajectory


@contextlib.contextmanager
def _quiet():
    """Hide ema_workbench 3.0's pandas deprecation warning (it drops a column in place),
    which says nothing about the analysis."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*inplace keyword.*")
        yield


def _ema(module: str):
    """An ema_workbench.analysis module, imported without its warning that ipyparallel
    (an evaluator this code does not use) is missing."""
    import importlib

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*ipyparallel.*")
        return importlib.import_module(f"ema_workbench.analysis.{module}")


def choose_box(trajectory: pd.DataFrame, min_density: float) -> tuple[int, str]:
    """The first box (largest coverage) whose density reaches `min_density`, else the
    densest box; with the rule in words."""
    dense = np.flatnonzero(trajectory["density"].to_numpy() >= min_density)
    if len(dense):
        return int(dense[0]), (f"the largest box on the peeling trajectory with density "
                               f">= {min_density:.0%}")
    best = int(np.argmax(trajectory["density"].to_numpy()))
    return best, (f"no box reaches density {min_density:.0%}: the densest box "
                  f"({trajectory['density'].iloc[best]:.0%})")


def _drop_insignificant(found, index: int, max_p: float) -> tuple[int, list[str]]:
    """Drop, one at a time, the restriction with the largest quasi-p-value above `max_p`
    (each drop adds a box to the trajectory). If every restriction goes, no region
    raises the density significantly: the box is the whole sample, and the summary
    says that no region was found."""
    dropped = []
    while True:
        qp = {d: _p_of(v) for d, v in found.p_values[index].items()}
        worst = max(qp, key=qp.get, default=None)
        if worst is None or qp[worst] <= max_p:
            return index, dropped
        found.drop_restriction(worst, index)
        index = len(found.peeling_trajectory) - 1
        dropped.append(worst)


def _p_of(pair) -> float:
    """The quasi-p-value of a dimension's restriction: the smaller of its restricted
    edges' values, so a dimension stays if either edge matters (ema_workbench writes -1
    for an edge that is not restricted)."""
    valid = [p for p in pair if p is not None and p >= 0]
    return min(valid) if valid else 0.0


def _box(found, index: int, rule: str) -> Box:
    lims, init = found.box_lims[index], found.prim.box_init
    row = found.peeling_trajectory.iloc[index]
    full = {c: _limit(init[c]) for c in init.columns}
    limits = {d: _limit(lims[d]) for d in found.p_values[index]}
    quasi_p = {d: tuple(None if p < 0 else float(p) for p in v)
               for d, v in found.p_values[index].items()}
    return Box(limits, full, quasi_p, float(row["coverage"]), float(row["density"]),
               float(row["mass"]), int(row["n"]), int(row["k"]), index, rule)


def _limit(column: pd.Series) -> tuple:
    first = column.iloc[0]
    if isinstance(first, set | frozenset):
        return tuple(sorted(first, key=str))
    return float(column.iloc[0]), float(column.iloc[1])


def run_cart(x: pd.DataFrame, y: np.ndarray, mass_min: float = MASS_MIN):
    """A fitted ema_workbench CART (classification tree of the cases)."""
    cart = _ema("cart")
    tree = cart.CART(x.reset_index(drop=True), np.asarray(y, dtype=int), mass_min=mass_min)
    with _quiet():
        tree.build_tree()
    return tree


def discovery_inputs(folder: str | Path) -> tuple[pd.DataFrame, list[str], dict, dict]:
    """(table, uncertain dimensions, units by dimension, differences by name) of a study:
    the world table of a study with policies, else points averaged over replicates."""
    from sim.experiments import paired
    from sim.experiments.store import read_manifest, read_runs

    manifest = read_manifest(folder)
    units = {f["name"]: f.get("unit", "") for f in manifest["factors"]}
    if manifest["design"].get("policies"):
        diffs = {d["name"]: d for d in manifest["spec"].get("differences", [])}
        return paired.world_table(folder), paired.uncertainties(manifest), units, diffs
    runs = read_runs(folder)
    runs = runs.loc[runs["status"] == "ok"]
    dims = [f["name"] for f in manifest["factors"]]
    scalars = [o["name"] for o in manifest["outcomes"] if o["kind"] == "scalar"]
    grouped = runs.groupby("point", sort=True)
    table = grouped[dims].first().join(grouped[scalars].mean()).reset_index()
    return table, dims, units, {}


def discover(folder: str | Path, outcome: str, threshold: float = 0.0, below: bool = True,
             min_density: float = MIN_DENSITY, max_p: float = MAX_P,
             mass_min: float = MASS_MIN, write: bool = True) -> Discovery:
    """Find where `outcome` is below (or above) `threshold` in a finished study.

    Args:
        folder: the study folder (results/<study>[/<run-id>]).
        outcome: a scalar outcome or, with policies, a level `<outcome>[<policy>]` or a
            `[differences]` name.
        threshold: the threshold; a world is a case of interest strictly beyond it.
        below: cases are below the threshold (False: above).
        min_density: the density the chosen box must reach (see `choose_box`).
        max_p: the largest quasi-p-value a kept restriction may have.
        mass_min: the smallest share of worlds a box (or CART leaf) may hold.
        write: write the outputs into the study's discovery/ folder.

    Raises:
        ValueError: an unknown outcome, or no region to find.
    """
    from sim.experiments.store import resolve_folder

    folder = resolve_folder(folder)
    table, dims, units, diffs = discovery_inputs(folder)
    measured = [c for c in table.columns if c not in (*dims, "world", "point", "replicates")]
    if outcome not in measured:
        raise ValueError(f"unknown outcome {outcome!r} (this study has: {', '.join(measured)})")
    table = table.loc[table[outcome].notna()]
    y = cases_of_interest(table[outcome], threshold, below)
    x = table[dims]
    box, trajectory = run_prim(x, y, min_density, max_p, mass_min)
    tree = run_cart(x, y, mass_min)
    from sklearn.tree import export_text

    text = export_text(tree.clf, feature_names=tree.feature_names)
    found = Discovery(outcome, threshold, below, len(table), int(y.sum()), box, trajectory,
                      text, units, policies=diffs.get(outcome, {}), max_p=max_p)
    if write:
        found.folder = write_outputs(folder, found, tree)
    return found


def output_folder(study: Path, outcome: str, threshold: float, below: bool) -> Path:
    side = "below" if below else "above"
    return study / "discovery" / f"{outcome}-{side}-{threshold:g}"


def write_outputs(study: Path, found: Discovery, tree) -> Path:
    """trajectory.csv/.png, box.csv, box.json, cart.txt/.png, discovery.md, scenarios/ and
    confirm.toml."""
    from sim.analysis.box_confirmation import write_confirmation
    from sim.io import write_texts_atomic

    out = output_folder(study, found.outcome, found.threshold, found.below)
    out.mkdir(parents=True, exist_ok=True)
    scenarios = write_scenarios(study, found.box, out / "scenarios")
    confirmation = write_confirmation(study, found, out)
    texts = {out / "trajectory.csv": found.trajectory.to_csv(index=False),
             out / "box.csv": box_frame(found.box).to_csv(index=False),
             out / "box.json": json.dumps(box_json(found), indent=2) + "\n",
             out / "cart.txt": found.cart_text,
             out / "discovery.md": summary_markdown(found, scenarios, confirmation)}
    write_texts_atomic(texts)
    plot_trajectory(found.trajectory, out / "trajectory.png")
    plot_tree(tree, out / "cart.png")
    return out


def box_frame(box: Box) -> pd.DataFrame:
    """One row per restricted dimension: its range in the box, in the sample, quasi-p."""
    rows = []
    for dim, lim in box.limits.items():
        qp = box.quasi_p.get(dim, (None, None))
        numeric = isinstance(lim[0], int | float)
        rows.append({"dimension": dim,
                     "low": lim[0] if numeric else None, "high": lim[1] if numeric else None,
                     "levels": None if numeric else "|".join(map(str, lim)),
                     "sample_low": box.full[dim][0] if numeric else None,
                     "sample_high": box.full[dim][1] if numeric else None,
                     "quasi_p_low": qp[0], "quasi_p_high": qp[1]})
    return pd.DataFrame(rows)


def box_json(found: Discovery) -> dict:
    box = found.box
    return {"outcome": found.outcome, "threshold": found.threshold,
            "cases": "below" if found.below else "above", "worlds": found.worlds,
            "cases_of_interest": found.cases, "rule": box.rule, "trajectory_index": box.index,
            "coverage": box.coverage, "density": box.density, "mass": box.mass,
            "worlds_in_box": box.n, "cases_in_box": box.cases,
            "restricted": {d: {"limits": list(v), "quasi_p": list(box.quasi_p[d])}
                           for d, v in box.limits.items()},
            "midpoints": box.midpoints()}


def describe_conditions(box: Box, units: dict | None = None) -> str:
    """The box in words: "cooperation_threshold above 0.38 and budget below GBP ..."."""
    parts = []
    for dim, lim in box.limits.items():
        if not isinstance(lim[0], int | float):
            parts.append(f"{dim} is one of {', '.join(map(str, lim))}")
            continue
        lo_restricted, hi_restricted = (p is not None for p in box.quasi_p[dim])
        unit = (units or {}).get(dim, "")
        fmt = lambda v, u=unit: _number(v, u)  # noqa: E731
        if lo_restricted and hi_restricted:
            parts.append(f"{dim} is between {fmt(lim[0])} and {fmt(lim[1])}")
        elif lo_restricted:
            parts.append(f"{dim} is above {fmt(lim[0])}")
        else:
            parts.append(f"{dim} is below {fmt(lim[1])}")
    return " and ".join(parts)


def _number(value: float, unit: str) -> str:
    if unit.startswith("GBP"):
        return f"GBP {value:,.0f}" + (unit[3:] if unit != "GBP" else "")
    text = f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"
    return f"{text} ({unit})" if unit and unit not in ("0-1", "share") else text


def case_words(found: Discovery) -> str:
    """What a case of interest is, in words."""
    d = found.policies
    if d and found.threshold == 0:
        worse = "lower" if found.below else "higher"
        return f"{d['of']}'s {d['outcome']} is {worse} than {d['minus']}'s"
    side = "below" if found.below else "above"
    return f"{found.outcome} is {side} {found.threshold:g}"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def summary_markdown(found: Discovery, scenarios: list[Path],
                     confirmation: Path | None = None) -> str:
    """discovery.md: the finding in plain words, the box, the rule, the files."""
    box = found.box
    conditions = describe_conditions(box, found.units)
    finding = (f"**{_sentence(case_words(found))} in {box.density:.0%} of the worlds where "
               f"{conditions}; these worlds are {box.mass:.0%} of the sample** ({box.n} "
               f"worlds) and hold {box.coverage:.0%} of all the worlds where it happens "
               f"({box.cases} of {found.cases})." if box.limits else
               f"**No region found**: no restriction of the uncertain space raises the share "
               f"of such worlds significantly (quasi-p <= {found.max_p:g}) above the "
               f"{box.density:.0%} of the whole sample. More worlds or replicates may find "
               "one; noise alone can make these cases.")
    lines = [f"# Scenario discovery: {found.outcome} "
             f"{'below' if found.below else 'above'} {found.threshold:g}", "",
             f"{_sentence(case_words(found))} in {found.cases} of {found.worlds} worlds "
             f"({found.cases / found.worlds:.0%}).", "", finding, "",
             f"The box was chosen as {box.rule} (PRIM, ema_workbench; peeling "
             f"alpha {PEEL_ALPHA}, minimum mass {MASS_MIN}).", "",
             "| dimension | box | sample | quasi-p (low, high edge) |", "|---|---|---|---|"]
    for _, row in box_frame(box).iterrows():
        rng = (f"{row['low']:.4g} to {row['high']:.4g}" if row["levels"] is None
               else row["levels"])
        full = ("" if row["levels"] is not None
                else f"{row['sample_low']:.4g} to {row['sample_high']:.4g}")
        qp = ", ".join("-" if p is None or (isinstance(p, float) and math.isnan(p))
                       else f"{p:.2g}" for p in (row["quasi_p_low"], row["quasi_p_high"]))
        lines.append(f"| {row['dimension']} | {rng} | {full} | {qp} |")
    lines += ["", "Files: `trajectory.png` (coverage against density of every box on the "
              "peeling trajectory; the chosen box ringed), `trajectory.csv`, `box.csv`, "
              "`box.json`, `cart.png` and `cart.txt` (a CART classification tree of the "
              "same cases, a second view)."]
    if scenarios and box.limits:
        lines += ["", "Scenario files at the box's midpoints, one per policy, to compare the "
                  "policies with paired runs in one world at the box's middle:", "",
                  "```", f"coalition compare {' '.join(str(p) for p in scenarios)} "
                  "--seeds 20", "```"]
    if confirmation is not None:
        from sim.analysis.box_confirmation import confirmation_lines

        lines += ["", *confirmation_lines(confirmation, found)]
    return "\n".join(lines) + "\n"


def write_scenarios(study: Path, box: Box, folder: Path) -> list[Path]:
    """Each scenario-file policy of the study as a scenario at the box's midpoints (its
    own values elsewhere): the pair `coalition compare` confirms a box with."""
    from sim.experiments.spec import load_experiment
    from sim.experiments.store import read_manifest
    from sim.io import write_texts_atomic

    manifest = read_manifest(study)
    if not manifest["design"].get("policies"):
        return []
    exp = load_experiment(manifest["source"])
    if exp.run_id != manifest["run_id"]:
        return []  # the experiment file changed since the study ran
    midpoints = box.midpoints()
    if not midpoints:
        return []
    texts = {}
    for policy in exp.policies:
        if policy.scenario is None or policy.scenario.shocks:
            continue
        texts[folder / f"{policy.name}.toml"] = scenario_toml(policy.scenario, midpoints,
                                                              exp.name)
    if texts:
        folder.mkdir(parents=True, exist_ok=True)
        write_texts_atomic(texts)
    return sorted(texts)


def scenario_toml(scenario, midpoints: dict, study: str) -> str:
    """A scenario file: `scenario` (preset, overrides, policy) with `midpoints` set."""
    from sim.params import REGISTRY

    params = dict(scenario.overrides)
    for name, value in midpoints.items():
        key = "regeneration_budget" if name == "budget" else name
        if key in REGISTRY:
            params[key] = int(round(value)) if REGISTRY[key].kind is int else float(value)
    policy = scenario.policy
    lines = [f"name = {toml_value(scenario.name + '-box')}",
             "description = " + toml_value(f"{scenario.name} at the midpoints of the box "
                                           f"discovered in {study}"),
             f"preset = {toml_value(scenario.preset)}", f"seed = {toml_value(scenario.seed)}",
             "", "[params]"]
    lines += [f"{k} = {toml_value(v)}" for k, v in sorted(params.items())]
    lines += ["", "[policy]", f"regime = {toml_value(policy.regime)}",
              f"growth_levers = {toml_value(list(policy.growth_levers))}",
              f"pot_mix = {toml_value(policy.pot_mix)}", "", "[policy.targeting]"]
    lines += [f"{k} = {toml_value(v)}" for k, v in policy.targeting.items()]
    lines += ["", "[policy.mix]"] + [f"{k} = {toml_value(v)}" for k, v in policy.mix.items()]
    return "\n".join(lines) + "\n"


def plot_trajectory(trajectory: pd.DataFrame, path: Path) -> None:
    """Coverage against density, coloured by restricted dimensions, chosen box ringed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4.5))
    points = ax.scatter(trajectory["coverage"], trajectory["density"],
                        c=trajectory["res_dim"], cmap="viridis", s=18)
    chosen = trajectory.loc[trajectory["chosen"]]
    ax.scatter(chosen["coverage"], chosen["density"], s=140, facecolors="none",
               edgecolors="red", linewidths=1.5, label="chosen box")
    fig.colorbar(points, ax=ax, label="restricted dimensions")
    ax.set(xlabel="coverage (share of all cases in the box)",
           ylabel="density (share of the box's worlds that are cases)",
           title="PRIM peeling trajectory", xlim=(0, 1.02), ylim=(0, 1.02))
    ax.legend(loc="lower left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_tree(tree, path: Path) -> None:
    """The CART tree (sklearn's plot_tree; no graphviz needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.tree import plot_tree as sk_plot_tree

    depth = tree.clf.get_depth()
    fig, ax = plt.subplots(figsize=(min(4 + 3 * depth, 24), 2 + 1.6 * depth))
    sk_plot_tree(tree.clf, feature_names=tree.feature_names, class_names=["other", "case"],
                 filled=True, impurity=False, proportion=True, fontsize=7, ax=ax,
                 max_depth=4)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
