"""Append-only event store with optimistic concurrency on (stream_id, version).

Appending also enqueues the events in the outbox — in the caller's transaction, so the
state change, the stored events and what will be published commit together or not at all.
Each event keeps the trace context it was recorded in (CloudEvents ``traceparent``).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
from yishi_contracts import Envelope

from . import tracing
from .outbox import enqueue


class ConcurrencyConflict(Exception):
    """Someone else appended to the stream first: reload and decide again."""

    def __init__(self, stream_id: str, expected_version: int) -> None:
        super().__init__(
            f"stream {stream_id} moved past version {expected_version} (并发修改冲突，请刷新后重试)"
        )
        self.stream_id = stream_id
        self.expected_version = expected_version


@dataclass(frozen=True)
class PrivateEvent:
    """A domain event a service keeps in its store but does not publish (an internal step)."""

    id: UUID
    type: str
    time: datetime
    subject: str
    community_id: str
    correlation_id: UUID
    causation_id: UUID | None
    data: dict[str, Any]
    traceparent: str | None = None
    tracestate: str | None = None

    def document(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "type": self.type,
            "time": self.time.isoformat(),
            "subject": self.subject,
            "communityid": self.community_id,
            "correlationid": str(self.correlation_id),
            "causationid": str(self.causation_id) if self.causation_id else None,
            "private": True,
            "traceparent": self.traceparent,
            "tracestate": self.tracestate,
            "data": self.data,
        }


Record = Envelope[Any] | PrivateEvent


@dataclass(frozen=True)
class StoredEvent:
    stream_id: str
    version: int
    envelope: dict[str, Any]


async def append(
    conn: asyncpg.Connection,
    *,
    stream_id: str,
    expected_version: int,
    envelopes: list[Record],
    topic: str,
) -> int:
    """Append after ``expected_version`` (0 for a new stream); return the new version.

    Public envelopes also go to the outbox; private events are only stored. Must run
    inside a transaction. Raises ConcurrencyConflict when the stream moved.
    """
    if not conn.is_in_transaction():
        raise RuntimeError("append() must run inside the caller's transaction")
    version = expected_version
    records = []
    envelopes = [tracing.stamped(record) for record in envelopes]  # the trace survives the outbox
    for record in envelopes:
        version += 1
        if isinstance(record, PrivateEvent):
            row = (record.id, record.type, record.community_id, record.correlation_id, record.causation_id,
                   record.time, record.document())
        else:
            row = (record.id, record.type, record.communityid, record.correlationid, record.causationid,
                   record.time, record.model_dump(mode="json"))
        records.append((stream_id, version, *row))
    try:
        async with conn.transaction():  # a savepoint: a conflict leaves the caller's transaction usable
            await conn.executemany(
                """
                INSERT INTO event_store (stream_id, version, event_id, event_type, community_id,
                                         correlation_id, causation_id, occurred_at, envelope)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                """,
                records,
            )
    except asyncpg.UniqueViolationError as exc:
        if exc.constraint_name == "event_store_stream_version":
            raise ConcurrencyConflict(stream_id, expected_version) from exc
        raise
    public = [r for r in envelopes if not isinstance(r, PrivateEvent)]
    if public:
        await enqueue(conn, topic, public)
    return version


async def load(conn: asyncpg.Connection, stream_id: str) -> list[StoredEvent]:
    rows = await conn.fetch(
        "SELECT stream_id, version, envelope FROM event_store WHERE stream_id = $1 ORDER BY version",
        stream_id,
    )
    return [StoredEvent(r["stream_id"], r["version"], r["envelope"]) for r in rows]


async def current_version(conn: asyncpg.Connection, stream_id: str) -> int:
    value = await conn.fetchval("SELECT max(version) FROM event_store WHERE stream_id = $1", stream_id)
    return value or 0
