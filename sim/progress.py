"""Progress bars on stderr that stay visible wherever stderr goes.

On a terminal a bar redraws in place (tqdm). In a log, a pipe or CI, tqdm would either
hide the bar (`disable=None`) or write carriage returns that pile up on one line; here
it prints a plain line instead, at most every `LOG_INTERVAL` seconds, and a last line
when it ends, so a long command never looks stuck in a log.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

LOG_INTERVAL = 15.0  # seconds between progress lines in a log (a terminal redraws at 10 Hz)
LOG_WIDTH = 100  # characters of a progress line in a log (no terminal to measure)


class _Lines:
    """A stream for tqdm that turns each redraw into one plain line."""

    def __init__(self, stream: TextIO):
        self.stream = stream

    def write(self, text: str) -> None:
        line = text.replace("\r", "").replace("\x1b[A", "").strip()
        if line:
            self.stream.write(line + "\n")

    def flush(self) -> None:
        self.stream.flush()


def progress_bar(total: int, desc: str, unit: str, enabled: bool = True, **options: Any):
    """A tqdm bar on stderr (a context manager with `update` and `set_postfix`).

    Args:
        total: steps expected.
        desc: what is progressing (starts the line).
        unit: what a step is ("run", "sim", "month").
        enabled: False for no output at all (e.g. `--quiet`, library calls).
        options: other tqdm options (`initial`, `smoothing`).
    """
    from tqdm import tqdm

    stream = sys.stderr
    if stream.isatty():
        return tqdm(total=total, desc=desc, unit=unit, disable=not enabled, file=stream,
                    dynamic_ncols=True, **options)
    return tqdm(total=total, desc=desc, unit=unit, disable=not enabled, file=_Lines(stream),
                ncols=LOG_WIDTH, mininterval=LOG_INTERVAL, maxinterval=LOG_INTERVAL,
                ascii=True, **options)
