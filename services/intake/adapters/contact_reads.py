"""The submitters' contacts and the record of their reads, on PostgreSQL."""

from uuid import UUID

import asyncpg

from ..domain.contact import ContactRead, SubmitterContact


async def submitter_contact(conn: asyncpg.Connection, topic_id: UUID) -> SubmitterContact | None:
    row = await conn.fetchrow(
        "SELECT topic_id, community_id, contact_name, contact_phone FROM submissions WHERE topic_id = $1", topic_id
    )
    if row is None:
        return None
    return SubmitterContact(row["topic_id"], row["community_id"], row["contact_name"], row["contact_phone"])


async def record(conn: asyncpg.Connection, read: ContactRead) -> None:
    await conn.execute(
        "INSERT INTO contact_reads (topic_id, community_id, reader_id, reader_roles, read_at) VALUES ($1, $2, $3, $4, $5)",
        read.topic_id, read.community_id, read.reader_id, list(read.reader_roles), read.read_at,
    )


async def within(conn: asyncpg.Connection, division: str, *, limit: int, offset: int) -> list[ContactRead]:
    rows = await conn.fetch(
        """
        SELECT topic_id, community_id, reader_id, reader_roles, read_at FROM contact_reads
        WHERE community_id LIKE $1 || '%'
        ORDER BY read_at DESC, read_id DESC LIMIT $2 OFFSET $3
        """,
        division, limit, offset,
    )
    return [ContactRead(r["topic_id"], r["community_id"], r["reader_id"], tuple(r["reader_roles"]), r["read_at"])
            for r in rows]
