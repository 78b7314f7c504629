"""``rebuild`` into a shadow copy on real Kafka and PostgreSQL, while the live consumer serves:
what arrives during the rebuild is in the swapped-in projection, the tables keep their
indexes, constraints, views and sequences, and the swap never holds readers up for long."""

import asyncio
import io
import logging
import time
from uuid import UUID

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer
from yishi_contracts import COUNCIL, INTAKE, Envelope, TopicSubmitted

from services.council.app import build_runtime as council_runtime
from services.kit.binding import to_kafka
from services.kit.projection import Projection
from services.kit.rebuild import Progress, rebuild
from services.kit.runtime import ServiceRuntime
from services.system.progress import ProgressLine
from tests.support.eventually import eventually
from tests.unit.factories import screened, submitted

SEEN = """
CREATE TABLE seen (topic_id uuid PRIMARY KEY, community_id text NOT NULL CHECK (community_id <> ''), n bigserial)
    WITH (fillfactor = 90, toast.vacuum_truncate = false);
CREATE INDEX seen_by_community ON seen (community_id);
CREATE VIEW seen_view AS SELECT * FROM seen;
"""

CATALOG = """
SELECT 'index ' || indexname || ': ' || indexdef FROM pg_indexes WHERE tablename = ANY($1::text[])
UNION ALL SELECT 'constraint ' || conname || ': ' || pg_get_constraintdef(oid) FROM pg_constraint
          WHERE conrelid = ANY(SELECT to_regclass(t) FROM unnest($1::text[]) AS t)
UNION ALL SELECT 'view ' || viewname || ': ' || definition FROM pg_views WHERE schemaname = 'public'
UNION ALL SELECT 'sequence ' || t || ': ' || coalesce(pg_get_serial_sequence(t, 'n'), '-')
          FROM unnest($1::text[]) AS t WHERE EXISTS (SELECT 1 FROM information_schema.columns
                                                     WHERE table_name = t AND column_name = 'n')
UNION ALL SELECT 'schema ' || nspname FROM pg_namespace WHERE nspname LIKE 'yishi_%'
UNION ALL SELECT 'persistence ' || c.relname || ': ' || c.relpersistence::text FROM pg_class c
          WHERE c.oid = ANY(SELECT to_regclass(t) FROM unnest($1::text[]) AS t)
UNION ALL SELECT 'options ' || c.relname || ': ' || coalesce(c.reloptions::text, '-') || ' toast '
                 || coalesce(t.reloptions::text, '-') FROM pg_class c LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
          WHERE c.oid = ANY(SELECT to_regclass(t) FROM unnest($1::text[]) AS t)
ORDER BY 1
"""


def _seen_projection(gate: asyncio.Event | None = None) -> Projection:
    """One row per submission; a plain INSERT, so an event applied twice would fail loudly.
    With a ``gate``, the handler waits for it: a rebuild held at its first batch."""
    seen = Projection("seen", tables=["seen"], topics=[INTAKE.topic])

    @seen.on(TopicSubmitted)
    async def _see(conn: asyncpg.Connection, envelope: Envelope[TopicSubmitted]) -> None:
        if gate is not None:
            await gate.wait()
        await conn.execute("INSERT INTO seen (topic_id, community_id) VALUES ($1, $2)",
                           envelope.data.topic_id, envelope.data.community_id)

    return seen


@pytest.fixture
async def producer(infra):
    producer = AIOKafkaProducer(bootstrap_servers=infra.bootstrap_servers, acks="all", enable_idempotence=True)
    await producer.start()
    yield producer
    await producer.stop()


async def _submit(producer: AIOKafkaProducer, topic: str, sent: list[UUID], count: int = 1) -> None:
    for _ in range(count):
        event = submitted(community_id=f"33010200{len(sent) % 7:04d}")
        record = to_kafka(Envelope.wrap(event, source="/yishi/intake"))
        await producer.send_and_wait(topic, record.value, key=record.key, headers=record.headers)
        sent.append(event.topic_id)


async def _keep_submitting(producer: AIOKafkaProducer, topic: str, sent: list[UUID], stop: asyncio.Event) -> None:
    while not stop.is_set():
        await _submit(producer, topic, sent)
        await asyncio.sleep(0.01)


