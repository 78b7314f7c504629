"""A process's memory of the communities its registry replica lately said are open.

A submission asks whether its community is registered and active; the replica changes a few
times a year, the question comes with every submission. A :class:`KnownCommunities` keeps
the names of open communities it read for ``ttl_seconds``, so a busy community costs one
query per interval instead of one per request. Only open communities are kept: an unknown or
retired code is read every time (it is refused anyway, and may be registered any moment).

The replica's own handlers (``services.kit.registry``) call :func:`forget_everywhere` with
every batch of division events this process applies, so a retirement is heard at once here.
They run inside the consumer's transaction, before it commits: for ``settle_seconds`` after
that nothing is kept, so a read of the old row made meanwhile cannot stay. Another replica's
consumer applies the change to the shared database without telling this process: the entries
expire after ``ttl_seconds`` — a retirement then reaches this process that much later than the
replica, which already lags council by its consumer's delay.
"""

import time
import weakref
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # registry calls forget_everywhere: no import of it at run time
    from .registry import CommunityNames

TTL_SECONDS = 2.0
SETTLE_SECONDS = 1.0
MAX_ENTRIES = 20_000
"""More than a city's communities (5,000): beyond, the oldest are dropped."""

_EVERY: "weakref.WeakSet[KnownCommunities]" = weakref.WeakSet()


class KnownCommunities:
    def __init__(self, *, ttl_seconds: float = TTL_SECONDS, settle_seconds: float = SETTLE_SECONDS,
                 max_entries: int = MAX_ENTRIES, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl_seconds
        self._settle = settle_seconds
        self._max = max_entries
        self._clock = clock
        self._open: dict[str, tuple[float, "CommunityNames"]] = {}
        self._quiet_until = float("-inf")
        _EVERY.add(self)

    async def names(self, code: str, read: Callable[[str], Awaitable["CommunityNames"]]) -> "CommunityNames":
        """The code's names: kept ones if still fresh, else ``read(code)`` (kept if open)."""
        now = self._clock()
        kept = self._open.get(code)
        if kept is not None and kept[0] > now:
            return kept[1]
        names = await read(code)
        self._keep(names, now)
        return names

    def _keep(self, names: "CommunityNames", read_at: float) -> None:
        if not (names.registered and names.active) or read_at < self._quiet_until:
            self._open.pop(names.code, None)
            return
        if len(self._open) >= self._max and names.code not in self._open:
            del self._open[next(iter(self._open))]
        self._open[names.code] = (read_at + self._ttl, names)

    def forget(self) -> None:
        """Keep nothing now, nor for ``settle_seconds`` (the change is not committed yet)."""
        self._open.clear()
        self._quiet_until = self._clock() + self._settle


def forget_everywhere() -> None:
    """Every :class:`KnownCommunities` of the process forgets (the replica is changing)."""
    for known in list(_EVERY):
        known.forget()
