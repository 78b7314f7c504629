"""The public board (公开栏) and publication's lookups, kept from all four services' public events,
and the reactions that start a disclosure and record escalation grounds.

No personal data: titles, codes and dates only. Each step writes its own columns (times keep
their latest value), so events arriving in any order give the same row; the status is derived
when read (adapters/views.py). Steps are written a batch at a time; a resolution and its
disclosure one event at a time, in order. Publication's own events come back from its Kafka topic too, so
a rebuild from offset 0 restores everything; applied inline first, they are not applied twice.
"""

from collections.abc import Iterator
from typing import Any, TypeAlias
from uuid import UUID

import asyncpg
import yishi_contracts as c
from yishi_contracts import COUNCIL, INTAKE, MEETING, PUBLICATION, Envelope

from services.kit import registry
from services.kit.ports import Service
from services.kit.projection import Projection

from .adapters import board, receipt_checks, tasks_view
from .adapters.board import Mark
from .ledger.projection import with_ledger
from .service_layer.config import PublicationConfig
from .service_layer.disclosures import start_disclosure
from .service_layer.escalation import ground_from_screening
from .service_layer.ports import PublicationViews

TABLES = ["board", "resolutions", "disclosures", "receipt_checks", tasks_view.TABLE, *registry.TABLES]
Conn: TypeAlias = asyncpg.Connection


def _data(envelopes: list[Envelope[Any]]) -> Iterator[Any]:
    return (e.data for e in envelopes)


