"""The meeting service's views port: what its use cases read and keep besides its streams.

``adapters.views.SqlMeetingViews`` is the PostgreSQL implementation (the projection's
tables and the registry's replica); ``tests/unit/meeting/fakes.py`` the in-memory one.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from yishi_contracts import MemberCategory
from yishi_contracts.settings import EffectiveSettings

from services.kit.registry import CommunityNames

from ..domain import AgendaCandidate, MeetingStatus, NamedMember
from ..domain.roster import RosterMember
from ..domain.status import status_from
from .meeting_query import MeetingPage, MeetingQuery


def stream_id(meeting_id: UUID) -> str:
    """A meeting's stream in the event store."""
    return f"meeting:{meeting_id}"


@dataclass(frozen=True)
class Roster:
    """A community's council as last published (CouncilCompositionChanged)."""

    council_id: UUID
    chair_id: str | None
    chair_name: str | None
    members: tuple[RosterMember, ...]
    published_members: list[dict[str, Any]]
    """The fixed members as the council service published them (names, categories, terms)."""
    changed_at: datetime

    def named(self, member_ids: frozenset[str] | None = None) -> tuple[NamedMember, ...]:
        """The published names of these fixed members (all, if None), for the meeting to keep."""
        return tuple(
            NamedMember(m["member_id"], m["name"], MemberCategory(m["category"]))
            for m in self.published_members
            if member_ids is None or m["member_id"] in member_ids
        )


@dataclass(frozen=True)
class MeetingSummary:
    """One convened meeting in a community's list: when, where, what, and how far it went."""

    meeting_id: UUID
    council_id: UUID
    scheduled_for: datetime
    place: str
    topic_ids: list[UUID]
    opened: bool
    closed: bool
    outcomes: dict[str, str]
    """Each decided topic's outcome (adopted, deferred, dropped), by topic id."""

    @property
    def status(self) -> MeetingStatus:
        return status_from(opened=self.opened, closed=self.closed)


class MeetingViews(Protocol):
    async def roster(self, community_id: str) -> Roster | None:
        """The community's council as last published, or None before any."""
        ...

    async def candidates(
        self, community_id: str, topic_ids: Sequence[UUID] | None = None
    ) -> dict[UUID, AgendaCandidate]:
        """The community's topics as a meeting sees them (these ones, or all), oldest research first."""
        ...

    async def titles(self, topic_ids: Sequence[UUID]) -> dict[UUID, str | None]: ...

    async def rules(self, community_id: str, at: datetime) -> EffectiveSettings:
        """The community's settings for what starts at ``at`` (council's 议事设置, kept in the
        registry's replica): quorum and adoption inherited community ← street ← district ← city."""
        ...

    async def community_names(self, community_id: str) -> CommunityNames:
        """The community's names with its street and district, from the registry's replica."""
        ...

    async def names_of(self, codes: Sequence[str]) -> dict[str, CommunityNames]:
        """Each community's names with its street and district (registry's replica, one round trip)."""
        ...

    async def meetings(self, community_id: str) -> list[MeetingSummary]:
        """The community's meetings, newest first."""
        ...

    async def meeting_page(self, query: MeetingQuery) -> MeetingPage:
        """How many of the community's (or division's) meetings match, and one page of them, newest first, with their agendas."""
        ...
