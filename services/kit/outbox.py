"""The transactional outbox: what a transaction will publish, written in that transaction."""

from dataclasses import dataclass
from typing import Any

import asyncpg
from yishi_contracts import Envelope

from .binding import to_kafka
from .metrics import OUTBOX_OLDEST_AGE, OUTBOX_PENDING


async def enqueue(conn: asyncpg.Connection, topic: str, envelopes: list[Envelope[Any]]) -> None:
    rows = []
    for envelope in envelopes:
        record = to_kafka(envelope)
        headers = {name: value.decode("utf-8") for name, value in record.headers}
        rows.append((envelope.id, topic, record.key, headers, record.value))
    await conn.executemany(
        "INSERT INTO outbox (event_id, topic, key, headers, value) VALUES ($1, $2, $3, $4, $5)", rows
    )


COUNT_UP_TO = 10_000


@dataclass(frozen=True)
class Backlog:
    pending: int
    """Exact up to COUNT_UP_TO rows; beyond, the planner's estimate (never below the bound)."""
    oldest_age_seconds: float
    """How long the oldest unpublished row has waited; 0 when the outbox is empty."""


async def backlog(conn: asyncpg.Connection) -> Backlog:
    """What waits to be published, cheaply: a bounded count and the first row by id (the
    primary key), never a count(*) of the whole table."""
    row = await conn.fetchrow(
        """
        SELECT (SELECT count(*) FROM (SELECT 1 FROM outbox LIMIT $1) AS bounded) AS counted,
               (SELECT reltuples FROM pg_class WHERE oid = 'outbox'::regclass) AS estimated,
               (SELECT extract(epoch FROM now() - created_at) FROM outbox ORDER BY id LIMIT 1) AS oldest
        """,
        COUNT_UP_TO,
    )
    pending = row["counted"] if row["counted"] < COUNT_UP_TO else max(COUNT_UP_TO, int(row["estimated"]))
    return Backlog(pending, max(0.0, float(row["oldest"] or 0)))


async def observe(conn: asyncpg.Connection, service: str) -> Backlog:
    """Read the backlog and set the service's outbox gauges."""
    found = await backlog(conn)
    OUTBOX_PENDING.labels(service).set(found.pending)
    OUTBOX_OLDEST_AGE.labels(service).set(found.oldest_age_seconds)
    return found
