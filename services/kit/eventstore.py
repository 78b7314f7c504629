"""Append-only event store with optimistic concurrency on (stream_id, version).

Appending also enqueues the events in the outbox — in the caller's transaction, so the
state change, the stored events and what will be published commit together or not at all.
Each event keeps the trace context it was recorded in (CloudEvents ``traceparent``).
"""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
from yishi_contracts import Envelope

from . import tracing
from .binding import to_kafka


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


_STORE = """
WITH new AS (
    SELECT * FROM unnest($2::int[], $3::uuid[], $4::text[], $5::text[], $6::uuid[], $7::uuid[], $8::timestamptz[],
                         $9::text[]) WITH ORDINALITY
        AS n(version, event_id, event_type, community_id, correlation_id, causation_id, occurred_at, envelope, ord)
), stored AS (
    INSERT INTO event_store (stream_id, version, event_id, event_type, community_id, correlation_id, causation_id,
                             occurred_at, envelope)
    SELECT $1, version, event_id, event_type, community_id, correlation_id, causation_id, occurred_at, envelope::jsonb
    FROM new
    WHERE NOT EXISTS (SELECT 1 FROM event_store WHERE stream_id = $1 AND version > $10)
    ORDER BY ord
    ON CONFLICT ON CONSTRAINT event_store_stream_version DO NOTHING
    RETURNING event_id
)"""
_QUEUE = """, queued AS (
    INSERT INTO outbox (event_id, topic, key, headers, value)
    SELECT o.event_id, $11, o.key, o.headers, o.value
    FROM unnest($12::uuid[], $13::bytea[], $14::jsonb[], $15::bytea[]) WITH ORDINALITY AS o(event_id, key, headers, value, ord)
    WHERE (SELECT count(*) FROM stored) = (SELECT count(*) FROM new)
    ORDER BY o.ord
)"""
_STORED = "\nSELECT coalesce(array_agg(event_id), '{}') FROM stored"
APPEND_PRIVATE = _STORE + _STORED
APPEND_PUBLISHED = _STORE + _QUEUE + _STORED
"""One statement, one round trip: the events after version ``$10`` unless the stream moved past
it, and — only when every one of them was stored — their outbox rows in order. ON CONFLICT
instead of an error keeps the caller's transaction usable without a savepoint's two extra
round trips. Private events alone write no outbox row (nor wake the relay)."""


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
    inside a transaction. Raises ConcurrencyConflict when the stream moved, leaving nothing
    of this append behind and the transaction usable.
    """
    if not conn.is_in_transaction():
        raise RuntimeError("append() must run inside the caller's transaction")
    envelopes = [tracing.stamped(record) for record in envelopes]  # the trace survives the outbox
    columns: list[list[Any]] = [[] for _ in range(8)]
    for version, record in enumerate(envelopes, start=expected_version + 1):
        if isinstance(record, PrivateEvent):
            row = (version, record.id, record.type, record.community_id, record.correlation_id, record.causation_id,
                   record.time, json.dumps(record.document()))
        else:
            row = (version, record.id, record.type, record.communityid, record.correlationid, record.causationid,
                   record.time, record.model_dump_json())  # JSON text at once, not a dict json.dumps walks
        for column, value in zip(columns, row):
            column.append(value)
    public = [r for r in envelopes if not isinstance(r, PrivateEvent)]
    if public:
        stored = await conn.fetchval(APPEND_PUBLISHED, stream_id, *columns, expected_version, topic, *outbox_rows(public))
    else:
        stored = await conn.fetchval(APPEND_PRIVATE, stream_id, *columns, expected_version)
    if len(stored) != len(envelopes):
        if stored:  # a concurrent writer committed part of these versions while this statement ran
            await conn.execute("DELETE FROM event_store WHERE event_id = ANY($1::uuid[])", stored)
        raise ConcurrencyConflict(stream_id, expected_version)
    return expected_version + len(envelopes)


def outbox_rows(envelopes: list[Envelope[Any]]) -> tuple[list[Any], list[bytes], list[dict[str, str]], list[bytes]]:
    """The outbox's columns (event id, key, headers, value) for the envelopes, as the relay sends them."""
    ids, keys, headers, values = [], [], [], []
    for envelope in envelopes:
        record = to_kafka(envelope)
        ids.append(envelope.id)
        keys.append(record.key)
        headers.append({name: value.decode("utf-8") for name, value in record.headers})
        values.append(record.value)
    return ids, keys, headers, values


async def load(conn: asyncpg.Connection, stream_id: str) -> list[StoredEvent]:
    rows = await conn.fetch(
        "SELECT stream_id, version, envelope FROM event_store WHERE stream_id = $1 ORDER BY version",
        stream_id,
    )
    return [StoredEvent(r["stream_id"], r["version"], r["envelope"]) for r in rows]


async def current_version(conn: asyncpg.Connection, stream_id: str) -> int:
    value = await conn.fetchval("SELECT max(version) FROM event_store WHERE stream_id = $1", stream_id)
    return value or 0