async def _copy_made(conn: asyncpg.Connection, rebuilding: asyncio.Task) -> bool:
    if rebuilding.done():
        rebuilding.result()  # the rebuild's own failure, if it failed
    return await conn.fetchval("SELECT to_regclass('yishi_rebuild.seen') IS NOT NULL")


async def _seen_service(settings_for, make_database) -> tuple[ServiceRuntime, str]:
    url = make_database("council")
    conn = await asyncpg.connect(url)
    await conn.execute(SEEN)
    await conn.close()
    runtime = ServiceRuntime(settings_for("council", url), stream=COUNCIL, projection=_seen_projection())
    await runtime.start()
    return runtime, url


async def test_events_arriving_during_a_rebuild_are_in_the_swapped_projection(
    infra, make_database, settings_for, producer
) -> None:
    runtime, url = await _seen_service(settings_for, make_database)
    conn = await asyncpg.connect(url)
    topic = runtime.settings.kafka.topic(INTAKE.topic)
    sent: list[UUID] = []
    try:
        await _submit(producer, topic, sent, 200)
        await eventually(lambda: conn.fetchval("SELECT count(*) FROM seen"), lambda n: n == 200, what="live applied")
        catalog = await conn.fetch(CATALOG, ["seen", "processed_events"])

        gate, progress = asyncio.Event(), []
        rebuilding = asyncio.create_task(rebuild(
            service="council", projection=_seen_projection(gate), database_url=url,
            bootstrap_servers=infra.bootstrap_servers, topic_prefix=runtime.settings.kafka.topic_prefix,
            batch_size=50, progress=progress.append,
        ))
        await eventually(lambda: _copy_made(conn, rebuilding), bool, what="the copy made")
        assert await conn.fetchval(  # while the bulk is written, the copy is not in the WAL
            "SELECT relpersistence::text FROM pg_class WHERE oid = 'yishi_rebuild.seen'::regclass") == "u"
        assert await conn.fetchrow(  # nor does autovacuum scan it again and again as it grows
            "SELECT c.reloptions, t.reloptions AS toast FROM pg_class c JOIN pg_class t ON t.oid = c.reltoastrelid"
            " WHERE c.oid = 'yishi_rebuild.seen'::regclass") == (
            ["fillfactor=90", "autovacuum_enabled=false"], ["vacuum_truncate=false", "autovacuum_enabled=false"])
        stop = asyncio.Event()
        submitting = asyncio.create_task(_keep_submitting(producer, topic, sent, stop))
        # The live consumer goes on serving from the real tables while the rebuild is held.
        await eventually(lambda: conn.fetchval("SELECT count(*) FROM seen_view"), lambda n: n >= 300, what="live serves")
        gate.set()
        report = await asyncio.wait_for(rebuilding, 120)  # the submissions go on through the swap
        await asyncio.sleep(0.3)
        stop.set()
        await submitting

        await eventually(lambda: conn.fetchval("SELECT count(*) FROM seen"), lambda n: n == len(sent), what="all applied")
        assert {r["topic_id"] for r in await conn.fetch("SELECT topic_id FROM seen")} == set(sent)
        assert await conn.fetchval("SELECT count(*) FROM processed_events") == len(sent)
        assert await conn.fetchval("SELECT count(*) FROM seen_view") == len(sent)
        assert report.records_read >= 300, "the rebuild read what arrived after it started too"
        assert await conn.fetch(CATALOG, ["seen", "processed_events"]) == catalog, "same indexes, views, sequence"
        await conn.execute("INSERT INTO seen (topic_id, community_id) SELECT gen_random_uuid(), 'x'")  # the sequence works

        reads = [p.records_read for p in progress]
        assert reads == sorted(reads) and progress[-1].swapped
        assert progress[-1].records_read == progress[-1].records_total == report.records_read
    finally:
        await conn.close()
        await runtime.stop()


