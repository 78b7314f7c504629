"""The meeting service's views port in memory, kept from public events as the projection
keeps its tables, for use-case tests on ``services.kit.fakes.FakeService``."""

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any
from uuid import UUID

from yishi_contracts import (
    CouncilCompositionChanged, Envelope, MeetingScheduled, ResearchCompleted, ResolutionAdopted, TopicDeferred,
    TopicDropped, TopicScreened, TopicSubmitted,
)
from yishi_contracts.lifecycle import status_marked_by
from yishi_contracts.settings import EffectiveSettings

from services.kit.fakes import FakeService, FixedClock
from services.kit.registry import CommunityNames
from services.meeting.app import CODEC
from services.meeting.domain import AgendaCandidate, MeetingClosed, MeetingOpened
from services.meeting.domain.roster import RosterMember
from services.meeting.service_layer.ports import MeetingSummary, Roster, stream_id
from tests.support.registry import MemoryRegistry

OUTCOMES = {ResolutionAdopted: "adopted", TopicDeferred: "deferred", TopicDropped: "dropped"}


class FakeMeetingViews:
    def __init__(self) -> None:
        self.topics: dict[UUID, AgendaCandidate] = {}
        self.councils: dict[UUID, tuple[str, Roster]] = {}
        self.convened: dict[UUID, MeetingScheduled] = {}
        self.outcomes: dict[UUID, dict[str, str]] = {}
        self.registry = MemoryRegistry()
        """The registry's replica: communities' names and settings (none set: the city's defaults)."""
        self.streams: Mapping[str, list[object]] = {}
        """The event store's streams, for whether a meeting has opened or closed."""

    # -- kept from public events (the projection) -------------------------------------

    def apply(self, envelope: Envelope[Any]) -> None:
        e = envelope.data
        match e:
            case TopicSubmitted():
                self._topic(e, title=e.title)
            case TopicScreened():
                self._topic(e, category=getattr(e.decision, "category", None))
            case ResearchCompleted():
                earlier = self._candidate(e.topic_id, e.community_id).researched_at
                if earlier is None or earlier <= e.completed_at:
                    self._topic(e, feasibility=str(e.feasibility), consultation_plan=e.consultation_plan,
                                invitees=tuple(e.invitees))
                self._step(e.topic_id, e.community_id, e, envelope.time)
            case CouncilCompositionChanged():
                self._roster(e)
            case MeetingScheduled():
                self.convened[e.meeting_id] = e
                for topic_id in e.topic_ids:
                    self._step(topic_id, e.community_id, e, envelope.time)
            case _ if status_marked_by(e) is not None:  # a reopening, or a meeting's outcome
                if type(e) in OUTCOMES:
                    self.outcomes.setdefault(e.meeting_id, {})[str(e.topic_id)] = OUTCOMES[type(e)]
                self._step(e.topic_id, e.community_id, e, envelope.time)

    def _candidate(self, topic_id: UUID, community_id: str) -> AgendaCandidate:
        return self.topics.get(topic_id) or AgendaCandidate(topic_id, community_id)

    def _topic(self, e: Any, **values: Any) -> None:
        self.topics[e.topic_id] = replace(self._candidate(e.topic_id, e.community_id), **values)

    def _step(self, topic_id: UUID, community_id: str, e: Any, sent_at: datetime) -> None:
        status = status_marked_by(e)
        assert status is not None
        self.topics[topic_id] = self._candidate(topic_id, community_id).seen(status, _step_time(e, sent_at))

    def _roster(self, e: CouncilCompositionChanged) -> None:
        kept = self.councils.get(e.council_id)
        if kept is not None and kept[1].changed_at > e.changed_at:
            return
        members = tuple(RosterMember(m.member_id, m.category, m.term_start, m.term_end) for m in e.fixed_members)
        published = [m.model_dump(mode="json") for m in e.fixed_members]
        self.councils[e.council_id] = (e.community_id, Roster(e.council_id, e.chair_id, e.chair_name, members,
                                                              published, e.changed_at))

    # -- the port ---------------------------------------------------------------------

    async def roster(self, community_id: str) -> Roster | None:
        rosters = [r for c, r in self.councils.values() if c == community_id]
        return max(rosters, key=lambda r: (r.changed_at, -r.council_id.int), default=None)

    async def candidates(
        self, community_id: str, topic_ids: Sequence[UUID] | None = None
    ) -> dict[UUID, AgendaCandidate]:
        found = [c for c in self.topics.values()
                 if c.community_id == community_id and (topic_ids is None or c.topic_id in topic_ids)]
        found.sort(key=lambda c: (c.researched_at is None, c.researched_at or datetime.min, c.topic_id))
        return {c.topic_id: c for c in found}

    async def titles(self, topic_ids: Sequence[UUID]) -> dict[UUID, str | None]:
        return {t: self.topics[t].title for t in topic_ids if t in self.topics}

    async def rules(self, community_id: str, at: datetime) -> EffectiveSettings:
        return self.registry.effective_at(community_id, at)

    async def community_names(self, community_id: str) -> CommunityNames:
        return self.registry.names(community_id)

    async def names_of(self, codes: Sequence[str]) -> dict[str, CommunityNames]:
        return {code: self.registry.names(code) for code in codes}

    async def meetings(self, community_id: str) -> list[MeetingSummary]:
        found = []
        for e in self.convened.values():
            if e.community_id != community_id:
                continue
            stream = self.streams.get(stream_id(e.meeting_id), [])
            found.append(MeetingSummary(
                e.meeting_id, e.council_id, e.scheduled_for, e.place, list(e.topic_ids),
                opened=any(isinstance(x, MeetingOpened) for x in stream),
                closed=any(isinstance(x, MeetingClosed) for x in stream),
                outcomes=dict(self.outcomes.get(e.meeting_id, {})),
            ))
        return sorted(found, key=lambda m: (-m.scheduled_for.timestamp(), m.meeting_id))


def _step_time(e: Any, sent_at: datetime) -> datetime:
    """When an event's step happened, as the projection reads it: the event's own time,
    else (a meeting scheduled) when it was sent."""
    for name in ("completed_at", "reopened_at", "adopted_at", "deferred_at", "dropped_at"):
        if hasattr(e, name):
            return getattr(e, name)
    return sent_at


def fake_service(clock: FixedClock | None = None) -> FakeService[FakeMeetingViews]:
    """The meeting service in memory, its views seeing its store's streams."""
    views = FakeMeetingViews()
    service = FakeService(views, service="meeting", codec=CODEC, clock=clock)
    views.streams = service.store.streams
    return service

