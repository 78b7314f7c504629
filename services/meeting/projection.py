"""Meeting's views, kept from intake (titles), council (rosters, screening, research) and
the meeting's own public events — correct in any arrival order and rebuildable from Kafka.

- ``agenda_candidates``: one row per topic; research rounds and their reopening are kept
  as the latest time of each, so "researched" is derived when reading, never assumed.
- ``council_rosters``: the latest snapshot of each council (CouncilCompositionChanged).
- ``meetings`` and ``meeting_outcomes``: what the meeting service has published.

``meeting_rules`` is the service's own configuration, not a view: a rebuild leaves it alone.
"""

import asyncpg
from yishi_contracts import (
    COUNCIL, INTAKE, MEETING, CouncilCompositionChanged, Envelope, MeetingScheduled, ResearchCompleted,
    ResearchReopened, ResolutionAdopted, TopicDeferred, TopicDropped, TopicScreened, TopicSubmitted,
)

from services.kit.projection import Projection
from services.kit.runtime import ServiceRuntime
from services.kit.upsert import upsert_topic_row

TABLES = ["agenda_candidates", "council_rosters", "meetings", "meeting_outcomes"]


async def _latest(conn: asyncpg.Connection, envelope: Envelope, column: str, at: object) -> None:
    """Keep the latest time of a step that can happen more than once (names from code only)."""
    await conn.execute(
        f"INSERT INTO agenda_candidates (topic_id, community_id, {column}) VALUES ($1, $2, $3) "
        f"ON CONFLICT (topic_id) DO UPDATE SET {column} = greatest(agenda_candidates.{column}, EXCLUDED.{column})",
        envelope.data.topic_id, envelope.data.community_id, at,
    )


async def _outcome(conn: asyncpg.Connection, envelope: Envelope, outcome: str, at: object, resolution_id=None) -> None:
    e = envelope.data
    await conn.execute(
        """
        INSERT INTO meeting_outcomes (meeting_id, topic_id, community_id, outcome, resolution_id, decided_at)
        VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (meeting_id, topic_id) DO UPDATE
        SET outcome = EXCLUDED.outcome, resolution_id = EXCLUDED.resolution_id, decided_at = EXCLUDED.decided_at
        """,
        e.meeting_id, e.topic_id, e.community_id, outcome, resolution_id, at,
    )


def build_projection(runtime: ServiceRuntime | None = None) -> Projection:
    view = Projection("meeting_views", tables=TABLES, topics=[INTAKE.topic, COUNCIL.topic, MEETING.topic])

    @view.on(TopicSubmitted)
    async def _submitted(conn: asyncpg.Connection, envelope: Envelope[TopicSubmitted]) -> None:
        await upsert_topic_row(conn, "agenda_candidates", envelope, title=envelope.data.title)

    @view.on(TopicScreened)
    async def _screened(conn: asyncpg.Connection, envelope: Envelope[TopicScreened]) -> None:
        category = getattr(envelope.data.decision, "category", None)
        await upsert_topic_row(conn, "agenda_candidates", envelope, category=category)

    @view.on(ResearchCompleted)
    async def _researched(conn: asyncpg.Connection, envelope: Envelope[ResearchCompleted]) -> None:
        e = envelope.data
        await conn.execute(
            """
            INSERT INTO agenda_candidates
                (topic_id, community_id, council_id, feasibility, consultation_plan, invitees, researched_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (topic_id) DO UPDATE SET
                council_id = EXCLUDED.council_id, feasibility = EXCLUDED.feasibility,
                consultation_plan = EXCLUDED.consultation_plan, invitees = EXCLUDED.invitees,
                researched_at = EXCLUDED.researched_at
            WHERE agenda_candidates.researched_at IS NULL OR agenda_candidates.researched_at <= EXCLUDED.researched_at
            """,
            e.topic_id, e.community_id, e.council_id, str(e.feasibility), e.consultation_plan,
            [i.model_dump(mode="json") for i in e.invitees], e.completed_at,
        )

    @view.on(ResearchReopened)
    async def _reopened(conn: asyncpg.Connection, envelope: Envelope[ResearchReopened]) -> None:
        await _latest(conn, envelope, "reopened_at", envelope.data.reopened_at)

    @view.on(CouncilCompositionChanged)
    async def _roster(conn: asyncpg.Connection, envelope: Envelope[CouncilCompositionChanged]) -> None:
        e = envelope.data
        await conn.execute(
            """
            INSERT INTO council_rosters (council_id, community_id, chair_id, chair_name, fixed_members, changed_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (council_id) DO UPDATE SET
                community_id = EXCLUDED.community_id, chair_id = EXCLUDED.chair_id, chair_name = EXCLUDED.chair_name,
                fixed_members = EXCLUDED.fixed_members, changed_at = EXCLUDED.changed_at
            WHERE council_rosters.changed_at <= EXCLUDED.changed_at
            """,
            e.council_id, e.community_id, e.chair_id, e.chair_name,
            [m.model_dump(mode="json") for m in e.fixed_members], e.changed_at,
        )

    @view.on(MeetingScheduled)
    async def _scheduled(conn: asyncpg.Connection, envelope: Envelope[MeetingScheduled]) -> None:
        e = envelope.data
        await conn.execute(
            """
            INSERT INTO meetings (meeting_id, community_id, council_id, scheduled_for, place, topic_ids)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (meeting_id) DO UPDATE SET
                scheduled_for = EXCLUDED.scheduled_for, place = EXCLUDED.place, topic_ids = EXCLUDED.topic_ids
            """,
            e.meeting_id, e.community_id, e.council_id, e.scheduled_for, e.place, e.topic_ids,
        )

    @view.on(ResolutionAdopted)
    async def _adopted(conn: asyncpg.Connection, envelope: Envelope[ResolutionAdopted]) -> None:
        e = envelope.data
        await _outcome(conn, envelope, "adopted", e.adopted_at, e.resolution_id)
        await _latest(conn, envelope, "decided_at", e.adopted_at)

    @view.on(TopicDeferred)
    async def _deferred(conn: asyncpg.Connection, envelope: Envelope[TopicDeferred]) -> None:
        await _outcome(conn, envelope, "deferred", envelope.data.deferred_at)
        # Deferred means back to research: no agenda until a newer ResearchCompleted.
        await _latest(conn, envelope, "reopened_at", envelope.data.deferred_at)

    @view.on(TopicDropped)
    async def _dropped(conn: asyncpg.Connection, envelope: Envelope[TopicDropped]) -> None:
        await _outcome(conn, envelope, "dropped", envelope.data.dropped_at)
        await _latest(conn, envelope, "decided_at", envelope.data.dropped_at)

    return view
