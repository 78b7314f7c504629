"""SQL that keeps the meeting service's views from public events (the projection's side).

Events about one topic arrive from three Kafka topics in any order: each write touches
only the columns its event knows, and a step that can happen more than once keeps its
latest time (``greatest``), so any arrival order — and a rebuild — gives the same rows.
Nothing here decides what the steps mean: ``domain.agenda.AgendaCandidate`` does.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
from yishi_contracts import CouncilCompositionChanged, MeetingScheduled, ResearchCompleted
from yishi_contracts.lifecycle import Status

from services.kit.upsert import upsert_rows

STEP_COLUMNS: dict[Status, str] = {
    Status.researched: "researched_at",
    Status.researching: "reopened_at",
    Status.scheduled: "scheduled_at",
    Status.deferred: "deferred_at",
    Status.resolved: "resolved_at",
    Status.dropped: "dropped_at",
}
"""Where ``agenda_candidates`` keeps the latest time of each step of a topic's life."""


async def keep_topics(conn: asyncpg.Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Topics' titles or categories, as intake and council publish them (``topic_id``,
    ``community_id`` and the same columns in every row)."""
    await upsert_rows(conn, "agenda_candidates", rows)


async def keep_step(conn: asyncpg.Connection, topic_id: UUID, community_id: str, status: Status, at: datetime) -> None:
    """The latest time of one step of a topic's life."""
    await keep_steps(conn, [(topic_id, community_id, status, at)])


async def keep_steps(conn: asyncpg.Connection, steps: Iterable[tuple[UUID, str, Status, datetime]]) -> None:
    """The latest time of steps of topics' lives, ``(topic_id, community_id, status, at)`` each
    (a batch of events, or a meeting scheduled with its agenda): one statement per step."""
    by_column: dict[str, list[dict[str, Any]]] = {}
    for topic_id, community_id, status, at in steps:
        column = STEP_COLUMNS[status]
        by_column.setdefault(column, []).append({"topic_id": topic_id, "community_id": community_id, column: at})
    for column, rows in by_column.items():
        await upsert_rows(conn, "agenda_candidates", rows, latest=(column,))


async def keep_research(conn: asyncpg.Connection, events: Sequence[ResearchCompleted]) -> None:
    """The latest completed research of each topic: its plan, its invitees and when it was completed."""
    rows = [
        {"topic_id": e.topic_id, "community_id": e.community_id, "council_id": e.council_id,
         "feasibility": str(e.feasibility), "consultation_plan": e.consultation_plan,
         "invitees": [i.model_dump(mode="json") for i in e.invitees], "researched_at": e.completed_at}
        for e in events
    ]
    await upsert_rows(conn, "agenda_candidates", rows, newest_by="researched_at")


async def keep_rosters(conn: asyncpg.Connection, events: Sequence[CouncilCompositionChanged]) -> None:
    """The latest snapshot of each council; an older one arriving late changes nothing."""
    rows = [
        {"council_id": e.council_id, "community_id": e.community_id, "chair_id": e.chair_id,
         "chair_name": e.chair_name, "fixed_members": [m.model_dump(mode="json") for m in e.fixed_members],
         "changed_at": e.changed_at}
        for e in events
    ]
    await upsert_rows(conn, "council_rosters", rows, key=("council_id",), inserted=(), newest_by="changed_at")


async def keep_meetings(conn: asyncpg.Connection, events: Sequence[MeetingScheduled]) -> None:
    """Meetings as scheduled: where and when they sit, on which topics."""
    rows = [
        {"meeting_id": e.meeting_id, "community_id": e.community_id, "council_id": e.council_id,
         "scheduled_for": e.scheduled_for, "place": e.place, "topic_ids": e.topic_ids}
        for e in events
    ]
    await upsert_rows(conn, "meetings", rows, key=("meeting_id",), inserted=("community_id", "council_id"))


async def keep_outcome(conn: asyncpg.Connection, e: Any, outcome: str, at: datetime,
                       resolution_id: UUID | None = None) -> None:
    """What a meeting decided on one of its topics (adopted, deferred, dropped)."""
    await conn.execute(
        """
        INSERT INTO meeting_outcomes (meeting_id, topic_id, community_id, outcome, resolution_id, decided_at)
        VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (meeting_id, topic_id) DO UPDATE
        SET outcome = EXCLUDED.outcome, resolution_id = EXCLUDED.resolution_id, decided_at = EXCLUDED.decided_at
        """,
        e.meeting_id, e.topic_id, e.community_id, outcome, resolution_id, at,
    )
