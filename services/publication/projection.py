"""The public board (公开栏) and publication's lookups, kept from all four services' public events,
and the reactions that start a disclosure and record escalation grounds.

No personal data: titles, codes and dates only. Each step writes its own columns (times keep
their latest value), so events arriving in any order give the same row; the status is derived
when read (adapters/views.py). Publication's own events come back from its Kafka topic too, so
a rebuild from offset 0 restores everything; applied inline first, they are not applied twice.
"""

from typing import TypeAlias
from uuid import UUID

import asyncpg
import yishi_contracts as c
from yishi_contracts import COUNCIL, INTAKE, MEETING, PUBLICATION, Envelope

from services.kit.ports import Service
from services.kit.projection import Projection

from .adapters import board
from .service_layer.config import PublicationConfig
from .service_layer.disclosures import start_disclosure
from .service_layer.escalation import ground_from_screening
from .service_layer.ports import PublicationViews

TABLES = ["board", "resolutions", "disclosures"]
Conn: TypeAlias = asyncpg.Connection


def build_projection(runtime: Service[PublicationViews], config: PublicationConfig | None = None) -> Projection:
    config = config or PublicationConfig.from_env()
    view = Projection("public_board", tables=TABLES, topics=[INTAKE.topic, COUNCIL.topic, MEETING.topic, PUBLICATION.topic])

    @view.on(c.TopicSubmitted)
    async def on_topic_submitted(conn: Conn, e: Envelope[c.TopicSubmitted]) -> None:
        t = e.data
        await board.mark(conn, t.topic_id, t.community_id, latest={"submitted_at": t.submitted_at},
                         title=t.title, source=t.source.value, channel=t.channel.value)

    @view.on(c.TopicResubmitted)
    async def on_topic_resubmitted(conn: Conn, e: Envelope[c.TopicResubmitted]) -> None:
        await board.mark(conn, e.data.topic_id, e.data.community_id, latest={"resubmitted_at": e.data.resubmitted_at})

    @view.on(c.TopicScreened)
    async def on_topic_screened(conn: Conn, e: Envelope[c.TopicScreened]) -> None:
        s, decision = e.data, e.data.decision
        await board.mark(
            conn, s.topic_id, s.community_id, latest={"screened_at": s.screened_at},
            screening_outcome=decision.outcome, category=getattr(decision, "category", None),
            exclusion_reason=getattr(decision, "reason", None), merged_into=getattr(decision, "merged_into", None),
        )

    @view.reacts_to(c.TopicScreened)
    async def react_to_topic_screened(conn: Conn, e: Envelope[c.TopicScreened]) -> None:
        await ground_from_screening(runtime, runtime.on(conn), e)

    @view.on(c.ResearchCompleted)
    async def on_research_completed(conn: Conn, e: Envelope[c.ResearchCompleted]) -> None:
        await board.mark(conn, e.data.topic_id, e.data.community_id, latest={"researched_at": e.data.completed_at})

    @view.on(c.ResearchReopened)
    async def on_research_reopened(conn: Conn, e: Envelope[c.ResearchReopened]) -> None:
        await board.mark(conn, e.data.topic_id, e.data.community_id, latest={"research_reopened_at": e.data.reopened_at},
                         research_reopen_cause=e.data.cause)

    @view.on(c.MeetingScheduled)
    async def on_meeting_scheduled(conn: Conn, e: Envelope[c.MeetingScheduled]) -> None:
        for topic_id in e.data.topic_ids:
            await board.mark(conn, topic_id, e.data.community_id, latest={"scheduled_at": e.time},
                             meeting_scheduled_for=e.data.scheduled_for)

    @view.on(c.TopicDeferred)
    async def on_topic_deferred(conn: Conn, e: Envelope[c.TopicDeferred]) -> None:
        await board.mark(conn, e.data.topic_id, e.data.community_id, latest={"deferred_at": e.data.deferred_at})

    @view.on(c.TopicDropped)
    async def on_topic_dropped(conn: Conn, e: Envelope[c.TopicDropped]) -> None:
        await board.mark(conn, e.data.topic_id, e.data.community_id, latest={"dropped_at": e.data.dropped_at})

    @view.on(c.ResolutionAdopted)
    async def on_resolution_adopted(conn: Conn, e: Envelope[c.ResolutionAdopted]) -> None:
        r = e.data
        await board.save_resolution(conn, r.resolution_id, r.topic_id, r.community_id, r.adopted_at, r.model_dump(mode="json"))
        latest = await board.latest_resolution(conn, r.topic_id)
        assert latest is not None  # saved just now
        await board.mark(conn, r.topic_id, r.community_id, latest={"resolved_at": r.adopted_at},
                         resolution_text=latest["text"], resolution_id=UUID(latest["resolution_id"]))

    @view.reacts_to(c.ResolutionAdopted)
    async def react_to_resolution_adopted(conn: Conn, e: Envelope[c.ResolutionAdopted]) -> None:
        await start_disclosure(runtime, runtime.on(conn), e, config)

    @view.on(c.DisclosureStarted)
    async def on_disclosure_started(conn: Conn, e: Envelope[c.DisclosureStarted]) -> None:
        s = e.data
        await board.open_disclosure(conn, s.resolution_id, s.topic_id, s.community_id, s.published_at, s.ends_at)
        await board.mark(conn, s.topic_id, s.community_id, latest={"disclosed_at": s.published_at},
                         disclosure_ends_at=s.ends_at)

    @view.on(c.TopicReturnedToCouncil)
    async def on_topic_returned_to_council(conn: Conn, e: Envelope[c.TopicReturnedToCouncil]) -> None:
        await board.end_disclosure(conn, e.data.topic_id, "returned", e.data.resolution_id)
        await board.mark(conn, e.data.topic_id, e.data.community_id, latest={"returned_to_council_at": e.data.returned_at})

    @view.on(c.ImplementationStarted)
    async def on_implementation_started(conn: Conn, e: Envelope[c.ImplementationStarted]) -> None:
        await board.end_disclosure(conn, e.data.topic_id, "concluded")
        await board.mark(conn, e.data.topic_id, e.data.community_id,
                         latest={"implementation_started_at": e.data.started_at, "implementation_round": e.data.round})

    @view.on(c.ImplementationCompleted)
    async def on_implementation_completed(conn: Conn, e: Envelope[c.ImplementationCompleted]) -> None:
        await board.mark(conn, e.data.topic_id, e.data.community_id, latest={"implemented_at": e.data.completed_at},
                         implemented_on_time=e.data.on_time)

    @view.on(c.ImplementationReopened)
    async def on_implementation_reopened(conn: Conn, e: Envelope[c.ImplementationReopened]) -> None:
        await board.mark(conn, e.data.topic_id, e.data.community_id,
                         latest={"reopened_at": e.data.reopened_at, "implementation_round": e.data.round})

    @view.on(c.TopicClosed)
    async def on_topic_closed(conn: Conn, e: Envelope[c.TopicClosed]) -> None:
        await board.mark(conn, e.data.topic_id, e.data.community_id, latest={"closed_at": e.data.closed_at})

    @view.on(c.MatterEscalated)
    async def on_matter_escalated(conn: Conn, e: Envelope[c.MatterEscalated]) -> None:
        await board.mark(conn, e.data.topic_id, e.data.community_id, latest={"escalated_at": e.data.escalated_at},
                         escalation_kind=e.data.kind.value)

    return view
