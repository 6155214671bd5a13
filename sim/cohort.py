"""People-based outcomes: the re-engagement cohort and programme participants.

The cohort is every working-age resident of a deprived neighbourhood who is out
of work (unemployed or inactive, students excluded) when the programme starts.
A member is re-engaged at k months once they have been in work for k months
without a break. People are found by their id (`UidIndex`), so a member who moves
to another dwelling in the district is still followed; a member who leaves the
district keeps the status they had reached when they left, because the model
cannot see them after that.

Participants are logged when they join a programme. The tracker records
whether each one is in work in every month after their programme ends, for up
to three years. A counterfactual run can be given the same list (`watch`),
so the same people are followed in both runs. Resident ids are a function of
the dwelling slot and the month of moving in to the district, so they match across
paired runs; the same person may live in different slots in the two runs (internal
moves differ once the runs diverge), which the id lookup handles.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.population import EMPLOYED, INACTIVE, STUDENT

HORIZONS = (3, 6, 12)
PANEL_MONTHS = 37  # months 0..36 after programme end


class UidIndex:
    """Where each current resident id lives: built once a month (ids are unique among
    current residents), then `find(uids)` gives their slots, -1 for people no longer in
    the district.

    An id is `n_slots * month_of_arrival + slot`, so `uid % n` is the slot a person
    arrived in; only those who have since moved within the district live elsewhere, and
    only they go in a hash table (open addressing), built and searched by compiled passes.
    """

    def __init__(self, uid: np.ndarray):
        self.uid = np.asarray(uid, np.int64)
        self.n = len(self.uid)
        self.away = _away_table(self.uid)

    def find(self, uids: np.ndarray) -> np.ndarray:
        return _find(self.uid, self.away, np.asarray(uids, np.int64))


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: spreads consecutive ids


@njit(cache=True)
def _bucket(uid, bits):
    """The first bucket of `uid` in a table of 2**bits buckets."""
    return np.int64((np.uint64(uid) * _GOLDEN) >> np.uint64(64 - bits))


@njit(cache=True)
def _bits_for(size):
    """The least `bits` >= 1 with 2**bits >= size."""
    bits = 1
    while (1 << bits) < size:
        bits += 1
    return bits


@njit(cache=True)
def _away_table(uid):
    """Buckets (-1: empty) holding the slots whose resident's id says they arrived in
    another slot (`uid % n`), keyed by that id, at most half full; linear probing."""
    n = len(uid)
    away = np.empty(n, np.int64)
    k = 0
    for i in range(n):
        if uid[i] % n != i:
            away[k] = i
            k += 1
    bits = _bits_for(2 * k)
    table = np.full(1 << bits, -1, np.int64)
    mask = (1 << bits) - 1
    for i in away[:k]:
        b = _bucket(uid[i], bits)
        while table[b] >= 0:
            b = (b + 1) & mask
        table[b] = i
    return table


@njit(cache=True)
def _find(uid, table, wanted):
    """The slot of each id in `wanted` (-1: not a current resident): its arrival slot, or
    the away table."""
    n = len(uid)
    found = np.full(len(wanted), -1, np.int64)
    if n == 0:
        return found
    bits = _bits_for(len(table))
    mask = len(table) - 1
    for j in range(len(wanted)):
        key = wanted[j]
        home = key % n
        if uid[home] == key:
            found[j] = home
            continue
        b = _bucket(key, bits)
        while table[b] >= 0:
            if uid[table[b]] == key:
                found[j] = table[b]
                break
            b = (b + 1) & mask
    return found


def _index(res, where: UidIndex | None) -> UidIndex:
    return where if where is not None else UidIndex(res.uid)


def form_cohort(model) -> None:
    """The schedule's `cohort` stage: in the first programme month, before anything else
    happens that month, fix the cohort from the status residents ended burn-in with."""
    if model.month == model.p.burn_in_months + 1:
        model.cohort = Cohort(model)


class Cohort:
    def __init__(self, model):
        res = model.residents
        deprived = res.deprived
        out_of_work = (res.status != EMPLOYED) & ~((res.status == INACTIVE)
                                                    & (res.reason == STUDENT))
        self.slot = np.flatnonzero(deprived & out_of_work)
        self.uid = res.uid[self.slot].copy()
        self.reengaged = {k: np.zeros(len(self.slot), bool) for k in HORIZONS}

    def update(self, res, where: UidIndex | None = None) -> None:
        slot = _index(res, where).find(self.uid)
        present = slot >= 0
        slot = np.maximum(slot, 0)
        working = present & (res.status[slot] == EMPLOYED)
        for k, flag in self.reengaged.items():
            flag |= working & (res.spell[slot] >= k)

    def present(self, res, where: UidIndex | None = None) -> np.ndarray:
        """Whether each member still lives in the district (possibly in another dwelling)."""
        return _index(res, where).find(self.uid) >= 0

    def shares(self) -> dict:
        n = max(len(self.slot), 1)
        return {f"reengaged_{k}m_share": float(f.sum() / n) for k, f in self.reengaged.items()}

    def counts(self) -> dict:
        return {f"reengaged_{k}m": int(f.sum()) for k, f in self.reengaged.items()}


class JobEntries:
    """Residents who entered work from unemployment or inactivity, followed for six months
    to see whether they were out of work again within them (the churn of the NAO's
    sustainable-employment measure). People are followed by id, so an entrant who moves
    within the district is still counted; one whose household leaves the district is no
    longer observed and leaves the count.

    After each `update`: `entered` (this month's entries), `churned` (entrants out of work
    again this month, within six months of entering) and `sustained` (entrants who reached
    six months in work this month).
    """

    WINDOW = 6  # months

    def __init__(self):
        self.uid = np.zeros(0, np.int64)  # ids of the entrants followed
        self.since = np.zeros(0, np.int32)  # and their month of entry
        self.entered = self.churned = self.sustained = 0

    def update(self, res, prev_status: np.ndarray, moved: np.ndarray, month: int,
               where: UidIndex | None = None) -> None:
        slot = _index(res, where).find(self.uid)
        seen = slot >= 0
        uid, since, slot = self.uid[seen], self.since[seen], slot[seen]
        out = res.status[slot] != EMPLOYED
        done = ~out & (month - since >= self.WINDOW)
        new = np.flatnonzero((prev_status != EMPLOYED) & (res.status == EMPLOYED) & ~moved)
        self.churned, self.sustained = int(out.sum()), int(done.sum())
        self.entered = len(new)
        keep = ~(out | done)
        self.uid = np.concatenate([uid[keep], res.uid[new]])
        self.since = np.concatenate([since[keep], np.full(len(new), month, np.int32)])


class ParticipantLog:
    """Growing columns of participant records and their post-programme employment panel."""

    COLUMNS = ("uid", "slot", "lever", "start_month", "end_month", "deprived", "status_at_start")

    def __init__(self):
        self._chunks: list[dict] = []
        self._cache = None

    def add(self, **columns) -> None:
        if len(columns["uid"]):
            self._chunks.append(columns)
            self._cache = None

    def columns(self) -> dict:
        if self._cache is None:
            self._cache = {c: (np.concatenate([ch[c] for ch in self._chunks]) if self._chunks
                               else np.zeros(0, np.int64)) for c in self.COLUMNS}
        return self._cache

    def __len__(self) -> int:
        return sum(len(ch["uid"]) for ch in self._chunks)


class Tracker:
    """Employment of watched people (found by uid; the slot is where they were when they
    enrolled) in the 37 months after their end month,
    and their labour status just before they started (the end of the month before).

    Runs diverge once a programme starts, so a participant may be in a different state in
    the comparison run when they enrol; comparisons keep only people whose status before
    the start was the same in both runs (exact matching on the pre-programme state).

    Panel values: 1 in work, 0 out of work, -1 not observed (left the district, or not yet).
    """

    def __init__(self, slot, uid, start_month, end_month):
        self.slot, self.uid = np.asarray(slot, np.int64), np.asarray(uid, np.int64)
        self.start = np.asarray(start_month, np.int64)
        self.end = np.asarray(end_month, np.int64)
        self.panel = np.full((len(self.slot), PANEL_MONTHS), -1, np.int8)
        self.start_status = np.full(len(self.slot), -1, np.int8)

    def extend(self, slot, uid, start_month, end_month, start_status) -> None:
        self.slot = np.concatenate([self.slot, slot])
        self.uid = np.concatenate([self.uid, uid])
        self.start = np.concatenate([self.start, start_month])
        self.end = np.concatenate([self.end, end_month])
        self.start_status = np.concatenate([self.start_status, start_status.astype(np.int8)])
        self.panel = np.vstack([self.panel, np.full((len(slot), PANEL_MONTHS), -1, np.int8)])

    @property
    def watch(self) -> tuple:
        """What a comparison run needs to follow the same people."""
        return self.slot, self.uid, self.start, self.end

    def update(self, res, month: int, where: UidIndex | None = None) -> None:
        where = _index(res, where)
        starting = np.flatnonzero(self.start == month + 1)
        slot = where.find(self.uid[starting])
        self.start_status[starting] = np.where(slot >= 0, res.status[np.maximum(slot, 0)], -1)
        since = month - self.end
        rows = np.flatnonzero((since >= 0) & (since < PANEL_MONTHS))
        slot = where.find(self.uid[rows])
        working = (res.status[np.maximum(slot, 0)] == EMPLOYED).astype(np.int8)
        self.panel[rows, since[rows]] = np.where(slot >= 0, working, -1)


def participant_table(model, horizons=(0, 6, 12, 24, 36)):
    """One row per programme place taken: who, which lever, when, and whether the person was
    in work 0, 6, 12, 24 and 36 months after it ended (1 yes, 0 no, -1 not observed)."""
    import pandas as pd

    table = pd.DataFrame(model.participants.columns())
    if table.empty:
        return table
    table["lever"] = [model.levers[i].name for i in table["lever"]]
    if model.track_own_participants:
        for h in horizons:
            table[f"employed_{h}m_after"] = model.tracker.panel[:, h]
    return table
