"""The council's views port: its topics view, councils by community, answer templates and the
city's registry (``registry_ports``).

``adapters.views.SqlCouncilViews`` is the PostgreSQL implementation; the unit tests have an
in-memory one (tests/unit/council/fakes.py).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from yishi_contracts import Status

from ..domain.screening import ScreeningTemplate, TopicRef
from .registry_ports import RegistryViews
from .topic_query import TopicPage, TopicQuery


@dataclass(frozen=True)
class TopicRecord:
    """The council's row of one submitted topic: the submission, the latest screening, the
    research dates and the status along the lifecycle."""

    topic_id: UUID
    community_id: str
    title: str
    description: str
    location: str | None
    source: str
    channel: str
    submitted_at: datetime
    status: Status
    resubmission_details: str | None = None
    decision: dict[str, Any] | None = None
    screened_by: str | None = None
    screened_at: datetime | None = None
    council_id: UUID | None = None
    research_completed_at: datetime | None = None
    research_reopened_at: datetime | None = None
    reopen_cause: str | None = None

    def ref(self) -> TopicRef:
        return TopicRef(self.topic_id, self.community_id, self.title, self.status, self.submitted_at)


class CouncilViews(RegistryViews, Protocol):
    async def topic(self, topic_id: UUID) -> TopicRecord | None:
        """The topic, once its submission has arrived (None before)."""
        ...

    async def awaiting(self, community_id: str, limit: int, offset: int) -> tuple[int, list[TopicRecord]]:
        """How many of the community's topics await screening, and one page of them, oldest first."""
        ...

    async def comparable(self, community_id: str) -> list[TopicRef]:
        """The community's submitted topics a new one could duplicate (not merged, not rejected)."""
        ...

    async def council_of(self, community_id: str) -> UUID | None: ...

    async def register_council(self, council_id: UUID, community_id: str, at: datetime) -> UUID | None:
        """Register the community's council; the existing council's id if it has one already."""
        ...

    async def save_template(self, community_id: str, template: ScreeningTemplate, by: str, at: datetime) -> None:
        """Save an answer template under its name, replacing one of the same name."""
        ...

    async def templates(self, community_id: str) -> list[ScreeningTemplate]: ...

    async def template(self, community_id: str, name: str) -> ScreeningTemplate | None: ...

    async def topic_list(self, query: TopicQuery) -> TopicPage:
        """How many submitted topics under ``query.within`` match its filters, and its page of them."""
        ...