async def test_council_rebuilt_aside_keeps_its_rows_indexes_and_view(infra, make_database, settings_for, producer) -> None:
    url = make_database("council")
    runtime = council_runtime(settings_for("council", url))
    await runtime.start()
    conn = await asyncpg.connect(url)
    try:
        intake, council = (runtime.settings.kafka.topic(s.topic) for s in (INTAKE, COUNCIL))
        events = [submitted(community_id=f"33010200{i % 3:04d}") for i in range(40)]
        for event in events:
            record = to_kafka(Envelope.wrap(event, source="/yishi/intake"))
            await producer.send_and_wait(intake, record.value, key=record.key, headers=record.headers)
        for event in events[:10]:
            record = to_kafka(Envelope.wrap(screened(event.topic_id, event.community_id), source="/yishi/council"))
            await producer.send_and_wait(council, record.value, key=record.key, headers=record.headers)
        await eventually(lambda: conn.fetchval("SELECT count(*) FROM processed_events"), lambda n: n == 50, what="applied")
        tables = [*runtime.projection.tables, "processed_events"]
        catalog = await conn.fetch(CATALOG, tables)
        rows = await conn.fetch("SELECT * FROM council_topics ORDER BY topic_id")

        report = await rebuild(service="council", projection=runtime.projection, database_url=url,
                               bootstrap_servers=infra.bootstrap_servers, topic_prefix=runtime.settings.kafka.topic_prefix)

        assert report.events_applied == 50
        assert await conn.fetch(CATALOG, tables) == catalog
        assert await conn.fetch("SELECT * FROM council_topics ORDER BY topic_id") == rows
    finally:
        await conn.close()
        await runtime.stop()


async def _hold_a_read(url: str, held: asyncio.Event, seconds: float) -> float:
    """A long reader of ``seen`` in an open transaction; return when it began to let go."""
    conn = await asyncpg.connect(url)
    try:
        async with conn.transaction():
            await conn.fetchval("SELECT count(*) FROM seen")
            held.set()
            await asyncio.sleep(seconds)
            letting_go = time.monotonic()
        return letting_go
    finally:
        await conn.close()


async def test_a_swap_that_cannot_lock_gives_way_and_tries_again(infra, make_database, settings_for, producer, caplog) -> None:
    runtime, url = await _seen_service(settings_for, make_database)
    conn = await asyncpg.connect(url)
    topic = runtime.settings.kafka.topic(INTAKE.topic)
    sent: list[UUID] = []
    try:
        await _submit(producer, topic, sent, 100)
        await eventually(lambda: conn.fetchval("SELECT count(*) FROM seen"), lambda n: n == 100, what="live applied")
        gate, held = asyncio.Event(), asyncio.Event()
        with caplog.at_level(logging.INFO, logger="services.kit.rebuild"):
            rebuilding = asyncio.create_task(rebuild(
                service="council", projection=_seen_projection(gate), database_url=url,
                bootstrap_servers=infra.bootstrap_servers, topic_prefix=runtime.settings.kafka.topic_prefix,
            ))
            await eventually(lambda: _copy_made(conn, rebuilding), bool, what="the copy made")
            holding = asyncio.create_task(_hold_a_read(url, held, seconds=3.0))
            await held.wait()
            gate.set()
            slowest = 0.0
            while not rebuilding.done():
                started = time.monotonic()
                await conn.fetchval("SELECT count(*) FROM seen_view")  # a reader arriving while the swap waits
                slowest = max(slowest, time.monotonic() - started)
                await asyncio.sleep(0.05)
            await rebuilding
            finished = time.monotonic()
            released = await holding
        assert finished >= released, "the swap waited for the long reader"
        assert any("could not lock" in r.getMessage() for r in caplog.records), "the swap gave way at least once"
        assert slowest < 1.5, f"a reader was held {slowest:.2f}s behind the swap"
        assert await conn.fetchval("SELECT count(*) FROM seen") == 100
    finally:
        await conn.close()
        await runtime.stop()


def test_progress_lines_name_events_rate_and_time_left() -> None:
    out = io.StringIO()
    line = ProgressLine("council", out, every_seconds=0)
    line(Progress(records_read=2_500, records_total=10_000, seconds=5.0))
    line(Progress(records_read=10_000, records_total=10_000, seconds=20.0, swapped=True))
    assert out.getvalue().splitlines() == [
        "council: 2,500/10,000 events (25%), 500/s, ETA 0:15",
        "council: 10,000 events in 0:20 (500/s), swapped in",
    ]
