"""Intake's own tables: submissions with the private contact data, and the receipt view."""

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
from yishi_contracts import TopicSubmitted


async def find_by_idempotency_key(conn: asyncpg.Connection, key: str) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT topic_id, receipt_code FROM submissions WHERE idempotency_key = $1", key
    )


async def insert(
    conn: asyncpg.Connection,
    event: TopicSubmitted,
    *,
    receipt_code: str,
    contact_name: str | None,
    contact_phone: str | None,
    idempotency_key: str | None,
) -> None:
    await conn.execute(
        """
        INSERT INTO submissions (topic_id, receipt_code, community_id, contact_name, contact_phone,
                                 idempotency_key, submitted_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        """,
        event.topic_id,
        receipt_code,
        event.community_id,
        contact_name,
        contact_phone,
        idempotency_key,
        event.submitted_at,
    )


async def receipt_view(conn: asyncpg.Connection, receipt_code: str) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        """
        SELECT s.receipt_code, s.topic_id, s.community_id, s.submitted_at,
               p.title, p.status, p.history
        FROM submissions s LEFT JOIN topic_progress p USING (topic_id)
        WHERE s.receipt_code = $1
        """,
        receipt_code,
    )
    return dict(row) if row else None


async def contact_of(conn: asyncpg.Connection, topic_id: UUID) -> tuple[str | None, str | None, datetime] | None:
    row = await conn.fetchrow(
        "SELECT contact_name, contact_phone, submitted_at FROM submissions WHERE topic_id = $1", topic_id
    )
    return (row["contact_name"], row["contact_phone"], row["submitted_at"]) if row else None
