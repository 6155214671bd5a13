"""The four seed claims, each tested both ways: at defaults and in a failure region.

The claims (model-spec section 1) are hypotheses. Each is defined as data in
`experiments/claims/claims.toml`: the outcome it is judged on, the direction of
"scenario A minus scenario B" that means the claim holds, and two pairs of
scenario files, one at defaults and one in a plausible setting where the claim
is expected to fail. Every pair runs through the paired comparison (common random
numbers, `sim.analysis.compare`) over the same seeds; the verdict comes from the
95% t interval of the seed-by-seed difference:

* holds: the interval lies wholly on the claim's side of zero;
* fails: it lies wholly on the other side;
* inconclusive: it contains zero.

So a claim's test can come out either way: nothing in the rules knows which
regime or mix is meant to win.
"""

from __future__ import annotations

import json
import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim import outcomes
from sim.analysis.compare import fmt, pairs_for, t_interval
from sim.evaluate import COMPARISON, SCENARIO, evaluate
from sim.scenario import Scenario, load_scenario

CLAIMS_FILE = Path(__file__).resolve().parents[2] / "experiments" / "claims" / "claims.toml"
DIRECTIONS = {"higher": 1.0, "lower": -1.0}
SETTINGS = ("defaults", "failure")
HOLDS, FAILS, INCONCLUSIVE = "holds", "fails", "inconclusive"
_CLAIM_KEYS = {"number", "statement", "outcome", "holds_if", "defaults", "failure"}
_SETTING_KEYS = {"a", "b", "about"}


class ClaimsError(ValueError):
    """The claim definitions are missing or malformed."""


@dataclass(frozen=True)
class Setting:
    """One comparison: scenario A against B (None: A's counterfactual, no programme)."""

    a: Scenario
    b: Scenario | None
    about: str

    def with_preset(self, preset: str | None) -> Setting:
        """Both scenarios on another preset (budgets scaled per resident)."""
        b = None if self.b is None else self.b.with_changes(preset=preset)
        return Setting(self.a.with_changes(preset=preset), b, self.about)

    @property
    def key(self) -> tuple[str, str | None]:
        """The pair's files: settings with the same files run the same pairs."""
        return self.a.source, None if self.b is None else self.b.source

    @property
    def b_name(self) -> str:
        return "no programme" if self.b is None else self.b.name


@dataclass(frozen=True)
class Claim:
    """A seed claim: the outcome, the direction of A - B that means it holds, its settings."""

    number: int
    statement: str
    outcome: str
    holds_if: str
    defaults: Setting
    failure: Setting

    def setting(self, name: str) -> Setting:
        return getattr(self, name)


@dataclass(frozen=True)
class Verdict:
    """A claim's test in one setting over paired seeds."""

    claim: Claim
    setting: str
    seeds: list[int]
    a_mean: float
    b_mean: float
    difference: float
    ci_low: float
    ci_high: float

    @property
    def result(self) -> str:
        return verdict(self.ci_low, self.ci_high, self.claim.holds_if)

    def as_dict(self) -> dict:
        s = self.claim.setting(self.setting)
        return {"claim": self.claim.number, "statement": self.claim.statement,
                "setting": self.setting, "about": s.about, "a": s.a.name, "b": s.b_name,
                "outcome": self.claim.outcome, "holds_if": self.claim.holds_if,
                "a_mean": self.a_mean, "b_mean": self.b_mean, "difference": self.difference,
                "ci_low": self.ci_low, "ci_high": self.ci_high, "result": self.result,
                "seeds": self.seeds}


def verdict(low: float, high: float, holds_if: str) -> str:
    """holds / fails / inconclusive from a 95% interval of A - B and the claim's direction."""
    sign = DIRECTIONS[holds_if]
    lo, hi = sorted((sign * low, sign * high))
    if lo > 0:
        return HOLDS
    if hi < 0:
        return FAILS
    return INCONCLUSIVE  # includes an undefined interval (NaN compares false)


def load_claims(path: str | Path | None = None) -> list[Claim]:
    """The claim definitions (default: the shipped `CLAIMS_FILE`), with every scenario file
    loaded and checked.

    Raises:
        ClaimsError: the file is missing or malformed, an outcome is not a run outcome,
            or a direction is not higher/lower.
        ScenarioError: a scenario file named there is bad.
    """
    path = Path(CLAIMS_FILE if path is None else path)
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ClaimsError(f"{path}: cannot read the claim definitions: {exc}") from None
    entries = data.get("claim")
    if not isinstance(entries, list) or not entries:
        raise ClaimsError(f"{path}: expected [[claim]] tables")
    return [_claim(entry, path) for entry in entries]


