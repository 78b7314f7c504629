"""Helpers for kit integration tests: events written through the real store and outbox."""

from uuid import UUID, uuid4

import asyncpg
from yishi_contracts import Envelope

from services.kit import eventstore
from tests.unit.factories import submitted


async def append_submissions(pool: asyncpg.Pool, topic: str, count: int, *, per_tx: int = 20) -> list[UUID]:
    """Append ``count`` TopicSubmitted events (one stream each), ``per_tx`` per transaction."""
    ids: list[UUID] = []
    for start in range(0, count, per_tx):
        async with pool.acquire() as conn, conn.transaction():
            for _ in range(min(per_tx, count - start)):
                envelope = Envelope.wrap(submitted(uuid4()), source="/yishi/test")
                await eventstore.append(
                    conn, stream_id=envelope.subject, expected_version=0, envelopes=[envelope], topic=topic
                )
                ids.append(envelope.id)
    return ids