def build_projection(runtime: Service[PublicationViews], config: PublicationConfig | None = None) -> Projection:
    config = config or PublicationConfig.from_env()
    view = Projection("public_board", tables=TABLES, topics=[INTAKE.topic, COUNCIL.topic, MEETING.topic, PUBLICATION.topic])
    registry.keep_registry(view)  # the communities' names and settings (公示期, 逾期宽限)

    @view.on_batch(c.TopicSubmitted)
    async def on_topic_submitted(conn: Conn, es: list[Envelope[c.TopicSubmitted]]) -> None:
        await board.mark(conn, [
            Mark(t.topic_id, t.community_id, {"submitted_at": t.submitted_at},
                 {"title": t.title, "source": t.source.value, "channel": t.channel.value})
            for t in _data(es)
        ])
        await receipt_checks.keep(conn, [(t.topic_id, t.receipt_check) for t in _data(es) if t.receipt_check])

    @view.on_batch(c.TopicResubmitted)
    async def on_topic_resubmitted(conn: Conn, es: list[Envelope[c.TopicResubmitted]]) -> None:
        await board.mark(conn, [Mark(t.topic_id, t.community_id, {"resubmitted_at": t.resubmitted_at}) for t in _data(es)])

    @view.on_batch(c.TopicScreened)
    async def on_topic_screened(conn: Conn, es: list[Envelope[c.TopicScreened]]) -> None:
        await board.mark(conn, [
            Mark(s.topic_id, s.community_id, {"screened_at": s.screened_at}, {
                "screening_outcome": s.decision.outcome, "category": getattr(s.decision, "category", None),
                "exclusion_reason": getattr(s.decision, "reason", None),
                "merged_into": getattr(s.decision, "merged_into", None),
                "exclusion_explanation": getattr(s.decision, "explanation", None),
                "referral": getattr(s.decision, "referral", None),
                "referral_note": getattr(s.decision, "referral_note", None),
            })
            for s in _data(es)
        ])

    @view.reacts_to(c.TopicScreened)
    async def react_to_topic_screened(conn: Conn, e: Envelope[c.TopicScreened]) -> None:
        await ground_from_screening(runtime, runtime.on(conn), e)

    @view.on_batch(c.ResearchCompleted)
    async def on_research_completed(conn: Conn, es: list[Envelope[c.ResearchCompleted]]) -> None:
        await board.mark(conn, [Mark(r.topic_id, r.community_id, {"researched_at": r.completed_at}) for r in _data(es)])

    @view.on_batch(c.ResearchReopened)
    async def on_research_reopened(conn: Conn, es: list[Envelope[c.ResearchReopened]]) -> None:
        await board.mark(conn, [
            Mark(r.topic_id, r.community_id, {"research_reopened_at": r.reopened_at}, {"research_reopen_cause": r.cause})
            for r in _data(es)
        ])

    @view.on_batch(c.MeetingScheduled)
    async def on_meeting_scheduled(conn: Conn, es: list[Envelope[c.MeetingScheduled]]) -> None:
        await board.mark(conn, [
            Mark(topic_id, e.data.community_id, {"scheduled_at": e.time}, {"meeting_scheduled_for": e.data.scheduled_for})
            for e in es for topic_id in e.data.topic_ids
        ])

    @view.on_batch(c.TopicDeferred)
    async def on_topic_deferred(conn: Conn, es: list[Envelope[c.TopicDeferred]]) -> None:
        await board.mark(conn, [Mark(d.topic_id, d.community_id, {"deferred_at": d.deferred_at}) for d in _data(es)])

    @view.on_batch(c.TopicDropped)
    async def on_topic_dropped(conn: Conn, es: list[Envelope[c.TopicDropped]]) -> None:
        await board.mark(conn, [Mark(d.topic_id, d.community_id, {"dropped_at": d.dropped_at}) for d in _data(es)])

    # A resolution and its disclosure follow batch order: the disclosure a later step ends is
    # the one opened before it, and the board shows the latest resolution saved.
    @view.on(c.ResolutionAdopted)
    async def on_resolution_adopted(conn: Conn, e: Envelope[c.ResolutionAdopted]) -> None:
        r = e.data
        await board.save_resolution(conn, r.resolution_id, r.topic_id, r.community_id, r.adopted_at, r.model_dump(mode="json"))
        latest = await board.latest_resolution(conn, r.topic_id)
        assert latest is not None  # saved just now
        await board.mark(conn, [Mark(r.topic_id, r.community_id, {"resolved_at": r.adopted_at},
                                     {"resolution_text": latest["text"], "resolution_id": UUID(latest["resolution_id"])})])

    @view.reacts_to(c.ResolutionAdopted)
    async def react_to_resolution_adopted(conn: Conn, e: Envelope[c.ResolutionAdopted]) -> None:
        await start_disclosure(runtime, runtime.on(conn), e, config)

    @view.on(c.DisclosureStarted)
    async def on_disclosure_started(conn: Conn, e: Envelope[c.DisclosureStarted]) -> None:
        s = e.data
        await board.open_disclosure(conn, s.resolution_id, s.topic_id, s.community_id, s.published_at, s.ends_at)
        await board.mark(conn, [Mark(s.topic_id, s.community_id, {"disclosed_at": s.published_at},
                                     {"disclosure_ends_at": s.ends_at})])

    @view.on(c.TopicReturnedToCouncil)
    async def on_topic_returned_to_council(conn: Conn, e: Envelope[c.TopicReturnedToCouncil]) -> None:
        await board.end_disclosure(conn, e.data.topic_id, "returned", e.data.resolution_id)
        await board.mark(conn, [Mark(e.data.topic_id, e.data.community_id, {"returned_to_council_at": e.data.returned_at})])

    @view.on(c.ImplementationStarted)
    async def on_implementation_started(conn: Conn, e: Envelope[c.ImplementationStarted]) -> None:
        await board.end_disclosure(conn, e.data.topic_id, "concluded")
        await board.mark(conn, [Mark(e.data.topic_id, e.data.community_id,
                                     {"implementation_started_at": e.data.started_at, "implementation_round": e.data.round})])
        await tasks_view.started(conn, [e.data])

    @view.on_batch(c.TaskProgressed)
    async def on_task_progressed(conn: Conn, es: list[Envelope[c.TaskProgressed]]) -> None:
        await tasks_view.progressed(conn, list(_data(es)))

    @view.on_batch(c.ImplementationCompleted)
    async def on_implementation_completed(conn: Conn, es: list[Envelope[c.ImplementationCompleted]]) -> None:
        await board.mark(conn, [
            Mark(i.topic_id, i.community_id, {"implemented_at": i.completed_at}, {"implemented_on_time": i.on_time})
            for i in _data(es)
        ])

    @view.on_batch(c.ImplementationReopened)
    async def on_implementation_reopened(conn: Conn, es: list[Envelope[c.ImplementationReopened]]) -> None:
        await board.mark(conn, [
            Mark(i.topic_id, i.community_id, {"reopened_at": i.reopened_at, "implementation_round": i.round})
            for i in _data(es)
        ])

    @view.on_batch(c.TopicClosed)
    async def on_topic_closed(conn: Conn, es: list[Envelope[c.TopicClosed]]) -> None:
        await board.mark(conn, [Mark(t.topic_id, t.community_id, {"closed_at": t.closed_at}) for t in _data(es)])

    @view.on_batch(c.MatterEscalated)
    async def on_matter_escalated(conn: Conn, es: list[Envelope[c.MatterEscalated]]) -> None:
        await board.mark(conn, [
            Mark(m.topic_id, m.community_id, {"escalated_at": m.escalated_at}, {"escalation_kind": m.kind.value})
            for m in _data(es)
        ])

    return with_ledger(view)  # the ledger (台账) keeps its facts from the same events
