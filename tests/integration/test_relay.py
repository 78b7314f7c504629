"""The outbox relay on real Kafka and PostgreSQL: killed at any point, nothing is lost,
and what goes out twice is applied once."""

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import asyncpg

from services.kit.binding import from_kafka
from services.kit.db import create_pool
from services.kit.projection import Projection, apply_once
from services.kit.relay import OutboxRelay, build_producer
from services.kit.topics import ensure_topics
from tests.support.eventually import eventually
from tests.support.kafka_reading import read_all

from .events import append_submissions

ROOT = Path(__file__).resolve().parents[2]


def _relay_process(url: str, bootstrap: str, batch: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.relay_process", url, bootstrap, str(batch)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


async def _applied_once(make_database, records) -> int:
    """Feed every record through an idempotent projection that counts; return the count."""
    pool = await create_pool(make_database("council"), max_size=1)
    counting = Projection("counting", tables=["counted"], topics=[])

    @counting.on(type(from_kafka(records[0].headers, records[0].key, records[0].value).data))
    async def _count(conn: asyncpg.Connection, envelope) -> None:
        await conn.execute("UPDATE counted SET n = n + 1")

    try:
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute("CREATE TABLE counted (n int NOT NULL); INSERT INTO counted VALUES (0)")
            envelopes = [from_kafka(r.headers, r.key, r.value) for r in records]
            await apply_once(conn, counting, envelopes, service="test")
            return await conn.fetchval("SELECT n FROM counted")
    finally:
        await pool.close()


async def test_relay_sigkilled_mid_stream_then_restarted_loses_nothing(infra, make_database, topic_prefix) -> None:
    url = make_database("council")
    topic = f"{topic_prefix}relay"
    await ensure_topics(infra.bootstrap_servers, [topic], partitions=3, replication_factor=1)
    pool = await create_pool(url, max_size=2)
    try:
        expected = await append_submissions(pool, topic, 400)
        # Committed, not yet published: the relay is not running ("killed between commit and publish").
        assert await pool.fetchval("SELECT count(*) FROM outbox") == 400

        # One row per batch (a few ms each) so that the kill surely lands mid-stream.
        first = _relay_process(url, infra.bootstrap_servers, batch=1)
        await eventually(lambda: pool.fetchval("SELECT count(*) FROM outbox"), lambda n: n <= 360, what="some published")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        left = await pool.fetchval("SELECT count(*) FROM outbox")
        assert 0 < left < 400, "the kill should land mid-stream"

        second = _relay_process(url, infra.bootstrap_servers, batch=50)
        try:
            await eventually(lambda: pool.fetchval("SELECT count(*) FROM outbox"), lambda n: n == 0, what="outbox drained")
        finally:
            second.terminate()
            second.wait(timeout=20)
    finally:
        await pool.close()

    records = await read_all(infra.bootstrap_servers, topic)
    published = [from_kafka(r.headers, r.key, r.value).id for r in records]
    assert set(published) == set(expected), "every committed event reached Kafka"
    assert len(published) >= 400
    assert await _applied_once(make_database, records) == 400, "after dedupe each event counts once"


class _CrashBeforeForgetting(OutboxRelay):
    """Dies once after Kafka acknowledged a batch and before the outbox rows were deleted."""

    crashed = False

    async def _forget(self, conn, ids) -> None:
        if not self.crashed:
            type(self).crashed = True
            raise ConnectionResetError("relay died before deleting what it published")
        await super()._forget(conn, ids)


async def test_relay_dying_between_publish_and_delete_republishes_and_consumers_dedupe(
    infra, make_database, topic_prefix
) -> None:
    url = make_database("council")
    topic = f"{topic_prefix}relay"
    await ensure_topics(infra.bootstrap_servers, [topic], partitions=3, replication_factor=1)
    pool = await create_pool(url, max_size=2)
    producer = build_producer(infra.bootstrap_servers, "relay-crash-test")
    await producer.start()
    relay = _CrashBeforeForgetting(service="crash", database_url=url, producer=producer, batch_size=100, poll_seconds=0.2)
    task = asyncio.create_task(relay.run())
    try:
        expected = await append_submissions(pool, topic, 50, per_tx=50)
        await eventually(lambda: pool.fetchval("SELECT count(*) FROM outbox"), lambda n: n == 0, what="outbox drained")
    finally:
        relay.stop()
        await asyncio.wait_for(task, 10)
        await producer.stop()
        await pool.close()

    records = await read_all(infra.bootstrap_servers, topic)
    published = [from_kafka(r.headers, r.key, r.value).id for r in records]
    assert _CrashBeforeForgetting.crashed
    assert len(published) == 100 and set(published) == set(expected), "the batch went out twice"
    assert await _applied_once(make_database, records) == 50
