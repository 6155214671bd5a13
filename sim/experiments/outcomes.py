"""Outcomes of an experiment: what to measure in each simulation.

An outcome is a scalar (one column of the runs table) or a series (rows of
`series.parquet`). For the LocalEconomy model an outcome is a key of
`sim.outcomes.run_summary` or a column of the monthly table; it may be *net*,
that is minus the same outcome of the same seed's counterfactual run (no
regeneration money, `sim.analysis.compare.counterfactual`). For a Mesa model it
is a function of the model, a model attribute or a data-collector reporter; for
a plain function model it is a key of the returned dict.

The valid names for LocalEconomy outcomes come from the outcome registry
(`sim.outcomes`), whose monthly row and run summary are built from the same
declarations, so they cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sim.experiments.fields import Problem, check_keys, choice, close_matches, gather, get
from sim.experiments.introspect import check_import_path

STATS = ("final", "mean", "series")


@dataclass(frozen=True)
class Outcome:
    """One named outcome.

    Attributes:
        name: the outcome name (a runs-table column, or the `outcome` of series rows).
        source: "summary" or "column" (local_economy); "function", "attribute" or
            "reporter" (mesa); "key" (function models).
        ref: the summary key, column, "module:function", attribute, reporter or key.
        stat: "value" for single numbers; "final", "mean" or "series" for time series.
        window: first and last month (step) of a mean, inclusive; None for the default
            (the programme period of a LocalEconomy run, every step of a Mesa run).
        net: subtract the same seed's counterfactual run (local_economy only).
    """

    name: str
    source: str
    ref: str
    stat: str = "value"
    window: tuple[int, int] | None = None
    net: bool = False

    @property
    def kind(self) -> str:
        """"series" or "scalar"."""
        return "series" if self.stat == "series" else "scalar"

    def describe(self) -> dict:
        """A JSON-ready description for the manifest."""
        return {"name": self.name, "kind": self.kind, "source": self.source, "ref": self.ref,
                "stat": self.stat, "window": list(self.window) if self.window else None,
                "net": self.net}


def local_economy_names() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(run summary keys, monthly columns) of the LocalEconomy model: projections of the
    outcome registry (sim.outcomes), so they follow registered plug-in levers."""
    from sim import outcomes

    return outcomes.names(outcomes.RUN), outcomes.names(outcomes.MONTHLY)


def parse_outcome(name: str, table: Any, model_kind: str) -> Outcome:
    """Validate one `[outcomes.<name>]` table for a model of `model_kind`.

    Raises:
        Problem: the problems found in the table, one line each.
    """
    if not isinstance(table, dict):
        raise Problem("must be a table (e.g. summary = \"reengaged_6m\")")
    if model_kind == "local_economy":
        return _local_economy(name, table)
    if "net" in table:
        raise Problem("key 'net' applies only to local_economy models (it needs a "
                      "counterfactual run)")
    if model_kind == "mesa":
        return _mesa(name, table)
    check_keys(table, ("key",), "an outcome of a function model")
    return Outcome(name, "key", get(table, "key", str, name))


def _one_source(table: dict, sources: tuple[str, ...]) -> str:
    given = [s for s in sources if s in table]
    if len(given) != 1:
        raise Problem(f"give exactly one of {', '.join(sources)}"
                      + (f" (found {', '.join(given)})" if given else ""))
    return given[0]


def _source_and_name(table: dict, sources: tuple[str, ...]) -> tuple[str, str]:
    """Which key names the outcome's source, and the name it gives."""
    source = _one_source(table, sources)
    return source, get(table, source, str)


def _local_economy(name: str, table: dict) -> Outcome:
    _, (source, ref), net = gather(
        lambda: check_keys(table, ("summary", "column", "net", "stat", "window"),
                           "an outcome of a local_economy model"),
        lambda: _source_and_name(table, ("summary", "column")),
        lambda: get(table, "net", bool, False))
    summary, columns = local_economy_names()
    valid = summary if source == "summary" else columns
    if ref not in valid:
        what = "run_summary key" if source == "summary" else "monthly column"
        raise Problem(f"key {source!r}: unknown {what} {ref!r}{close_matches(ref, valid)} "
                      f"(allowed: {', '.join(valid)})")
    if source == "summary":
        for key in ("stat", "window"):
            if key in table:
                raise Problem(f"key {key!r} applies only to a monthly column")
        return Outcome(name, "summary", ref, "value", None, net)
    stat, window = _stat_window(table, "mean")
    return Outcome(name, "column", ref, stat, window, net)


