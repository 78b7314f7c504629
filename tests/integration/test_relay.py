"""The outbox relay on real Kafka and PostgreSQL: killed at any point, nothing is lost,
and what goes out twice is applied once."""

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path
from uuid import uuid4

import asyncpg
from yishi_contracts import Envelope

from services.kit import eventstore
from services.kit.binding import from_kafka
from services.kit.db import create_pool
from services.kit.projection import Projection, apply_once
from services.kit.relay import OutboxRelay, build_producer
from services.kit.topics import ensure_topics
from tests.support.eventually import eventually
from tests.support.kafka_reading import read_all
from tests.unit.factories import submitted

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


async def _append_versions(pool: asyncpg.Pool, topic: str, streams: int, versions: int) -> dict[str, list]:
    """``versions`` events on each of ``streams`` streams (same key), version by version, a
    transaction per version; return each key's event ids in version order."""
    keys = [uuid4() for _ in range(streams)]
    order: dict[str, list] = {str(k): [] for k in keys}
    for version in range(versions):
        async with pool.acquire() as conn, conn.transaction():
            for key in keys:
                envelope = Envelope.wrap(submitted(key), source="/yishi/test")
                await eventstore.append(conn, stream_id=str(key), expected_version=version, envelopes=[envelope], topic=topic)
                order[str(key)].append(envelope.id)
    return order


async def _deleting_for(pool: asyncpg.Pool, seconds: float) -> bool:
    return bool(await pool.fetchval(
        "SELECT exists(SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'DELETE FROM outbox%'"
        " AND now() - query_start > make_interval(secs => $1))", seconds,
    ))


async def test_pipelined_relay_sigkilled_mid_flight_loses_nothing_and_keeps_each_key_in_order(
    infra, make_database, topic_prefix
) -> None:
    url = make_database("council")
    topic = f"{topic_prefix}relay"
    await ensure_topics(infra.bootstrap_servers, [topic], partitions=3, replication_factor=1)
    pool = await create_pool(url, max_size=2)
    batch = 100
    try:
        order = await _append_versions(pool, topic, streams=100, versions=20)
        # Deleting what Kafka acknowledged takes half a second: the kill lands while a delete
        # waits, and by then the pipelined relay has sent the next batch already.
        await pool.execute(
            "CREATE FUNCTION slow_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.5); RETURN NULL; END $$;"
            "CREATE TRIGGER slow_delete BEFORE DELETE ON outbox FOR EACH STATEMENT EXECUTE FUNCTION slow_delete()"
        )
        first = _relay_process(url, infra.bootstrap_servers, batch=batch)
        await eventually(lambda: pool.fetchval("SELECT count(*) FROM outbox"), lambda n: n <= 1800, what="two batches settled")
        await eventually(lambda: _deleting_for(pool, 0.25), bool, what="a delete under way")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        left = {r["event_id"] for r in await pool.fetch("SELECT event_id FROM outbox")}
        out = {from_kafka(r.headers, r.key, r.value).id for r in await read_all(infra.bootstrap_servers, topic)}
        assert 0 < len(left) < 2000, "the kill should land mid-stream"
        assert len(left & out) > batch, "the next batch was out before the previous one was deleted"

        await pool.execute("DROP TRIGGER slow_delete ON outbox")
        second = _relay_process(url, infra.bootstrap_servers, batch=batch)
        try:
            await eventually(lambda: pool.fetchval("SELECT count(*) FROM outbox"), lambda n: n == 0, what="outbox drained")
        finally:
            second.terminate()
            second.wait(timeout=20)
    finally:
        await pool.close()

    records = await read_all(infra.bootstrap_servers, topic)
    seen: dict[str, list] = {key: [] for key in order}
    for record in records:
        envelope = from_kafka(record.headers, record.key, record.value)
        if envelope.id not in seen[envelope.subject]:
            seen[envelope.subject].append(envelope.id)
    assert seen == order, "every event reached Kafka, each key's first in version order"
    assert await _applied_once(make_database, records) == 2000, "after dedupe each event counts once"
