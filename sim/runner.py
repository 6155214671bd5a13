"""Run one scenario and save its outputs: the glue between scenario, model and io.

The model never writes files; this module runs it, times it and hands the
records to `sim.io` together with the summary figure.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from sim import io
from sim.cohort import participant_table
from sim.evaluate import build_model
from sim.scenario import Scenario
from sim.viz.summary import plot_summary


@dataclass(frozen=True)
class RunResult:
    """The outcome of one run.

    Attributes:
        scenario: the scenario that was run.
        months: months simulated (burn-in included).
        records: `LocalEconomy.records` (monthly, business_events, projects, accounts)
            and the participant table.
        wall_seconds: wall-clock time of the simulation.
    """

    scenario: Scenario
    months: int
    records: dict
    wall_seconds: float

    @property
    def monthly(self) -> pd.DataFrame:
        """The monthly table as a DataFrame."""
        return pd.DataFrame(self.records["monthly"])


def full_length(scenario: Scenario) -> int:
    """Months of a complete run of `scenario`: burn-in plus programme."""
    return scenario.params.burn_in_months + scenario.params.programme_months


def run_scenario(scenario: Scenario, months: int | None = None,
                 progress: Callable[[], None] | None = None) -> RunResult:
    """Simulate a scenario.

    Args:
        scenario: what to run (parameters and seed).
        months: total months to simulate; default the full burn-in plus programme.
        progress: called once per simulated month (e.g. a progress bar's update).

    Returns:
        The run's records and timing.
    """
    months = full_length(scenario) if months is None else months
    start = time.perf_counter()
    model = build_model(scenario).run(months=months, progress=progress)
    records = dict(model.records, participants=participant_table(model))
    return RunResult(scenario, months, records, time.perf_counter() - start)


def default_out_dir(scenario: Scenario, months: int | None = None,
                    base: str | Path = "results", tag: str = "") -> Path:
    """`results/<name>[-<tag>]-seed<seed>[-<months>m]`; months only when not a full run.

    The name becomes one harmless folder name (`sim.io.safe_name`): whatever a scenario
    calls itself, the folder is a child of `base`.
    """
    name = io.safe_name(scenario.name)
    parts = [name, io.safe_name(tag)] if tag else [name]
    parts.append(f"seed{scenario.seed}")
    if months is not None and months != full_length(scenario):
        parts.append(f"{months}m")
    return Path(base) / "-".join(parts)


def run_facts(result: RunResult) -> dict:
    """What the manifest records about a run besides versions and parameters."""
    s = result.scenario
    return {
        "scenario": {"name": s.name, "description": s.description, "source": s.source,
                     "policy": asdict(s.policy), "shocks": [asdict(k) for k in s.shocks]},
        "preset": s.preset,
        "seed": s.seed,
        "months": result.months,
        "burn_in_months": s.params.burn_in_months,
        "wall_time_seconds": round(result.wall_seconds, 3),
    }


def save_run(result: RunResult, out: str | Path, command_line: list[str]) -> Path:
    """Write tables, manifest and `summary.png` of a run to `out`, atomically.

    Args:
        result: the run to save.
        out: the run folder (replaced only once the new one is complete).
        command_line: the command that produced the run, for the manifest.

    Returns:
        The run folder.
    """
    manifest = io.build_manifest(run_facts(result), result.scenario.params.to_dict(),
                                 command_line)
    s = result.scenario
    title = f"{s.name}: preset {s.preset}, seed {s.seed}, {result.months} months"

    def draw(folder: Path) -> None:
        plot_summary(result.monthly, folder / "summary.png", title=title,
                     regime=s.policy.regime)

    return io.write_run(out, result.records, manifest, extra=draw)
