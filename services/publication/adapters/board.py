"""SQL the projection writes publication's own tables with: the board, resolutions and disclosures.

Each step of a topic's life writes its own columns; a step's time column keeps the latest
time it happened (GREATEST), so any arrival order of the same events gives the same row.
The topic's status is derived from those columns when read (``views.py``).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from services.kit.upsert import upsert_rows


@dataclass(frozen=True)
class Mark:
    """A step on a topic's board row: ``latest`` columns keep their greatest value (times, a
    round), ``values`` are set."""

    topic_id: UUID
    community_id: str
    latest: Mapping[str, Any]
    values: Mapping[str, Any] = field(default_factory=dict)


async def mark(conn: asyncpg.Connection, marks: Sequence[Mark]) -> None:
    """Upsert topics' board rows, one statement per kind of step.

    Column names come from code only, never from input.
    """
    kinds: dict[tuple[tuple[str, ...], tuple[str, ...]], list[dict[str, Any]]] = {}
    for m in marks:
        kinds.setdefault((tuple(m.latest), tuple(m.values)), []).append(
            {"topic_id": m.topic_id, "community_id": m.community_id, **m.latest, **m.values})
    for (latest, _), rows in kinds.items():
        await upsert_rows(conn, "board", rows, latest=latest)


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
