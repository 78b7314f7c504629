"""The same work done by Yishi's own kit: the relay draining an outbox, a service's
projection catching up live, and ``rebuild`` replaying from offset 0."""

import asyncio
import time

import asyncpg
from yishi_contracts import INTAKE, Envelope

from services.kit.db import connect
from services.kit.outbox import enqueue
from services.kit.rebuild import rebuild
from services.kit.relay import OutboxRelay, build_producer
from services.kit.settings import KafkaSettings, ServiceSettings
from services.system.catalog import app_module

SERVICE = "council"  # its projection keeps one row per TopicSubmitted: the catch-up is easy to count
TABLE = "screening_queue"


def settings(database_url: str, bootstrap: str, prefix: str) -> ServiceSettings:
    return ServiceSettings(service=SERVICE, database_url=database_url,
                           kafka=KafkaSettings(bootstrap_servers=bootstrap, topic_prefix=prefix))


async def relay_drain(database_url: str, bootstrap: str, prefix: str, envelopes: list[Envelope]) -> float:
    """Fill the outbox, then let the relay publish it all: rows/s from its start to an empty outbox."""
    conn = await connect(database_url)
    try:
        for i in range(0, len(envelopes), 1000):
            async with conn.transaction():
                await enqueue(conn, f"{prefix}{INTAKE.topic}", envelopes[i:i + 1000])
        producer = build_producer(bootstrap, "bench-relay")
        await producer.start()
        relay = OutboxRelay(service=SERVICE, database_url=database_url, producer=producer, poll_seconds=0.05)
        started = time.perf_counter()
        task = asyncio.create_task(relay.run())
        while await conn.fetchval("SELECT exists(SELECT 1 FROM outbox)"):
            await asyncio.sleep(0.05)
        elapsed = time.perf_counter() - started
        relay.stop()
        await task
        await producer.stop()
        return len(envelopes) / elapsed
    finally:
        await conn.close()


async def _rows(conn: asyncpg.Connection) -> int:
    return await conn.fetchval(f"SELECT count(*) FROM {TABLE}")


async def live_catch_up(database_url: str, bootstrap: str, prefix: str, expected: int) -> float:
    """The service's own subscriber from offset 0: events/s between its first and last applied
    event (the consumer group's join time left out)."""
    runtime = app_module(SERVICE).build_runtime(settings(database_url, bootstrap, prefix))
    conn = await connect(database_url)
    await runtime.start()
    try:
        first_at, first_count = None, 0
        while True:
            count = await _rows(conn)
            now = time.perf_counter()
            if count and first_at is None:
                first_at, first_count = now, count
            if count >= expected:
                break
            await asyncio.sleep(0.1)
        return (expected - first_count) / max(now - first_at, 1e-6)
    finally:
        await runtime.stop()
        await conn.close()


async def replay(database_url: str, bootstrap: str, prefix: str) -> tuple[float, int]:
    """``yishi rebuild`` of the service's projection: events/s over the whole replay."""
    runtime = app_module(SERVICE).build_runtime(settings(database_url, bootstrap, prefix))
    started = time.perf_counter()
    report = await rebuild(service=SERVICE, projection=runtime.projection, database_url=database_url,
                           bootstrap_servers=bootstrap, topic_prefix=prefix)
    return report.events_applied / (time.perf_counter() - started), report.events_applied
