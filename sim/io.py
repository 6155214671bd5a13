"""Write one run's outputs to a folder, atomically, with a provenance manifest.

A run folder holds `monthly.parquet`, `business_events.parquet`,
`projects.parquet`, `participants.parquet`, `accounts.parquet` (the monthly flows
between sectors, sim/accounts.py) and `manifest.json` (plus any figures). Everything is first
written into a hidden temporary sibling folder, which is renamed into place
only when complete; an existing folder of the same name is replaced only then,
and only if this tool wrote it (it holds the `OUTPUT_MARKER` file, or nothing but
a run's own files) or it is empty: a user's folder named by mistake is refused,
never deleted. On any failure the temporary folder is removed and an existing
folder is left as it was; temporary folders a killed process left behind (named
`.<name>.tmp-<pid>-<hex>` by this module, beside the folder it was writing) are
removed by the next write of the same folder.
"""

from __future__ import annotations

import contextlib
import errno
import importlib.metadata
import json
import os
import platform
import re
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

import sim

PACKAGE = "coalition-sim"
TABLES = ("monthly", "business_events", "projects", "participants", "accounts")
MANIFEST = "manifest.json"
# Written into every folder atomic_folder creates: proof that replacing it deletes nothing
# of the user's.
OUTPUT_MARKER = ".coalition-output"
# What a run folder of an earlier version held (no marker yet); such a folder is replaceable.
RUN_FILES = frozenset({*(f"{t}.parquet" for t in TABLES), MANIFEST, "summary.png"})
MAX_COMPONENT = 120  # characters of a folder name made from user text (filesystems: 255 bytes)
REPO_ROOT = Path(sim.__file__).resolve().parent.parent

# Schemas used when a record list is empty (non-empty lists are inferred from
# their rows, so new columns appear without changes here).
EMPTY_SCHEMAS = {
    "monthly": pa.schema([("month", pa.int64()), ("phase", pa.string())]),
    "accounts": pa.schema([("month", pa.int64()), ("phase", pa.string())]),
    "business_events": pa.schema([
        ("month", pa.int64()), ("business_id", pa.int64()), ("event", pa.string()),
        ("tradable", pa.bool_()), ("hood", pa.int64()), ("age_months", pa.int64()),
        ("employees", pa.int64()),
    ]),
    "participants": pa.schema([
        ("uid", pa.int64()), ("slot", pa.int64()), ("lever", pa.string()),
        ("start_month", pa.int64()), ("end_month", pa.int64()), ("deprived", pa.bool_()),
        ("status_at_start", pa.int64()),
    ]),
    "projects": pa.schema([
        ("project_id", pa.int64()), ("month", pa.int64()), ("hood", pa.int64()),
        ("deprived", pa.bool_()), ("kind", pa.string()), ("jobs", pa.int64()),
        ("skill_need", pa.int64()), ("gross_value", pa.float64()),
        ("net_value", pa.float64()), ("went_ahead", pa.bool_()),
        ("would_have_gone_ahead", pa.bool_()), ("help_gbp", pa.float64()),
        ("private_investment", pa.float64()), ("start_month", pa.int64()),
        ("reason", pa.string()),
    ]),
}


def records_table(rows: list[dict], name: str) -> pa.Table:
    """An Arrow table of record rows; an empty list gives an empty table with a schema.

    Args:
        rows: one dict per record, as in `LocalEconomy.records[name]`.
        name: the record kind (a key of EMPTY_SCHEMAS), used when `rows` is empty.
    """
    if isinstance(rows, pd.DataFrame) and len(rows):
        return pa.Table.from_pandas(rows, preserve_index=False)
    if len(rows):
        # Via pandas: the columns are the union of all rows' keys, not the first row's.
        return pa.Table.from_pandas(pd.DataFrame(rows), preserve_index=False)
    return EMPTY_SCHEMAS.get(name, pa.schema([])).empty_table()


def write_tables(folder: Path, records: dict[str, list[dict]]) -> None:
    """Write each record kind in TABLES to `<folder>/<kind>.parquet`."""
    for name in TABLES:
        pq.write_table(records_table(records.get(name, []), name), folder / f"{name}.parquet")


def read_table(folder: str | Path, name: str) -> pd.DataFrame:
    """Read one run table (e.g. "monthly") back as a pandas DataFrame."""
    return pq.read_table(Path(folder) / f"{name}.parquet").to_pandas()


