"""Council's view of topics (议题) and its reactions to other services' events.

The view: one ``screening_queue`` row per topic (read as ``council_topics``), following the
topic's whole life: intake's submission and resubmissions, council's own screenings and
research, the meeting's agenda, deferral, dropping and resolution, and publication's
disclosure, return, implementation, closing and escalation. Each event writes its own
step's columns and the status follows from ``yishi_contracts.lifecycle`` (adapters.topics_view);
every handler takes a batch's events of its type and writes them in one statement.

The registry's divisions and settings are kept by ``registry_projection``.

The reactions (once per event, never on rebuild): a meeting's TopicDeferred and an upheld
objection's TopicReturnedToCouncil reopen the topic's research (ResearchReopened).
"""

from datetime import datetime
from typing import Any

import asyncpg
from yishi_contracts import (
    COUNCIL,
    INTAKE,
    MEETING,
    PUBLICATION,
    DisclosureStarted,
    Envelope,
    ImplementationCompleted,
    ImplementationReopened,
    ImplementationStarted,
    MatterEscalated,
    MeetingScheduled,
    ResearchCompleted,
    ResearchReopened,
    ResolutionAdopted,
    Status,
    TopicClosed,
    TopicDeferred,
    TopicDropped,
    TopicResubmitted,
    TopicReturnedToCouncil,
    TopicScreened,
    TopicSubmitted,
)

from services.kit.projection import Projection
from services.kit.runtime import ServiceRuntime

from .adapters import topics_view
from .registry_projection import TABLES as REGISTRY_TABLES
from .registry_projection import keep_registry
from .service_layer.ports import CouncilViews
from .service_layer.research import reopen_research

Conn = asyncpg.Connection


def _step(envelope: Envelope[Any], status: Status, at: datetime, **values: Any) -> topics_view.Step:
    """The step of its topic an event marks: the status, its time, the step's own columns."""
    return topics_view.Step(envelope.data.topic_id, envelope.data.community_id, status, at, values)


