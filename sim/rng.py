"""Seeds and named random streams, all declared here.

One integer seed per run. Each process (separations, search, moves, ...) draws
from its own stream, derived from the seed and a stable hash of the process
name, so that a change in one process (a new policy, an extra draw) does not
reshuffle the draws of unrelated processes: common random numbers between
scenarios. Never `hash()` (salted per interpreter) and never global state.

Every stream is declared in `STREAMS` with its owner and what it draws. Levers
declare theirs (`lever_<name>`, ...) when they are registered
(sim.policy.levers.registry); asking for an undeclared stream is an error.
"""

from __future__ import annotations

import difflib
import zlib
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np


@dataclass(frozen=True)
class StreamInfo:
    """A declared random stream: who draws from it, what for, and whether it is monthly."""

    owner: str
    description: str
    monthly: bool = False


_STREAMS: dict[str, StreamInfo] = {}


def declare(name: str, owner: str, description: str, monthly: bool = False) -> None:
    """Declare stream `name`. Declaring the same stream twice with a different owner is an error."""
    info = StreamInfo(owner, description, monthly)
    known = _STREAMS.get(name)
    if known is not None and known.owner != owner:
        raise ValueError(f"random stream {name!r} is already declared by {known.owner}")
    _STREAMS[name] = info


def undeclare(name: str) -> None:
    """Withdraw a stream (a plug-in lever being unregistered)."""
    _STREAMS.pop(name, None)


def _declare_processes() -> None:
    per_run = {
        "setup": ("sim.model", "neighbourhoods, households, residents, firms, initial jobs"),
        "partners": ("sim.model", "partners' dispositions, initial engagement and trust"),
        "layoffs": ("sim.dynamics.firms", "which residents firms above their size lay off"),
        "layoffs_incommuters": ("sim.dynamics.firms", "how many in-commuters are laid off"),
        "firm_births": ("sim.dynamics.firms", "business births: counts, places, traits"),
        "projects": ("sim.dynamics.firms", "latent investment projects: arrival and traits"),
        "project_starts": ("sim.dynamics.firms", "the firm an expansion project lands in"),
        "gap_appraisal": ("sim.dynamics.firms", "the gap-funding appraiser's error, one "
                          "standard normal per arriving project"),
        "inactivity_reason": ("sim.dynamics.labour", "reason for leaving the labour force"),
        "separation": ("sim.dynamics.labour", "exits from work"),
        "activation": ("sim.dynamics.labour", "re-entry to search and discouragement"),
        "search": ("sim.dynamics.labour", "whether an unemployed resident applies"),
        "matching": ("sim.dynamics.labour", "zone, vacancy, acceptance and employer noise"),
        "wages": ("sim.dynamics.labour", "spread of TTWA wages offered, one per resident"),
        "incommuters": ("sim.dynamics.labour", "in-commuters leaving their jobs"),
        "ttwa": ("sim.markets.ttwa", "the TTWA's separations and lay-offs; its job seekers' "
                 "traits"),
        "ttwa_layoffs": ("sim.dynamics.labour", "which residents in TTWA jobs are laid off"),
        "health": ("sim.dynamics.people", "monthly health noise"),
        "moves": ("sim.dynamics.places", "in-movers' profiles, characteristics, jobs, "
                  "dwellings of job-led in-movers and cars"),
    }
    monthly = {
        "firm_demand": ("sim.dynamics.firms", "demand-share shocks, one per firm row"),
        "firm_exit": ("sim.dynamics.firms", "exit draws, one per firm row"),
        "ttwa_seekers": ("sim.dynamics.labour", "two 64-bit draws per TTWA job seeker: whether "
                         "they apply, where, the skill screen and score noise"),
        "business_engagement": ("sim.policy.board", "firms' engagement noise, one per row"),
        "move_choices": ("sim.dynamics.places", "whether each dwelling's household moves out, "
                         "within or stays, and internal movers' choices, one per dwelling row"),
        "job_moves": ("sim.dynamics.places", "in-commuters and vacancies of each firm row "
                      "bringing a worker to live in the district"),
    }
    for name, (owner, text) in per_run.items():
        declare(name, owner, text)
    for name, (owner, text) in monthly.items():
        declare(name, owner, text, monthly=True)


_declare_processes()
STREAMS = MappingProxyType(_STREAMS)


def stable_hash(name: str) -> int:
    """A hash of `name` that is the same in every process and Python version."""
    return zlib.crc32(name.encode("utf-8"))


def stream(seed: int, name: str) -> np.random.Generator:
    """The random stream for process `name` in a run with `seed`."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, stable_hash(name)])))


def replicate_seeds(master_seed: int, n: int) -> list[int]:
    """`n` independent run seeds spawned from one master seed."""
    children = np.random.SeedSequence(master_seed).spawn(n)
    return [int(c.generate_state(1, dtype=np.uint32)[0]) for c in children]


def _checked(name: str, monthly: bool) -> None:
    info = _STREAMS.get(name)
    if info is None:
        close = difflib.get_close_matches(name, list(_STREAMS), n=3)
        hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
        raise KeyError(f"random stream {name!r} is not declared{hint} (declare it in "
                       "sim.rng or in the lever that draws from it)")
    if info.monthly != monthly:
        kind, how = (("monthly", "Streams.monthly(name, month)") if info.monthly
                     else ("per run", "Streams[name]"))
        raise KeyError(f"random stream {name!r} is declared {kind}: use {how}")


class Streams:
    """Lazily created named streams for one run; only declared names are allowed."""

    def __init__(self, seed: int):
        self.seed = int(seed)
        self._streams: dict[str, np.random.Generator] = {}

    def __getitem__(self, name: str) -> np.random.Generator:
        if name not in self._streams:
            _checked(name, monthly=False)
            self._streams[name] = stream(self.seed, name)
        return self._streams[name]

    def monthly(self, name: str, month: int) -> np.random.Generator:
        """A fresh stream for process `name` in `month`. For draws indexed by a row whose
        count differs between runs (firms are born and die): row i gets the same number in
        every run, whatever happened to the other rows earlier."""
        _checked(name, monthly=True)
        return stream(self.seed, f"{name}/{month}")

    def states(self) -> dict[str, dict]:
        """The bit-generator state of every per-run stream drawn from so far (for tests that
        check which processes a change reaches)."""
        return {name: g.bit_generator.state for name, g in self._streams.items()}