def write_manifest(folder: Path, manifest: dict) -> None:
    """Write `manifest.json` (indented, keys in insertion order)."""
    text = json.dumps(manifest, indent=2, allow_nan=False, default=str)
    (folder / MANIFEST).write_text(text + "\n", encoding="utf-8")


class OutputFolderError(ValueError):
    """An output path cannot be used without harming what is there (one line, exit 2)."""


def safe_name(text: str, fallback: str = "scenario") -> str:
    """`text` as one harmless folder-name component: letters, digits, '-', '_' and '.'
    kept, runs of anything else (separators, '..', control characters) become '_', no
    leading dot (so never hidden, '.' or '..'), at most MAX_COMPONENT characters."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(text)).lstrip(".")
    name = re.sub(r"\.{2,}", "_", name)[:MAX_COMPONENT].strip("._")
    return name or fallback


def check_replaceable(out: str | Path) -> None:
    """Raise OutputFolderError unless `out` is absent, an empty folder, or a folder this
    tool wrote (see the module docstring)."""
    out = Path(out)
    if not out.exists() and not out.is_symlink():
        return
    if out.is_symlink() or not out.is_dir():
        raise OutputFolderError(f"{out} exists and is not a folder; choose another output "
                                "folder")
    names = {p.name for p in out.iterdir()}
    if names and OUTPUT_MARKER not in names and not names <= RUN_FILES:
        raise OutputFolderError(f"{out} is a folder this tool did not write (no "
                                f"{OUTPUT_MARKER}); it is left as it is: choose another "
                                "output folder or move it away")


@contextlib.contextmanager
def atomic_folder(out: str | Path) -> Iterator[Path]:
    """Yield a temporary folder that replaces `out` only if the block succeeds.

    Args:
        out: the final folder; its parent is created if needed. If it exists it must be
            replaceable (`check_replaceable`).

    Yields:
        A hidden temporary sibling of `out` to write into.

    Raises:
        OutputFolderError: `out` is a file or a folder this tool did not write.
    """
    out = Path(out)
    check_replaceable(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out)
    tmp = _hidden_sibling(out, "tmp")
    tmp.mkdir()
    try:
        (tmp / OUTPUT_MARKER).write_text("written by coalition-sim; its next write of this "
                                         "folder replaces it\n", encoding="utf-8")
        yield tmp
        _swap_into_place(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def remove_stale_temporaries(out: Path) -> list[Path]:
    """Remove the hidden temporaries of `out` (folders or files) that a killed process
    left beside it: only names this module makes, whose process is gone; `.old-` copies
    only once `out` exists again. Returns what was removed."""
    pattern = re.compile(rf"\.{re.escape(out.name)}\.(tmp|old)-(?:(\d+)-)?[0-9a-f]{{8}}")
    removed = []
    for path in out.parent.iterdir() if out.parent.is_dir() else ():
        match = pattern.fullmatch(path.name)
        if match is None or path.is_symlink():
            continue
        kind, pid = match.group(1), match.group(2)
        if (pid is not None and _alive(int(pid))) or (kind == "old" and not out.exists()):
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    """Whether process `pid` exists (a process we may not signal exists too)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write `text` to `path` whole or not at all: a hidden sibling renamed into place."""
    write_texts_atomic({Path(path): text})


def write_texts_atomic(files: dict[Path, str]) -> None:
    """Write several text files, each whole or not at all, all of them written out before
    any is renamed into place (so a kill leaves at most a few renames undone)."""
    for path in files:
        if Path(path).is_dir():
            raise OutputFolderError(f"{path} is a folder; it cannot be replaced by a file")
    temps = {}
    try:
        for path, text in files.items():
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            remove_stale_temporaries(Path(path))
            temps[path] = _hidden_sibling(Path(path), "tmp")
            temps[path].write_text(text, encoding="utf-8")
        for path, tmp in temps.items():
            tmp.replace(path)
    except BaseException:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)
        raise


def _hidden_sibling(out: Path, kind: str) -> Path:
    """A fresh hidden path beside `out`, e.g. `.run-seed1.tmp-4242-1a2b3c4d` (the PID tells
    a later run whether its writer is still alive)."""
    return out.with_name(f".{out.name}.{kind}-{os.getpid()}-{uuid.uuid4().hex[:8]}")


def _swap_into_place(tmp: Path, out: Path) -> None:
    """Rename `tmp` to `out`; an existing `out` is moved aside first and removed after."""
    if not out.exists():
        tmp.rename(out)
        return
    old = _hidden_sibling(out, "old")
    out.rename(old)
    try:
        tmp.rename(out)
    except BaseException:
        old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def write_run(
    out: str | Path,
    records: dict[str, list[dict]],
    manifest: dict,
    extra: Callable[[Path], None] | None = None,
) -> Path:
    """Write a run's tables, manifest and extras to `out`, atomically.

    Args:
        out: the run folder to create or replace.
        records: `LocalEconomy.records` (lists of dicts per record kind).
        manifest: provenance, see `build_manifest`.
        extra: optional callable given the temporary folder, e.g. to draw figures.

    Returns:
        The path of the finished folder.
    """
    with atomic_folder(out) as tmp:
        write_tables(tmp, records)
        write_manifest(tmp, manifest)
        if extra is not None:
            extra(tmp)
    return Path(out)


def build_manifest(run: dict, params: dict, command_line: list[str]) -> dict:
    """Provenance of a run: versions, git revision, parameters and how it was run.

    Args:
        run: facts about the run (preset, seed, scenario source, months, wall time...).
        params: the full parameter dict (`Params.to_dict()`).
        command_line: the command that produced the run.

    Returns:
        A JSON-serialisable dict.
    """
    return {
        "package": {"name": PACKAGE, "version": package_version()},
        "versions": library_versions(),
        "git": git_revision(),
        **run,
        "params": params,
        "created_at_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "command_line": command_line,
    }


def package_version() -> str:
    """The installed version of this package (the source version if not installed)."""
    try:
        return importlib.metadata.version(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        return sim.__version__


def library_versions(extra: tuple[str, ...] = ()) -> dict[str, str | None]:
    """Versions of Python and the libraries that shape the results (plus `extra` ones)."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for lib in ("numpy", "pandas", "mesa", "pyarrow", *extra):
        try:
            versions[lib] = importlib.metadata.version(lib)
        except importlib.metadata.PackageNotFoundError:
            versions[lib] = None
    return versions


