"""Confirming a discovered box on fresh worlds drawn inside it.

A PRIM box is fitted to the worlds it explains, so its density is an in-sample
figure (Bryant and Lempert 2010 check a box's reproducibility on resampled data);
here it is tested on new worlds. `discover` writes `confirm.toml` beside each box:
the study's experiment file with every restricted dimension narrowed to the box
(sampled uniformly inside it; the other uncertainties keep their ranges),
`CONFIRM_WORLDS` worlds by Latin hypercube and the next master seed. Each world
gets its own run seeds, shared by its policies: a study with common random numbers
runs all its worlds on one seed per replicate, and its box may be that seed's.
`confirm` reads the finished study: the outcome's mean with a t interval across
worlds, and the share of worlds that are cases (Wilson interval). The box is
confirmed when the interval of the mean lies wholly beyond the threshold.

A box's midpoint scenario (`discovery.write_scenarios`) is a single world; where the
outcome is not linear in a dimension (re-engagement forgone goes as one over the
mainstream cost per re-engaged resident) it can show less of the effect than the
box's worlds do, so the confirmation runs worlds across the box.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from sim.analysis.intervals import t_interval
from sim.toml_text import toml_document

CONFIRM_WORLDS = 64
CONFIRM_FILE = "confirm.toml"
_DISTRIBUTION_KEYS = ("distribution", "mean", "sd", "mode")
_DESIGN_ONLY = ("second_order", "levels", "harmonics")


@dataclass
class Confirmation:
    """The outcome over the worlds of a confirmation study."""

    outcome: str
    threshold: float
    below: bool
    worlds: int
    mean: float
    low: float
    high: float
    cases: int
    share_low: float
    share_high: float

    @property
    def confirmed(self) -> bool:
        """Whether the mean's interval lies wholly on the cases' side of the threshold."""
        return self.high < self.threshold if self.below else self.low > self.threshold


def confirmation_doc(source: Path, box, name: str, worlds: int = CONFIRM_WORLDS) -> dict:
    """The study's experiment file (`source`) with the box's restricted dimensions
    narrowed to the box, a fresh Latin hypercube of `worlds` worlds and the next seed.

    Each world gets its own seeds (shared by its policies): a study with common random
    numbers runs every world on one seed, so its box may hold for that seed only. An edge
    the box does not restrict (quasi-p None) keeps the file's bound, not the sample's
    extreme; a factor with a distribution is sampled uniformly over the box. Paths to
    scenario files become absolute, so the file runs from anywhere.
    """
    from sim.experiments.fields import flatten_dotted
    from sim.experiments.spec import DOTTED_GROUPS

    doc = tomllib.loads(source.read_text(encoding="utf-8"))
    factors = flatten_dotted(doc["factors"], DOTTED_GROUPS)  # the same tables, by name
    for dim, limits in box.limits.items():
        _narrow(factors[dim], limits, box.quasi_p.get(dim, (None, None)))
    design = doc.get("design", {})
    for key in _DESIGN_ONLY:
        design.pop(key, None)
    design.update(method="lhs", samples=worlds, seed=int(design.get("seed", 1)) + 1,
                  common_random_numbers=False)
    doc["design"] = design
    doc["name"] = name
    doc["description"] = f"Fresh worlds inside the box discovered in {source.name}"
    model = doc.get("model", {})
    if isinstance(model.get("scenario"), str):
        model["scenario"] = _absolute(model["scenario"], source.parent)
    for policy, entry in doc.get("policies", {}).items():
        if isinstance(entry, str):
            doc["policies"][policy] = _absolute(entry, source.parent)
    return doc


def _narrow(table: dict, limits: tuple, quasi_p: tuple) -> None:
    """Restrict one factor's table to the box: its levels inside the box, or its range."""
    if "levels" in table:
        numeric = all(isinstance(v, int | float) and not isinstance(v, bool)
                      for v in (*table["levels"], *limits))
        inside = ((lambda v: limits[0] <= v <= limits[1]) if numeric
                  else (lambda v: v in limits or str(v) in map(str, limits)))
        table["levels"] = [v for v in table["levels"] if inside(v)] or table["levels"]
        return
    for key in _DISTRIBUTION_KEYS:
        table.pop(key, None)
    for key, limit, p in zip(("low", "high"), limits, quasi_p, strict=True):
        if p is not None or key not in table:
            table[key] = limit


