"""SQL that keeps the meeting service's views from public events (the projection's side).

Events about one topic arrive from three Kafka topics in any order: each write touches
only the columns its event knows, and a step that can happen more than once keeps its
latest time (``greatest``), so any arrival order — and a rebuild — gives the same rows.
Nothing here decides what the steps mean: ``domain.agenda.AgendaCandidate`` does.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
from yishi_contracts import CouncilCompositionChanged, MeetingScheduled, ResearchCompleted
from yishi_contracts.lifecycle import Status

from services.kit.upsert import upsert_topic_row

STEP_COLUMNS: dict[Status, str] = {
    Status.researched: "researched_at",
    Status.researching: "reopened_at",
    Status.scheduled: "scheduled_at",
    Status.deferred: "deferred_at",
    Status.resolved: "resolved_at",
    Status.dropped: "dropped_at",
}
"""Where ``agenda_candidates`` keeps the latest time of each step of a topic's life."""


async def keep_topic(conn: asyncpg.Connection, envelope: Any, **values: Any) -> None:
    """A topic's title or category, as intake and council publish them."""
    await upsert_topic_row(conn, "agenda_candidates", envelope, **values)


async def keep_step(conn: asyncpg.Connection, topic_id: UUID, community_id: str, status: Status, at: datetime) -> None:
    """The latest time of one step of a topic's life."""
    await keep_steps(conn, [topic_id], community_id, status, at)


async def keep_steps(conn: asyncpg.Connection, topic_ids: Sequence[UUID], community_id: str, status: Status,
                     at: datetime) -> None:
    """The latest time of one step for several topics (a meeting scheduled with its agenda)."""
    column = STEP_COLUMNS[status]
    await conn.execute(
        f"INSERT INTO agenda_candidates (topic_id, community_id, {column}) "
        f"SELECT topic_id, $2, $3 FROM unnest($1::uuid[]) AS topic_id "
        f"ON CONFLICT (topic_id) DO UPDATE SET {column} = greatest(agenda_candidates.{column}, EXCLUDED.{column})",
        list(topic_ids), community_id, at,
    )


async def keep_research(conn: asyncpg.Connection, e: ResearchCompleted) -> None:
    """The latest completed research of a topic: its plan, its invitees and when it was completed."""
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


async def keep_roster(conn: asyncpg.Connection, e: CouncilCompositionChanged) -> None:
    """The latest snapshot of a council; an older one arriving late changes nothing."""
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


async def keep_meeting(conn: asyncpg.Connection, e: MeetingScheduled) -> None:
    await conn.execute(
        """
        INSERT INTO meetings (meeting_id, community_id, council_id, scheduled_for, place, topic_ids)
        VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (meeting_id) DO UPDATE SET
            scheduled_for = EXCLUDED.scheduled_for, place = EXCLUDED.place, topic_ids = EXCLUDED.topic_ids
        """,
        e.meeting_id, e.community_id, e.council_id, e.scheduled_for, e.place, e.topic_ids,
    )


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
