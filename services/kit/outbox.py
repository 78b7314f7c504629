"""The transactional outbox: what a transaction will publish, written in that transaction."""

from typing import Any

import asyncpg
from yishi_contracts import Envelope

from .binding import to_kafka


async def enqueue(conn: asyncpg.Connection, topic: str, envelopes: list[Envelope[Any]]) -> None:
    rows = []
    for envelope in envelopes:
        record = to_kafka(envelope)
        headers = {name: value.decode("utf-8") for name, value in record.headers}
        rows.append((envelope.id, topic, record.key, headers, record.value))
    await conn.executemany(
        "INSERT INTO outbox (event_id, topic, key, headers, value) VALUES ($1, $2, $3, $4, $5)", rows
    )


async def pending(conn: asyncpg.Connection) -> int:
    return await conn.fetchval("SELECT count(*) FROM outbox")