def build_projection(runtime: ServiceRuntime[CouncilViews]) -> Projection:
    view = Projection(
        "screening_queue", tables=[topics_view.TABLE, *REGISTRY_TABLES],
        topics=[INTAKE.topic, COUNCIL.topic, MEETING.topic, PUBLICATION.topic],
    )

    @view.on_batch(TopicSubmitted)
    async def on_topic_submitted(conn: Conn, envelopes: list[Envelope[TopicSubmitted]]) -> None:
        await topics_view.mark(conn, [
            _step(e, Status.submitted, e.data.submitted_at, title=e.data.title, description=e.data.description,
                  location=e.data.location, source=str(e.data.source), channel=str(e.data.channel))
            for e in envelopes
        ])

    @view.on_batch(TopicResubmitted)
    async def on_topic_resubmitted(conn: Conn, envelopes: list[Envelope[TopicResubmitted]]) -> None:
        await topics_view.mark(conn, [
            _step(e, Status.resubmitted, e.data.resubmitted_at, resubmission_details=e.data.details) for e in envelopes
        ])

    @view.on_batch(TopicScreened)
    async def on_topic_screened(conn: Conn, envelopes: list[Envelope[TopicScreened]]) -> None:
        await topics_view.mark(conn, [
            _step(e, Status(e.data.decision.outcome), e.data.screened_at, screened_outcome=e.data.decision.outcome,
                  council_id=e.data.council_id, decision=e.data.decision.model_dump(mode="json"),
                  screened_by=e.data.screened_by)
            for e in envelopes
        ])

    @view.on_batch(ResearchCompleted)
    async def on_research_completed(conn: Conn, envelopes: list[Envelope[ResearchCompleted]]) -> None:
        await topics_view.mark(conn, [_step(e, Status.researched, e.data.completed_at) for e in envelopes])

    @view.on_batch(ResearchReopened)
    async def on_research_reopened(conn: Conn, envelopes: list[Envelope[ResearchReopened]]) -> None:
        await topics_view.mark(conn, [
            _step(e, Status.researching, e.data.reopened_at, reopen_cause=e.data.cause) for e in envelopes
        ])

    @view.on_batch(MeetingScheduled)
    async def on_meeting_scheduled(conn: Conn, envelopes: list[Envelope[MeetingScheduled]]) -> None:
        # The event says when the meeting will be, not when it was convened: that is its time.
        await topics_view.mark(conn, [
            topics_view.Step(topic_id, e.data.community_id, Status.scheduled, e.time)
            for e in envelopes for topic_id in e.data.topic_ids
        ])

    @view.on_batch(TopicDeferred)
    async def on_topic_deferred(conn: Conn, envelopes: list[Envelope[TopicDeferred]]) -> None:
        await topics_view.mark(conn, [_step(e, Status.deferred, e.data.deferred_at) for e in envelopes])

    @view.on_batch(TopicDropped)
    async def on_topic_dropped(conn: Conn, envelopes: list[Envelope[TopicDropped]]) -> None:
        await topics_view.mark(conn, [_step(e, Status.dropped, e.data.dropped_at) for e in envelopes])

    @view.on_batch(ResolutionAdopted)
    async def on_resolution_adopted(conn: Conn, envelopes: list[Envelope[ResolutionAdopted]]) -> None:
        await topics_view.mark(conn, [_step(e, Status.resolved, e.data.adopted_at) for e in envelopes])

    @view.on_batch(DisclosureStarted)
    async def on_disclosure_started(conn: Conn, envelopes: list[Envelope[DisclosureStarted]]) -> None:
        await topics_view.mark(conn, [_step(e, Status.in_disclosure, e.data.published_at) for e in envelopes])

    @view.on_batch(TopicReturnedToCouncil)
    async def on_topic_returned_to_council(conn: Conn, envelopes: list[Envelope[TopicReturnedToCouncil]]) -> None:
        await topics_view.mark(conn, [_step(e, Status.returned_to_council, e.data.returned_at) for e in envelopes])

    @view.on_batch(ImplementationStarted)
    async def on_implementation_started(conn: Conn, envelopes: list[Envelope[ImplementationStarted]]) -> None:
        await topics_view.mark(conn, [_step(e, Status.implementing, e.data.started_at) for e in envelopes])

    @view.on_batch(ImplementationReopened)
    async def on_implementation_reopened(conn: Conn, envelopes: list[Envelope[ImplementationReopened]]) -> None:
        await topics_view.mark(conn, [_step(e, Status.reopened, e.data.reopened_at) for e in envelopes])

    @view.on_batch(ImplementationCompleted)
    async def on_implementation_completed(conn: Conn, envelopes: list[Envelope[ImplementationCompleted]]) -> None:
        await topics_view.mark(conn, [_step(e, Status.implemented, e.data.completed_at) for e in envelopes])

    @view.on_batch(TopicClosed)
    async def on_topic_closed(conn: Conn, envelopes: list[Envelope[TopicClosed]]) -> None:
        await topics_view.mark(conn, [_step(e, Status.closed, e.data.closed_at) for e in envelopes])

    @view.on_batch(MatterEscalated)
    async def on_matter_escalated(conn: Conn, envelopes: list[Envelope[MatterEscalated]]) -> None:
        await topics_view.mark(conn, [_step(e, Status.escalated, e.data.escalated_at) for e in envelopes])

    @view.reacts_to(TopicDeferred)
    async def react_to_topic_deferred(conn: Conn, envelope: Envelope[TopicDeferred]) -> None:
        reason = f"会议暂缓，退回调研：{envelope.data.reason}"
        await reopen_research(runtime, runtime.on(conn), envelope, cause="deferred_by_meeting", reason=reason)

    @view.reacts_to(TopicReturnedToCouncil)
    async def react_to_topic_returned_to_council(conn: Conn, envelope: Envelope[TopicReturnedToCouncil]) -> None:
        e = envelope.data
        reason = f"公示期异议成立：{e.objection}；评估意见：{e.assessment}"
        await reopen_research(runtime, runtime.on(conn), envelope, cause="objection_upheld", reason=reason)

    keep_registry(view)
    return view
