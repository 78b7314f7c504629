"""SQL for the council's own tables: the topics view, councils by community, screening templates."""

from datetime import datetime
from uuid import UUID

import asyncpg

from ..domain.screening import ScreeningTemplate, TopicRef, TopicStatus

# A reopened topic is, for the domain's rules, an accepted topic under research again.
_DOMAIN_STATUS = {"reopened": TopicStatus.accepted}


async def topic_row(conn: asyncpg.Connection, topic_id: UUID) -> asyncpg.Record | None:
    """The council's row of a submitted topic (None until its submission has arrived)."""
    return await conn.fetchrow(
        "SELECT * FROM council_topics WHERE topic_id = $1 AND submitted_at IS NOT NULL", topic_id
    )


def as_ref(row: asyncpg.Record) -> TopicRef:
    status = _DOMAIN_STATUS.get(row["status"]) or TopicStatus(row["status"])
    return TopicRef(row["topic_id"], row["community_id"], row["title"], status, row["submitted_at"])


async def awaiting(conn: asyncpg.Connection, community_id: str, limit: int, offset: int) -> tuple[int, list[asyncpg.Record]]:
    where = "community_id = $1 AND submitted_at IS NOT NULL AND status IN ('submitted', 'resubmitted')"
    total = await conn.fetchval(f"SELECT count(*) FROM council_topics WHERE {where}", community_id)
    rows = await conn.fetch(
        f"SELECT * FROM council_topics WHERE {where} ORDER BY submitted_at, topic_id LIMIT $2 OFFSET $3",
        community_id, limit, offset,
    )
    return total, rows


async def comparable(conn: asyncpg.Connection, community_id: str) -> list[TopicRef]:
    """The community's submitted topics a new one could duplicate (not merged, not rejected)."""
    rows = await conn.fetch(
        "SELECT * FROM council_topics WHERE community_id = $1 AND submitted_at IS NOT NULL "
        "AND status NOT IN ('merged', 'rejected')",
        community_id,
    )
    return [as_ref(r) for r in rows]


async def council_of(conn: asyncpg.Connection, community_id: str) -> UUID | None:
    return await conn.fetchval("SELECT council_id FROM councils WHERE community_id = $1", community_id)


async def insert_council(conn: asyncpg.Connection, council_id: UUID, community_id: str, at: datetime) -> UUID | None:
    """Register the community's council; returns the existing council's id if it has one already."""
    inserted = await conn.fetchval(
        "INSERT INTO councils (council_id, community_id, formed_at) VALUES ($1, $2, $3) "
        "ON CONFLICT (community_id) DO NOTHING RETURNING council_id",
        council_id, community_id, at,
    )
    return None if inserted else await council_of(conn, community_id)


async def save_template(
    conn: asyncpg.Connection, community_id: str, template: ScreeningTemplate, by: str, at: datetime
) -> None:
    await conn.execute(
        """
        INSERT INTO screening_templates (community_id, name, kind, text, reason, referral, created_by, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        ON CONFLICT (community_id, name) DO UPDATE SET kind = EXCLUDED.kind, text = EXCLUDED.text,
            reason = EXCLUDED.reason, referral = EXCLUDED.referral, created_by = EXCLUDED.created_by,
            created_at = EXCLUDED.created_at
        """,
        community_id, template.name.strip(), template.kind, template.text.strip(), template.reason,
        template.referral, by, at,
    )


def _template(row: asyncpg.Record) -> ScreeningTemplate:
    return ScreeningTemplate(row["name"], row["kind"], row["text"], row["reason"], row["referral"])


async def templates(conn: asyncpg.Connection, community_id: str) -> list[ScreeningTemplate]:
    rows = await conn.fetch(
        "SELECT * FROM screening_templates WHERE community_id = $1 ORDER BY kind, reason NULLS FIRST, name",
        community_id,
    )
    return [_template(r) for r in rows]


async def template(conn: asyncpg.Connection, community_id: str, name: str) -> ScreeningTemplate | None:
    row = await conn.fetchrow(
        "SELECT * FROM screening_templates WHERE community_id = $1 AND name = $2", community_id, name.strip()
    )
    return _template(row) if row else None