def _absolute(path: str, base: Path) -> str:
    """A scenario path as the experiment file resolved it: beside the file, else as given."""
    beside = base / path
    return str((beside if beside.is_file() else Path(path)).resolve())


def study_name(study: str, folder: Path) -> str:
    """The confirmation study's name: the study's and the discovery folder's, with any
    character a study name may not hold (e.g. the '+' of a threshold 1e+06) as '_'."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", f"{study}-confirm-{folder.name}")


def write_confirmation(study: Path, found, folder: Path) -> Path | None:
    """`folder`/confirm.toml for `found`'s box, or None (no box, or the experiment file
    changed since the study ran)."""
    from sim.experiments.spec import load_experiment
    from sim.experiments.store import read_manifest
    from sim.io import write_texts_atomic

    if not found.box.limits:
        return None
    manifest = read_manifest(study)
    source = Path(manifest["source"])
    if not source.is_file() or load_experiment(source).run_id != manifest["run_id"]:
        return None
    name = study_name(manifest["study"], folder)
    path = folder / CONFIRM_FILE
    text = ("# Written by `coalition experiment discover`: run it, then `coalition experiment "
            "confirm` (docs/experiments.md).\n" + toml_document(confirmation_doc(source,
                                                                                found.box, name)))
    write_texts_atomic({path: text})
    return path


def confirmation_lines(path: Path, found) -> list[str]:
    """discovery.md's paragraph on confirming the box, with the two commands."""
    name = tomllib.loads(path.read_text(encoding="utf-8"))["name"]
    side = "--below" if found.below else "--above"
    return [f"`confirm.toml` draws {CONFIRM_WORLDS} fresh worlds inside the box (fresh "
            "seeds, the other uncertainties over their ranges); the box is confirmed if the "
            "outcome's interval over them lies beyond the threshold:", "", "```",
            f"coalition experiment run {path}",
            f"coalition experiment confirm results/{name} --outcome {found.outcome} "
            f"{side} {found.threshold:g}", "```"]


def confirm(folder: str | Path, outcome: str, threshold: float = 0.0,
            below: bool = True) -> Confirmation:
    """The outcome's mean (t interval across worlds) and the share of cases (Wilson) in a
    finished study, normally one run from a `confirm.toml`.

    Raises:
        ValueError: an unknown outcome, or fewer than two worlds with a value.
    """
    from sim.analysis.discovery import cases_of_interest, discovery_inputs
    from sim.experiments.store import resolve_folder

    table, dims, _, _ = discovery_inputs(resolve_folder(folder))
    measured = [c for c in table.columns if c not in (*dims, "world", "point", "replicates")]
    if outcome not in measured:
        raise ValueError(f"unknown outcome {outcome!r} (this study has: {', '.join(measured)})")
    values = table[outcome].dropna().to_numpy(float)
    if len(values) < 2:
        raise ValueError(f"{len(values)} worlds have a value of {outcome!r}; need 2 or more")
    mean, low, high = t_interval(values)
    cases = int(cases_of_interest(table[outcome].dropna(), threshold, below).sum())
    share_low, share_high = wilson(cases, len(values))
    return Confirmation(outcome, threshold, below, len(values), mean, low, high, cases,
                        share_low, share_high)


def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score interval (95%) for a share of k in n (Wilson 1927)."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def format_confirmation(c: Confirmation) -> str:
    """Two lines in plain words, and the verdict."""
    side = "below" if c.below else "above"
    verdict = (f"Confirmed: the interval of the mean lies {side} {c.threshold:g}." if c.confirmed
               else f"Not confirmed: the interval of the mean reaches {c.threshold:g}.")
    return (f"Over {c.worlds} worlds, {c.outcome} averages {c.mean:.4g} [{c.low:.4g}, "
            f"{c.high:.4g}] (95% t interval across worlds) and is {side} {c.threshold:g} in "
            f"{c.cases} of them ({c.cases / c.worlds:.0%} [{c.share_low:.0%}, "
            f"{c.share_high:.0%}], Wilson).\n{verdict}")
