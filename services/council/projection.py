"""Council's view of topics (议题) and its reactions to other services' events.

The view: one ``screening_queue`` row per topic (read as ``council_topics``), following the
topic's whole life: intake's submission and resubmissions, council's own screenings and
research, the meeting's agenda, deferral, dropping and resolution, and publication's
disclosure, return, implementation, closing and escalation. Each event writes its own
step's columns and the status follows from ``yishi_contracts.lifecycle`` (adapters.topics_view).

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


async def _step(conn: Conn, envelope: Envelope[Any], status: Status, at: datetime, **values: Any) -> None:
    await topics_view.mark(conn, envelope.data.topic_id, envelope.data.community_id, status, at, **values)


def build_projection(runtime: ServiceRuntime[CouncilViews]) -> Projection:
    view = Projection(
        "screening_queue", tables=[topics_view.TABLE, *REGISTRY_TABLES],
        topics=[INTAKE.topic, COUNCIL.topic, MEETING.topic, PUBLICATION.topic],
    )

    @view.on(TopicSubmitted)
    async def on_topic_submitted(conn: Conn, envelope: Envelope[TopicSubmitted]) -> None:
        e = envelope.data
        await _step(conn, envelope, Status.submitted, e.submitted_at, title=e.title, description=e.description,
                    location=e.location, source=str(e.source), channel=str(e.channel))

    @view.on(TopicResubmitted)
    async def on_topic_resubmitted(conn: Conn, envelope: Envelope[TopicResubmitted]) -> None:
        e = envelope.data
        await _step(conn, envelope, Status.resubmitted, e.resubmitted_at, resubmission_details=e.details)

    @view.on(TopicScreened)
    async def on_topic_screened(conn: Conn, envelope: Envelope[TopicScreened]) -> None:
        e = envelope.data
        await _step(conn, envelope, Status(e.decision.outcome), e.screened_at, screened_outcome=e.decision.outcome,
                    council_id=e.council_id, decision=e.decision.model_dump(mode="json"), screened_by=e.screened_by)

    @view.on(ResearchCompleted)
    async def on_research_completed(conn: Conn, envelope: Envelope[ResearchCompleted]) -> None:
        await _step(conn, envelope, Status.researched, envelope.data.completed_at)

    @view.on(ResearchReopened)
    async def on_research_reopened(conn: Conn, envelope: Envelope[ResearchReopened]) -> None:
        e = envelope.data
        await _step(conn, envelope, Status.researching, e.reopened_at, reopen_cause=e.cause)

    @view.on(MeetingScheduled)
    async def on_meeting_scheduled(conn: Conn, envelope: Envelope[MeetingScheduled]) -> None:
        # The event says when the meeting will be, not when it was convened: that is its time.
        for topic_id in envelope.data.topic_ids:
            await topics_view.mark(conn, topic_id, envelope.data.community_id, Status.scheduled, envelope.time)

    @view.on(TopicDeferred)
    async def on_topic_deferred(conn: Conn, envelope: Envelope[TopicDeferred]) -> None:
        await _step(conn, envelope, Status.deferred, envelope.data.deferred_at)

    @view.on(TopicDropped)
    async def on_topic_dropped(conn: Conn, envelope: Envelope[TopicDropped]) -> None:
        await _step(conn, envelope, Status.dropped, envelope.data.dropped_at)

    @view.on(ResolutionAdopted)
    async def on_resolution_adopted(conn: Conn, envelope: Envelope[ResolutionAdopted]) -> None:
        await _step(conn, envelope, Status.resolved, envelope.data.adopted_at)

    @view.on(DisclosureStarted)
    async def on_disclosure_started(conn: Conn, envelope: Envelope[DisclosureStarted]) -> None:
        await _step(conn, envelope, Status.in_disclosure, envelope.data.published_at)

    @view.on(TopicReturnedToCouncil)
    async def on_topic_returned_to_council(conn: Conn, envelope: Envelope[TopicReturnedToCouncil]) -> None:
        await _step(conn, envelope, Status.returned_to_council, envelope.data.returned_at)

    @view.on(ImplementationStarted)
    async def on_implementation_started(conn: Conn, envelope: Envelope[ImplementationStarted]) -> None:
        await _step(conn, envelope, Status.implementing, envelope.data.started_at)

    @view.on(ImplementationReopened)
    async def on_implementation_reopened(conn: Conn, envelope: Envelope[ImplementationReopened]) -> None:
        await _step(conn, envelope, Status.reopened, envelope.data.reopened_at)

    @view.on(ImplementationCompleted)
    async def on_implementation_completed(conn: Conn, envelope: Envelope[ImplementationCompleted]) -> None:
        await _step(conn, envelope, Status.implemented, envelope.data.completed_at)

    @view.on(TopicClosed)
    async def on_topic_closed(conn: Conn, envelope: Envelope[TopicClosed]) -> None:
        await _step(conn, envelope, Status.closed, envelope.data.closed_at)

    @view.on(MatterEscalated)
    async def on_matter_escalated(conn: Conn, envelope: Envelope[MatterEscalated]) -> None:
        await _step(conn, envelope, Status.escalated, envelope.data.escalated_at)

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
