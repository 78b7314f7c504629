"""The FastStream batch consumer on a real broker: duplicates applied once, unreadable
records dead-lettered while the consumer goes on, and a rebuild equal to the live projection."""

import json
from uuid import uuid4

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer
from yishi_contracts import COUNCIL, INTAKE, Envelope, TopicSubmitted, dead_letter_topic

from services.council.app import build_runtime as council_runtime
from services.kit.binding import to_kafka
from services.kit.projection import Projection
from services.kit.rebuild import rebuild
from services.kit.runtime import ServiceRuntime
from tests.support.eventually import eventually
from tests.support.kafka_reading import read_all
from tests.unit.factories import screened, submitted


@pytest.fixture
async def producer(infra):
    producer = AIOKafkaProducer(bootstrap_servers=infra.bootstrap_servers, acks="all", enable_idempotence=True)
    await producer.start()
    yield producer
    await producer.stop()


async def _send(producer, topic: str, envelope: Envelope) -> None:
    record = to_kafka(envelope)
    await producer.send_and_wait(topic, record.value, key=record.key, headers=record.headers)


def _counting_projection() -> Projection:
    counting = Projection("submission_counts", tables=["submission_counts"], topics=[INTAKE.topic])

    @counting.on(TopicSubmitted)
    async def _count(conn: asyncpg.Connection, envelope: Envelope[TopicSubmitted]) -> None:
        await conn.execute(
            "INSERT INTO submission_counts VALUES ($1, 1) ON CONFLICT (community_id) DO UPDATE "
            "SET n = submission_counts.n + 1",
            envelope.data.community_id,
        )

    return counting


async def test_the_same_event_delivered_twice_changes_the_projection_once(infra, make_database, settings_for, producer) -> None:
    url = make_database("council")
    conn = await asyncpg.connect(url)
    await conn.execute("CREATE TABLE submission_counts (community_id text PRIMARY KEY, n int NOT NULL)")
    runtime = ServiceRuntime(settings_for("council", url), stream=COUNCIL, projection=_counting_projection())
    await runtime.start()
    try:
        topic = runtime.settings.kafka.topic(INTAKE.topic)
        twice = Envelope.wrap(submitted(community_id="330102001002"), source="/yishi/intake")
        once = Envelope.wrap(submitted(community_id="330102001002"), source="/yishi/intake")
        for envelope in (twice, twice, once, twice):
            await _send(producer, topic, envelope)

        count = lambda: conn.fetchval("SELECT n FROM submission_counts WHERE community_id = '330102001002'")  # noqa: E731
        await eventually(count, lambda n: n == 2, what="two distinct events counted")
        assert await conn.fetchval("SELECT count(*) FROM processed_events") == 2
    finally:
        await runtime.stop()
        await conn.close()


async def test_unreadable_records_go_to_the_dead_letter_topic_and_the_consumer_goes_on(
    infra, make_database, settings_for, producer
) -> None:
    url = make_database("council")
    runtime = council_runtime(settings_for("council", url))
    await runtime.start()
    conn = await asyncpg.connect(url)
    try:
        intake_topic = runtime.settings.kafka.topic(INTAKE.topic)
        community = "330102001003"
        before, after = submitted(community_id=community), submitted(community_id=community)
        good = to_kafka(Envelope.wrap(before, source="/yishi/intake"))
        key = good.key  # one key: one partition, so "after" comes behind every bad record
        headers = dict(good.headers)

        await _send(producer, intake_topic, Envelope.wrap(before, source="/yishi/intake"))
        await producer.send_and_wait(intake_topic, b"\x00\xffnot json at all", key=key, headers=good.headers)
        await producer.send_and_wait(intake_topic, b"plain text, no headers", key=key)
        unknown = [(n, b"yishi.SomethingNew.v1" if n == "ce_type" else v) for n, v in good.headers]
        await producer.send_and_wait(intake_topic, good.value, key=key, headers=unknown)
        future = [(n, b"yishi.TopicSubmitted.v7" if n == "ce_type" else v) for n, v in good.headers]
        await producer.send_and_wait(intake_topic, good.value, key=key, headers=future)
        await producer.send_and_wait(intake_topic, json.dumps({"title": "缺字段"}).encode(), key=key, headers=list(headers.items()))
        await _send(producer, intake_topic, Envelope.wrap(after, source="/yishi/intake"))

        queued = lambda: conn.fetch("SELECT topic_id FROM screening_queue WHERE community_id = $1", community)  # noqa: E731
        rows = await eventually(queued, lambda r: len(r) == 2, what="both readable submissions queued")
        assert {r["topic_id"] for r in rows} == {before.topic_id, after.topic_id}

        dlq = runtime.settings.kafka.topic(dead_letter_topic("council"))
        letters = await eventually(lambda: read_all(infra.bootstrap_servers, dlq), lambda r: len(r) == 5, what="5 dead letters")
        reasons = sorted(dict(r.headers)["yishi_dlq_reason"].decode() for r in letters)
        assert reasons == ["invalid_data", "invalid_json", "not_a_cloudevent", "unknown_type", "unsupported_version"]
        for letter in letters:
            h = dict(letter.headers)
            assert h["yishi_dlq_topic"].decode() == intake_topic and h["yishi_dlq_offset"].isdigit()
    finally:
        await conn.close()
        await runtime.stop()


async def test_rebuild_from_offset_zero_equals_the_live_projection(infra, make_database, settings_for, producer) -> None:
    url = make_database("council")
    runtime = council_runtime(settings_for("council", url))
    await runtime.start()
    conn = await asyncpg.connect(url)
    snapshot = "SELECT * FROM screening_queue ORDER BY topic_id"
    try:
        intake_topic = runtime.settings.kafka.topic(INTAKE.topic)
        council_topic = runtime.settings.kafka.topic(COUNCIL.topic)
        topics = [submitted(community_id=f"33010200{i % 3:04d}") for i in range(60)]
        for event in topics:
            await _send(producer, intake_topic, Envelope.wrap(event, source="/yishi/intake"))
        for event in topics[:15]:  # a third screened: they leave the queue
            await _send(producer, council_topic, Envelope.wrap(screened(event.topic_id, event.community_id), source="/yishi/council"))
        # A screening that arrives before its submission, from the other Kafka topic.
        early = uuid4()
        await _send(producer, council_topic, Envelope.wrap(screened(early), source="/yishi/council"))
        await _send(producer, intake_topic, Envelope.wrap(submitted(early), source="/yishi/intake"))

        await eventually(lambda: conn.fetchval("SELECT count(*) FROM processed_events"), lambda n: n == 77, what="all applied")
        live = [dict(r) for r in await conn.fetch(snapshot)]
        awaiting = await conn.fetchval("SELECT count(*) FROM screening_queue WHERE screened_outcome IS NULL")
        assert awaiting == 45, "screened topics, the early-screened one included, are off the queue"

        report = await rebuild(
            service="council",
            projection=runtime.projection,
            database_url=url,
            bootstrap_servers=infra.bootstrap_servers,
            topic_prefix=runtime.settings.kafka.topic_prefix,
        )
        assert report.events_applied == 77
        assert [dict(r) for r in await conn.fetch(snapshot)] == live
    finally:
        await conn.close()
        await runtime.stop()
