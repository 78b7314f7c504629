"""A rebuild's progress for the operator: events, rate and time left.

On a terminal one line is redrawn in place a few times a second; elsewhere (a Kubernetes
job's log, a pipe) a plain line is written every few seconds, and the last one at the end.
"""

import sys
import time
from typing import TextIO

from services.kit.rebuild import Progress


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def describe(label: str, progress: Progress) -> str:
    rate = progress.records_read / progress.seconds if progress.seconds > 0 else 0.0
    if progress.swapped:
        return (f"{label}: {progress.records_read:,} events in {_duration(progress.seconds)} "
                f"({rate:,.0f}/s), swapped in")
    share = progress.records_read / progress.records_total if progress.records_total else 1.0
    left = (progress.records_total - progress.records_read) / rate if rate > 0 else None
    eta = _duration(left) if left is not None else "?"
    return (f"{label}: {progress.records_read:,}/{progress.records_total:,} events ({share:.0%}), "
            f"{rate:,.0f}/s, ETA {eta}")


class ProgressLine:
    def __init__(self, label: str, out: TextIO | None = None, *, every_seconds: float | None = None) -> None:
        self._label = label
        self._out = out or sys.stdout
        self._tty = self._out.isatty()
        self._every = every_seconds if every_seconds is not None else (0.2 if self._tty else 5.0)
        self._shown_at = float("-inf")

    def __call__(self, progress: Progress) -> None:
        now = time.monotonic()
        if not progress.swapped and now - self._shown_at < self._every:
            return
        self._shown_at = now
        text = describe(self._label, progress)
        if self._tty:
            self._out.write(f"\r{text}\x1b[K" + ("\n" if progress.swapped else ""))
        else:
            self._out.write(text + "\n")
        self._out.flush()