def git_revision(repo: Path = REPO_ROOT) -> dict[str, str | bool | None]:
    """The commit of `repo` and whether its work tree is dirty; None values if unknown.

    Works when git is not installed or `repo` is not a git repository.
    """
    commit = _git(repo, "rev-parse", "HEAD")
    if commit is None:
        return {"commit": None, "dirty": None}
    status = _git(repo, "status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": None if status is None else bool(status)}


def _git(repo: Path, *args: str) -> str | None:
    """Output of a git command in `repo`, or None if it cannot be run or fails."""
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def problem_lines(source: str, problems: list[str]) -> list[str]:
    """The lines reporting the problems of one user file (scenario or experiment): the
    problem alone, or a first line "N problems in FILE:" and then one line each."""
    if len(problems) > 1:
        return [f"{len(problems)} problems in {source}:", *problems]
    return list(problems)


def read_user_file(path: Path, what: str, error: type[Exception]) -> str:
    """The text of a file a user named; a missing or unreadable file raises `error` with one
    line naming the file and `what` it should be (e.g. "scenario file").

    A UTF-8 byte-order mark at the start (Windows editors write one) is accepted and
    dropped: TOML forbids it, but the text after it is the user's file all the same.
    """
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise error(f"{path}: {what} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read {what} ({exc})") from None


DISK_FULL = {errno.ENOSPC, errno.EDQUOT}
NOT_WRITABLE = {errno.EACCES, errno.EPERM, errno.EROFS}


def is_write_fault(exc: BaseException) -> bool:
    """Whether `exc` is a fault of the disk or folder written to (full, read-only, no
    permission), as opposed to a bug."""
    return isinstance(exc, OSError) and (exc.errno in DISK_FULL | NOT_WRITABLE
                                         or "No space left" in str(exc))


def describe_write_error(exc: OSError, where: str | Path, resumable: str = "") -> str:
    """One line for a failed write: what happened, where, and what to do.

    Args:
        exc: the error (errno ENOSPC/EDQUOT: disk full; EACCES/EPERM/EROFS: not writable).
        where: the output folder (named when the error has no file name).
        resumable: appended advice, e.g. "run the same command again to resume".
    """
    path = exc.filename or where
    if exc.errno in DISK_FULL or "No space left" in str(exc):
        text = f"the disk is full: cannot write {path}; free some space"
    elif exc.errno in NOT_WRITABLE:
        text = (f"cannot write to {path}: {os.strerror(exc.errno).lower()} (a read-only or "
                "unwritable folder); fix its permissions or choose another output folder")
    else:
        text = f"cannot write {path}: {exc.strerror or exc}"
    return f"{text}; {resumable}" if resumable else text
