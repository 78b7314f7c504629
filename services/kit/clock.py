"""Time as a dependency, so that rules about periods and deadlines can be tested.

``OffsetClock`` moves a running service's time forward by the seconds written in a file
(``YISHI_CLOCK_OFFSET_FILE``): how an end-to-end test lets a 7-day disclosure period pass.
It is for tests and demonstrations only; a service using it says so in its log at start.
"""

import logging
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class OffsetClock:
    def __init__(self, offset_file: Path) -> None:
        self.offset_file = offset_file

    def offset(self) -> timedelta:
        try:
            return timedelta(seconds=float(self.offset_file.read_text().strip() or 0))
        except (OSError, ValueError):
            return timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset()


def clock_from_env() -> Clock:
    path = os.environ.get("YISHI_CLOCK_OFFSET_FILE")
    if not path:
        return SystemClock()
    log.warning("time is shifted by the seconds in %s (YISHI_CLOCK_OFFSET_FILE): for tests only", path)
    return OffsetClock(Path(path))