def _claim(entry: dict, path: Path) -> Claim:
    where = f"{path}: claim {entry.get('number', '?')}"
    if set(entry) != _CLAIM_KEYS:
        raise ClaimsError(f"{where}: expected keys {sorted(_CLAIM_KEYS)}, got {sorted(entry)}")
    if entry["outcome"] not in outcomes.names(outcomes.RUN):
        raise ClaimsError(f"{where}: outcome {entry['outcome']!r} is not a run outcome")
    if entry["holds_if"] not in DIRECTIONS:
        raise ClaimsError(f"{where}: holds_if must be one of {sorted(DIRECTIONS)}")
    settings = {name: _setting(entry[name], path.parent, f"{where}, {name}")
                for name in SETTINGS}
    return Claim(int(entry["number"]), entry["statement"], entry["outcome"],
                 entry["holds_if"], **settings)


def _setting(table: dict, folder: Path, where: str) -> Setting:
    if not isinstance(table, dict) or not {"a", "about"} <= set(table) <= _SETTING_KEYS:
        raise ClaimsError(f"{where}: expected a table with a, about and optionally b")
    b = table.get("b")
    return Setting(load_scenario(folder / table["a"]),
                   None if b is None else load_scenario(folder / b), table["about"])


def run_claims(claims: list[Claim], seeds: int, preset: str | None = None, backend=None,
                progress: bool = False, folder=None) -> list[Verdict]:
    """Every claim in both settings over seeds 1..`seeds`, one verdict per claim and setting.

    Each distinct pair of scenarios runs once (claims 1 and 4 share theirs), all pairs in
    one evaluation so they share the backend; results do not depend on the backend. With
    a `folder`, finished pairs are kept there and a rerun resumes from them.
    """
    seed_list = list(range(1, seeds + 1))
    tests = [(c, name, c.setting(name).with_preset(preset)) for c in claims for name in SETTINGS]
    distinct = list({s.key: s for _, _, s in tests}.values())
    units = [u for s in distinct for u in pairs_for([s.a], s.b, seed_list)]
    results = evaluate(units, backend, folder=folder, progress=progress)
    by_pair = {s.key: results[i * seeds:(i + 1) * seeds] for i, s in enumerate(distinct)}
    return [_verdict(c, name, by_pair[s.key], seed_list) for c, name, s in tests]


def _verdict(claim: Claim, setting: str, pairs, seeds: list[int]) -> Verdict:
    a = np.array([p.value(claim.outcome, SCENARIO) for p in pairs], float)
    b = np.array([p.value(claim.outcome, COMPARISON) for p in pairs], float)
    mean, low, high = t_interval(a - b)
    return Verdict(claim, setting, seeds, float(a.mean()), float(b.mean()), mean, low, high)


def format_verdicts(verdicts: list[Verdict], preset: str) -> str:
    """One line per claim and setting: A vs B, the difference with its 95% interval, result."""
    seeds = verdicts[0].seeds
    lines = [f"The four claims: preset {preset}, seeds {seeds[0]}..{seeds[-1]} "
             f"({len(seeds)} paired runs each, common random numbers; 95% t intervals of A - B)",
             ""]
    for v in verdicts:
        s = v.claim.setting(v.setting)
        if v.setting == SETTINGS[0]:
            lines.append(f"Claim {v.claim.number}: {v.claim.statement} "
                         f"[{v.claim.outcome}, {v.claim.holds_if} holds]")
        lines.append(f"  {v.setting:9s} {s.a.name} vs {s.b_name}: {fmt(v.a_mean)} vs "
                     f"{fmt(v.b_mean)}, difference {fmt(v.difference)} "
                     f"[{fmt(v.ci_low)}, {fmt(v.ci_high)}]  {v.result.upper()}")
        lines.append(f"            {s.about}")
    return "\n".join(lines)


def to_json(verdicts: list[Verdict], preset: str) -> str:
    """The verdicts as one JSON document (NaN as null)."""
    def clean(x):
        return None if isinstance(x, float) and not math.isfinite(x) else x

    rows = [{k: clean(v) for k, v in verdict.as_dict().items()} for verdict in verdicts]
    return json.dumps({"preset": preset, "claims": rows}, indent=2)


__all__ = ["Claim", "ClaimsError", "Setting", "Verdict", "load_claims",
           "run_claims", "format_verdicts", "to_json", "verdict"]
