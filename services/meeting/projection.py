"""Meeting's views, kept from intake (titles), council (rosters, screening, research) and
the meeting's own public events — correct in any arrival order and rebuildable from Kafka.

- ``agenda_candidates``: one row per topic with its latest research and the latest time of
  each step of its life (``adapters.tables.STEP_COLUMNS``); whether it may go on an agenda
  is the domain's ``AgendaCandidate.researched``, decided when reading.
- ``council_rosters``: the latest snapshot of each council (CouncilCompositionChanged).
- ``meetings`` and ``meeting_outcomes``: what the meeting service has published.

Each handler takes a batch's events of its type and writes them together, except the
outcomes (adopted, deferred, dropped share one row per meeting and topic), one at a time.

- the registry's replica (``services.kit.registry``): community names for the PDFs and the
  settings that give a meeting its quorum and adoption.
"""

import asyncpg
from yishi_contracts import (
    COUNCIL, INTAKE, MEETING, CouncilCompositionChanged, Envelope, MeetingScheduled, ResearchCompleted,
    ResearchReopened, ResolutionAdopted, TopicDeferred, TopicDropped, TopicScreened, TopicSubmitted,
)
from yishi_contracts.lifecycle import Status, status_marked_by

from services.kit import registry
from services.kit.projection import Projection

from .adapters import tables

TABLES = ["agenda_candidates", "council_rosters", "meetings", "meeting_outcomes", *registry.TABLES]


def _step(event: object) -> Status:
    """The step of a topic's life the event marks, from the topic lifecycle's one table."""
    status = status_marked_by(event)
    if status is None:
        raise TypeError(f"{type(event).__name__} marks no step of a topic's life")
    return status


def build_projection() -> Projection:
    view = Projection("meeting_views", tables=TABLES, topics=[INTAKE.topic, COUNCIL.topic, MEETING.topic])
    registry.keep_registry(view)

    @view.on_batch(TopicSubmitted)
    async def on_topic_submitted(conn: asyncpg.Connection, envelopes: list[Envelope[TopicSubmitted]]) -> None:
        await tables.keep_topics(conn, [
            {"topic_id": e.data.topic_id, "community_id": e.data.community_id, "title": e.data.title} for e in envelopes
        ])

    @view.on_batch(TopicScreened)
    async def on_topic_screened(conn: asyncpg.Connection, envelopes: list[Envelope[TopicScreened]]) -> None:
        await tables.keep_topics(conn, [
            {"topic_id": e.data.topic_id, "community_id": e.data.community_id,
             "category": getattr(e.data.decision, "category", None)}
            for e in envelopes
        ])

    @view.on_batch(ResearchCompleted)
    async def on_research_completed(conn: asyncpg.Connection, envelopes: list[Envelope[ResearchCompleted]]) -> None:
        await tables.keep_research(conn, [e.data for e in envelopes])

    @view.on_batch(ResearchReopened)
    async def on_research_reopened(conn: asyncpg.Connection, envelopes: list[Envelope[ResearchReopened]]) -> None:
        await tables.keep_steps(conn, [
            (e.data.topic_id, e.data.community_id, _step(e.data), e.data.reopened_at) for e in envelopes
        ])

    @view.on_batch(CouncilCompositionChanged)
    async def on_council_composition_changed(
        conn: asyncpg.Connection, envelopes: list[Envelope[CouncilCompositionChanged]]
    ) -> None:
        await tables.keep_rosters(conn, [e.data for e in envelopes])

    @view.on_batch(MeetingScheduled)
    async def on_meeting_scheduled(conn: asyncpg.Connection, envelopes: list[Envelope[MeetingScheduled]]) -> None:
        await tables.keep_meetings(conn, [e.data for e in envelopes])
        # The event says when the meeting sits, not when it was convened: the envelope does.
        await tables.keep_steps(conn, [
            (topic_id, e.data.community_id, _step(e.data), e.time) for e in envelopes for topic_id in e.data.topic_ids
        ])

    # A meeting's outcome on a topic is one row whichever way it went: these follow batch order.
    @view.on(ResolutionAdopted)
    async def on_resolution_adopted(conn: asyncpg.Connection, envelope: Envelope[ResolutionAdopted]) -> None:
        e = envelope.data
        await tables.keep_outcome(conn, e, "adopted", e.adopted_at, e.resolution_id)
        await tables.keep_step(conn, e.topic_id, e.community_id, _step(e), e.adopted_at)

    @view.on(TopicDeferred)
    async def on_topic_deferred(conn: asyncpg.Connection, envelope: Envelope[TopicDeferred]) -> None:
        e = envelope.data
        await tables.keep_outcome(conn, e, "deferred", e.deferred_at)
        await tables.keep_step(conn, e.topic_id, e.community_id, _step(e), e.deferred_at)

    @view.on(TopicDropped)
    async def on_topic_dropped(conn: asyncpg.Connection, envelope: Envelope[TopicDropped]) -> None:
        e = envelope.data
        await tables.keep_outcome(conn, e, "dropped", e.dropped_at)
        await tables.keep_step(conn, e.topic_id, e.community_id, _step(e), e.dropped_at)

    return view
