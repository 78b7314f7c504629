"""SQL the projection writes publication's own tables with: the board, resolutions and disclosures.

Each step of a topic's life writes its own columns; a step's time column keeps the latest
time it happened (GREATEST), so any arrival order of the same events gives the same row.
The topic's status is derived from those columns when read (``views.py``).
"""

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg


async def mark(
    conn: asyncpg.Connection, topic_id: UUID, community_id: str, *, latest: dict[str, datetime] | None = None, **values: Any
) -> None:
    """Upsert a topic's board row: ``latest`` time columns keep their greatest value, ``values`` are set.

    Column names come from code only, never from input.
    """
    latest = latest or {}
    cols = [*latest, *values]
    sets = [f"{c} = GREATEST(board.{c}, EXCLUDED.{c})" for c in latest] + [f"{c} = EXCLUDED.{c}" for c in values]
    sql = (
        f"INSERT INTO board (topic_id, community_id, {', '.join(cols)}) "
        f"VALUES ($1, $2, {', '.join(f'${i + 3}' for i in range(len(cols)))}) "
        f"ON CONFLICT (topic_id) DO UPDATE SET {', '.join(sets)}"
    )
    await conn.execute(sql, topic_id, community_id, *latest.values(), *values.values())


async def save_resolution(conn: asyncpg.Connection, resolution_id: UUID, topic_id: UUID, community_id: str,
                          adopted_at: datetime, data: dict[str, Any]) -> None:
    await conn.execute(
        "INSERT INTO resolutions VALUES ($1, $2, $3, $4, $5) ON CONFLICT (resolution_id) DO NOTHING",
        resolution_id, topic_id, community_id, adopted_at, data,
    )


async def latest_resolution(conn: asyncpg.Connection, topic_id: UUID) -> dict[str, Any] | None:
    """The topic's latest resolution as stored (the ResolutionAdopted event's JSON)."""
    return await conn.fetchval(
        "SELECT data FROM resolutions WHERE topic_id = $1 ORDER BY adopted_at DESC LIMIT 1", topic_id
    )


async def open_disclosure(conn: asyncpg.Connection, resolution_id: UUID, topic_id: UUID, community_id: str,
                          published_at: datetime, ends_at: datetime) -> None:
    await conn.execute(
        "INSERT INTO disclosures VALUES ($1, $2, $3, $4, $5, 'open') ON CONFLICT (resolution_id) DO NOTHING",
        resolution_id, topic_id, community_id, published_at, ends_at,
    )


async def end_disclosure(conn: asyncpg.Connection, topic_id: UUID, state: str, resolution_id: UUID | None = None) -> None:
    """Close the topic's open disclosure (or the named one) as ``returned`` or ``concluded``."""
    await conn.execute(
        "UPDATE disclosures SET state = $2 WHERE topic_id = $1 AND state = 'open' AND ($3::uuid IS NULL OR resolution_id = $3)",
        topic_id, state, resolution_id,
    )