def _mesa(name: str, table: dict) -> Outcome:
    _, (source, ref) = gather(
        lambda: check_keys(table, ("function", "attribute", "reporter", "stat", "window"),
                           "an outcome of a mesa model"),
        lambda: _source_and_name(table, ("function", "attribute", "reporter")))
    if source == "function":
        check_import_path(ref, "function")
    if source != "reporter":
        for key in ("stat", "window"):
            if key in table:
                raise Problem(f"key {key!r} applies only to a data-collector reporter")
        return Outcome(name, source, ref)
    stat, window = _stat_window(table, "final")
    return Outcome(name, source, ref, stat, window)


def _stat_window(table: dict, default: str) -> tuple[str, tuple[int, int] | None]:
    stat = choice(table, "stat", STATS, default)
    window = get(table, "window", list, None)
    if window is None:
        return stat, None
    if stat != "mean":
        raise Problem("key 'window' applies only to stat = \"mean\"")
    if (len(window) != 2 or not all(isinstance(v, int) and not isinstance(v, bool)
                                    for v in window) or not 1 <= window[0] <= window[1]):
        raise Problem(f"key 'window' must be [first, last] months with 1 <= first <= last, "
                      f"got {window!r}")
    return stat, (window[0], window[1])


# --- paired differences between policies -----------------------------------------------

@dataclass(frozen=True)
class Difference:
    """An outcome of one policy minus the same outcome of another, in the same world with
    the same seed (`[differences.<name>]`): e.g. coalition minus LSP of net re-engagement.

    Attributes:
        name: the difference's name (a column of the paired table).
        outcome: the scalar outcome compared.
        of: the policy whose outcome is taken.
        minus: the policy whose outcome is subtracted.
    """

    name: str
    outcome: str
    of: str
    minus: str

    def describe(self) -> dict:
        return {"name": self.name, "outcome": self.outcome, "of": self.of,
                "minus": self.minus}


def parse_difference(name: str, table: Any, policies: list[str],
                     outcomes: list[Outcome]) -> Difference:
    """Validate one `[differences.<name>]` table (outcome, of, minus).

    Raises:
        Problem: the problems found in the table, one line each.
    """
    if not isinstance(table, dict):
        raise Problem("must be a table: outcome = \"...\", of = \"<policy>\", "
                      "minus = \"<policy>\"")
    if name in {o.name for o in outcomes}:
        raise Problem(f"{name!r} is also an outcome name; columns must have distinct names")
    _, outcome, *pair = gather(lambda: check_keys(table, ("outcome", "of", "minus"),
                                                  "a difference"),
                               lambda: _scalar_outcome(table, outcomes),
                               lambda: _policy_key(table, "of", policies),
                               lambda: _policy_key(table, "minus", policies))
    if pair[0] == pair[1]:
        raise Problem("keys 'of' and 'minus' name the same policy")
    return Difference(name, outcome, *pair)


def _scalar_outcome(table: dict, outcomes: list[Outcome]) -> str:
    scalars = [o.name for o in outcomes if o.kind == "scalar"]
    outcome = get(table, "outcome", str, required=True)
    if outcome not in scalars:
        raise Problem(f"key 'outcome': {outcome!r} is not a scalar outcome of this study"
                      f"{close_matches(outcome, scalars)} (scalar outcomes: "
                      f"{', '.join(scalars) or 'none'})")
    return outcome


def _policy_key(table: dict, key: str, policies: list[str]) -> str:
    policy = get(table, key, str, required=True)
    if policy not in policies:
        raise Problem(f"key {key!r}: unknown policy {policy!r}{close_matches(policy, policies)} "
                      f"(policies: {', '.join(policies)})")
    return policy
