"""The registry's part of the council's views port: divisions and their settings, as kept
from the registry's events (``adapters.registry_views`` on PostgreSQL)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from yishi_contracts import DivisionLevel

from ..domain.settings import CommunitySettings


@dataclass(frozen=True)
class DivisionRecord:
    code: str
    level: DivisionLevel
    name: str
    parent_code: str
    active: bool
    registered_at: datetime
    renamed_at: datetime | None = None
    retired_at: datetime | None = None
    retire_reason: str | None = None


@dataclass(frozen=True)
class DivisionQuery:
    """Which divisions to list: under a division (the leading digits that are its own, the
    division itself left out), of a level, whose name or code contains ``text``; retired
    ones only when asked."""

    under_prefix: str | None = None
    level: DivisionLevel | None = None
    text: str | None = None
    include_retired: bool = False
    limit: int = 50
    offset: int = 0


class RegistryViews(Protocol):
    async def hold(self, code: str) -> None:
        """Keep the division from being retired until this transaction ends (a child is being registered)."""
        ...

    async def active_children(self, code: str) -> int:
        """How many divisions directly under ``code`` are active; waits for registrations under it
        in progress and keeps new ones out until this transaction ends."""
        ...

    async def division(self, code: str) -> DivisionRecord | None: ...

    async def divisions(self, codes: Sequence[str]) -> dict[str, DivisionRecord]: ...

    async def search(self, query: DivisionQuery) -> tuple[int, list[DivisionRecord]]:
        """How many divisions match, and one page of them in code order."""
        ...

    async def settings_of(self, codes: Sequence[str]) -> dict[str, CommunitySettings]:
        """Each code's own settings over time (codes that set nothing are left out)."""
        ...
