"""The council's views port in memory, and a council service on the kit's in-memory fakes.

``FakeCouncilViews.apply`` keeps the topics from the public events as the inline projection
does (the status from ``yishi_contracts.lifecycle``, by each event's own time).
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from yishi_contracts import (
    Envelope,
    ResearchCompleted,
    ResearchReopened,
    Status,
    TopicResubmitted,
    TopicScreened,
    TopicSubmitted,
    status_marked_by,
    status_of,
)
from yishi_contracts.settings import lineage

from services.council.adapters.codec import CODEC
from services.council.domain.council import Council
from services.council.domain.duplicates import NOT_COMPARED
from services.council.domain.screening import AWAITING_SCREENING, ScreeningTemplate, TopicRef
from services.council.service_layer import councils
from services.council.service_layer.ports import TopicRecord
from services.kit.auth import Actor, Role
from services.kit.fakes import FakeService, FixedClock
from tests.unit.factories import submitted

from .builders import CATEGORIES, COMMUNITY, NOW, TERM


def _facts(event: Any) -> tuple[datetime, dict[str, Any]]:
    """When the event says it happened, and the topic's columns it sets."""
    if isinstance(event, TopicSubmitted):
        return event.submitted_at, dict(title=event.title, description=event.description, location=event.location,
                                        source=str(event.source), channel=str(event.channel),
                                        submitted_at=event.submitted_at)
    if isinstance(event, TopicResubmitted):
        return event.resubmitted_at, dict(resubmission_details=event.details)
    if isinstance(event, TopicScreened):
        return event.screened_at, dict(decision=event.decision.model_dump(mode="json"), screened_by=event.screened_by,
                                       screened_at=event.screened_at, council_id=event.council_id)
    if isinstance(event, ResearchCompleted):
        return event.completed_at, dict(research_completed_at=event.completed_at)
    if isinstance(event, ResearchReopened):
        return event.reopened_at, dict(research_reopened_at=event.reopened_at, reopen_cause=event.cause)
    raise TypeError(f"the fake views do not keep {type(event).__name__}")


class FakeCouncilViews:
    def __init__(self) -> None:
        self.rows: dict[UUID, dict[str, Any]] = {}
        self.steps: dict[UUID, list[tuple[datetime, Status]]] = {}
        self.councils: dict[str, UUID] = {}
        self.saved: dict[tuple[str, str], ScreeningTemplate] = {}

    def apply(self, envelope: Envelope[Any]) -> None:
        event = envelope.data
        marked = status_marked_by(event)
        if marked is None:  # not about a topic's life: the council's roster
            return
        at, columns = _facts(event)
        self.rows.setdefault(event.topic_id, {"topic_id": event.topic_id, "community_id": event.community_id})
        self.rows[event.topic_id].update(columns)
        self.steps.setdefault(event.topic_id, []).append((at, marked))

    def status(self, topic_id: UUID) -> Status | None:
        return status_of(self.steps.get(topic_id, []))

    def _record(self, topic_id: UUID) -> TopicRecord | None:
        row = self.rows.get(topic_id)
        if row is None or "submitted_at" not in row:
            return None
        return TopicRecord(**row, status=self.status(topic_id))

    def _submitted(self, community_id: str) -> list[TopicRecord]:
        found = [self._record(t) for t, row in self.rows.items() if row["community_id"] == community_id]
        return sorted((r for r in found if r is not None), key=lambda r: (r.submitted_at, r.topic_id))

    async def topic(self, topic_id: UUID) -> TopicRecord | None:
        return self._record(topic_id)

    async def awaiting(self, community_id: str, limit: int, offset: int) -> tuple[int, list[TopicRecord]]:
        waiting = [r for r in self._submitted(community_id) if r.status in AWAITING_SCREENING]
        return len(waiting), waiting[offset:offset + limit]

    async def comparable(self, community_id: str) -> list[TopicRef]:
        return [r.ref() for r in self._submitted(community_id) if r.status not in NOT_COMPARED]

    async def council_of(self, community_id: str) -> UUID | None:
        return self.councils.get(community_id)

    async def register_council(self, council_id: UUID, community_id: str, at: datetime) -> UUID | None:
        existing = self.councils.setdefault(community_id, council_id)
        return None if existing == council_id else existing

    async def save_template(self, community_id: str, template: ScreeningTemplate, by: str, at: datetime) -> None:
        self.saved[(community_id, template.name.strip())] = template

    async def templates(self, community_id: str) -> list[ScreeningTemplate]:
        nearest: dict[str, ScreeningTemplate] = {}
        for _, code in lineage(community_id):  # district, street, community: the nearer one wins
            nearest.update({name: t for (c, name), t in self.saved.items() if c == code})
        return sorted(nearest.values(), key=lambda t: (t.kind, t.reason is not None, t.reason or "", t.name))

    async def template(self, community_id: str, name: str) -> ScreeningTemplate | None:
        return next((t for t in await self.templates(community_id) if t.name == name.strip()), None)


PARTY = Actor("party-1", frozenset({Role.party_committee}), COMMUNITY)
STAFF = Actor("grid-7", frozenset({Role.staff}), COMMUNITY)
CHAIR = Actor("chair", frozenset({Role.council_chair}), COMMUNITY)


def member(member_id: str, community: str = COMMUNITY) -> Actor:
    return Actor(member_id, frozenset({Role.council_member}), community)


def council_service() -> FakeService[FakeCouncilViews]:
    return FakeService(FakeCouncilViews(), service="council", codec=CODEC, clock=FixedClock(NOW))


def submit(service: FakeService[FakeCouncilViews], title: str = "中山街无公厕", *, community: str = COMMUNITY,
           at: datetime = NOW, **over: Any) -> UUID:
    """A topic arrived from intake (as the projection would keep it)."""
    event = submitted(community_id=community, title=title, submitted_at=at, **over)
    service.views.apply(Envelope.wrap(event, source="/yishi/intake"))
    return event.topic_id


async def ready_council(service: Any, community: str = COMMUNITY, categories: list = CATEGORIES,
                        chair: bool = True) -> Council:
    """A council formed through the use cases: the chair, each member nominated and confirmed."""
    party = Actor("party-1", frozenset({Role.party_committee}), community)
    council = await councils.form(service, party, community)
    if chair:
        council = await councils.appoint_chair(service, party, council.council_id, "chair", "王书记")
    for i, category in enumerate(categories):
        await councils.nominate(service, party, council.council_id, f"m{i}", f"成员{i}", category, TERM)
        council = await councils.confirm(service, party, council.council_id, f"m{i}")
    return council
