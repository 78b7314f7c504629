"""SQL over the meeting service's own tables: the views the projection keeps and the rules."""

from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from typing import Any
from uuid import UUID

import asyncpg
from yishi_contracts import MemberCategory

from ..domain.roster import RosterMember
from ..domain.rules import MeetingRules

RESEARCHED = "researched_at IS NOT NULL AND researched_at > coalesce(reopened_at, '-infinity'::timestamptz)"
UNDECIDED = "(decided_at IS NULL OR decided_at < researched_at)"


@dataclass(frozen=True)
class Roster:
    council_id: UUID
    chair_id: str | None
    chair_name: str | None
    members: tuple[RosterMember, ...]
    raw_members: list[dict[str, Any]]
    changed_at: datetime


async def roster(conn: asyncpg.Connection, community_id: str) -> Roster | None:
    """The community's council as last published (the latest snapshot of its latest council)."""
    row = await conn.fetchrow(
        "SELECT * FROM council_rosters WHERE community_id = $1 ORDER BY changed_at DESC, council_id LIMIT 1",
        community_id,
    )
    if row is None:
        return None
    members = tuple(
        RosterMember(
            m["member_id"], MemberCategory(m["category"]),
            date.fromisoformat(m["term_start"]), date.fromisoformat(m["term_end"]),
        )
        for m in row["fixed_members"]
    )
    return Roster(
        row["council_id"], row["chair_id"], row["chair_name"], members, row["fixed_members"], row["changed_at"]
    )


async def topics(conn: asyncpg.Connection, community_id: str, topic_ids: list[UUID]) -> dict[UUID, asyncpg.Record]:
    """The community's rows for these topics, with ``researched`` and ``decided`` derived."""
    rows = await conn.fetch(
        f"""
        SELECT topic_id, title, invitees, ({RESEARCHED}) AS researched, NOT ({UNDECIDED}) AS decided
        FROM agenda_candidates WHERE community_id = $1 AND topic_id = ANY($2::uuid[])
        """,
        community_id,
        topic_ids,
    )
    return {r["topic_id"]: r for r in rows}


async def ready(conn: asyncpg.Connection, community_id: str) -> list[asyncpg.Record]:
    return await conn.fetch(
        f"""
        SELECT topic_id, title, category, feasibility, consultation_plan, invitees, researched_at
        FROM agenda_candidates WHERE community_id = $1 AND {RESEARCHED} AND {UNDECIDED}
        ORDER BY researched_at, topic_id
        """,
        community_id,
    )


async def titles(conn: asyncpg.Connection, topic_ids: list[UUID]) -> dict[UUID, str | None]:
    rows = await conn.fetch(
        "SELECT topic_id, title FROM agenda_candidates WHERE topic_id = ANY($1::uuid[])", topic_ids
    )
    return {r["topic_id"]: r["title"] for r in rows}


async def rules(conn: asyncpg.Connection, community_id: str) -> MeetingRules:
    """The community's meeting rules, or the defaults (2/3 quorum, more than 1/2 to adopt)."""
    row = await conn.fetchrow("SELECT * FROM meeting_rules WHERE community_id = $1", community_id)
    if row is None:
        return MeetingRules()
    return MeetingRules(Fraction(row["quorum"]), Fraction(row["adoption"]), row["abstentions_count_as_present"])


async def save_rules(conn: asyncpg.Connection, community_id: str, value: MeetingRules, by: str, at: datetime) -> None:
    await conn.execute(
        """
        INSERT INTO meeting_rules (community_id, quorum, adoption, abstentions_count_as_present, updated_by, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (community_id) DO UPDATE SET quorum = EXCLUDED.quorum, adoption = EXCLUDED.adoption,
            abstentions_count_as_present = EXCLUDED.abstentions_count_as_present,
            updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at
        """,
        community_id, fraction_text(value.quorum), fraction_text(value.adoption),
        value.abstentions_count_as_present, by, at,
    )


def fraction_text(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


async def meetings(conn: asyncpg.Connection, community_id: str) -> list[asyncpg.Record]:
    """The community's meetings, newest first; whether opened or closed is read from the event store."""
    return await conn.fetch(
        """
        SELECT m.meeting_id, m.council_id, m.scheduled_for, m.place, m.topic_ids,
               CASE
                   WHEN bool_or(s.event_type = 'meeting.MeetingClosed.v1') THEN 'closed'
                   WHEN bool_or(s.event_type = 'meeting.MeetingOpened.v1') THEN 'open'
                   ELSE 'scheduled'
               END AS status,
               coalesce((SELECT jsonb_object_agg(o.topic_id::text, o.outcome) FROM meeting_outcomes o
                         WHERE o.meeting_id = m.meeting_id), '{}'::jsonb) AS outcomes
        FROM meetings m
        LEFT JOIN event_store s ON s.stream_id = 'meeting:' || m.meeting_id::text
        WHERE m.community_id = $1
        GROUP BY m.meeting_id
        ORDER BY m.scheduled_for DESC, m.meeting_id
        """,
        community_id,
    )
