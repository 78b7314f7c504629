"""Hostile records on a real broker: whatever is wrong with a record, it ends applied or in the
dead-letter topic with its reason, the valid events before and after it in the same partition
are applied exactly once, the group's offsets move past all of them, and a rebuild finds what
the live view shows. (Records the consumer always handled — no headers, not JSON, unknown
types — are in test_consumer.py.)"""

import json
import struct
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import SimpleNamespace
from uuid import uuid4

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.producer import message_accumulator
from aiokafka.record.util import calc_crc32c
from yishi_contracts import INTAKE, Envelope, dead_letter_topic

from services.council.app import build_runtime as council_runtime
from services.kit.binding import (
    KafkaRecord,
    MalformedMessage,
    UnreadableRecord,
    from_kafka,
    read_record,
    record_size,
    to_kafka,
)
from services.kit.rebuild import rebuild
from services.kit.topics import ensure_topics
from tests.support.eventually import eventually
from tests.support.kafka_reading import read_all
from tests.unit.factories import submitted

LIMIT = 64 * 1024  # the consumer's size limit in these tests (YISHI_KAFKA_MAX_RECORD_BYTES)
SNAPSHOT = "SELECT topic_id, community_id, title FROM screening_queue ORDER BY topic_id"


@dataclass(frozen=True)
class Sent:
    """How a broken record goes on the wire: headers, key and value (None: no key)."""

    headers: list[tuple[str, bytes | None]]
    key: bytes | None
    value: bytes | None


def _with(headers: list, name: str, value: bytes | None) -> list:
    return [(n, value if n == name else v) for n, v in headers]


def _deep(record: KafkaRecord) -> bytes:
    nested = b"[" * 10_000 + b"]" * 10_000  # Python's json module raises RecursionError on it
    return record.value[:-1] + b', "location": ' + nested + b"}"


MARKER = b"x-yishi-name"


@contextmanager
def header_names_not_utf8() -> Iterator[None]:
    """Produce a header named MARKER with a name that is not UTF-8. Kafka accepts it (librdkafka
    clients can write one); Python clients cannot, so the built batch is rewritten (and its CRC)."""
    build = message_accumulator.BatchBuilder._build

    def rewritten(self):  # type: ignore[no-untyped-def]
        buffer = build(self)
        at = bytes(buffer).find(MARKER)
        if at >= 0:
            buffer[at:at + len(MARKER)] = b"x-yishi-\xff\xfe\xfd\xfc"  # as long as the marker
            struct.pack_into(">I", buffer, 17, calc_crc32c(bytes(buffer[21:])))  # v2 batch: CRC of attributes..end
        return buffer

    message_accumulator.BatchBuilder._build = rewritten
    try:
        yield
    finally:
        message_accumulator.BatchBuilder._build = build


# (what is wrong, how the record is sent, the reason it is dead-lettered with; None: applied)
CASES: list[tuple[str, Callable[[KafkaRecord], Sent], str | None]] = [
    ("a ce_ header that is not UTF-8", lambda r: Sent(_with(r.headers, "ce_source", b"/yishi/\xff\xfe"), r.key, r.value),
     "invalid_envelope"),
    ("a ce_ header without a value", lambda r: Sent(_with(r.headers, "ce_subject", None), r.key, r.value),
     "invalid_envelope"),
    ("foreign headers not UTF-8 and without a value", lambda r: Sent(
        [*r.headers, ("x-vendor-trace", b"\xc3\x28\xff"), ("x-empty", None)], r.key, r.value), None),
    ("a header name that is not UTF-8", lambda r: Sent([*r.headers, (MARKER.decode(), b"v")], r.key, r.value),
     "invalid_envelope"),
    ("two ce_id headers", lambda r: Sent([*r.headers, ("ce_id", str(uuid4()).encode())], r.key, r.value),
     "invalid_envelope"),
    ("no key", lambda r: Sent(r.headers, None, r.value), "invalid_envelope"),
    ("a key that is not the subject", lambda r: Sent(r.headers, str(uuid4()).encode(), r.value), "invalid_envelope"),
    ("a value nested 10,000 deep", lambda r: Sent(r.headers, r.key, _deep(r)), "invalid_json"),
    ("a record over the size limit", lambda r: Sent(
        r.headers, r.key, json.dumps({**json.loads(r.value), "description": "长" * LIMIT}).encode()), "too_large"),
]


@pytest.fixture
async def producer(infra):
    producer = AIOKafkaProducer(bootstrap_servers=infra.bootstrap_servers, acks="all", max_request_size=4 << 20)
    await producer.start()
    yield producer
    await producer.stop()


async def committed(bootstrap_servers: str, group: str) -> dict[TopicPartition, int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group)
        return {tp: meta.offset for tp, meta in offsets.items() if meta.offset >= 0}
    finally:
        await admin.close()


def _limited(settings):
    return settings.model_copy(update={"kafka": settings.kafka.model_copy(update={"max_record_bytes": LIMIT})})


@pytest.mark.parametrize("wrong, send, reason", CASES, ids=[c[0] for c in CASES])
async def test_a_broken_record_ends_applied_or_dead_lettered_and_its_neighbours_are_applied_once(
    infra, make_database, settings_for, producer, wrong, send, reason
) -> None:
    url = make_database("council")
    runtime = council_runtime(_limited(settings_for("council", url)))
    kafka = runtime.settings.kafka
    intake, dlq = kafka.topic(INTAKE.topic), runtime.dead_letter_topic
    await ensure_topics(infra.bootstrap_servers, [intake, dlq], partitions=kafka.partitions, replication_factor=1)
    community = "330102001004"
    before, broken, after = (submitted(community_id=community) for _ in range(3))
    # All three in one partition, sent before the consumer starts: they come in one batch.
    first = to_kafka(Envelope.wrap(before, source="/yishi/intake"))
    partition = (await producer.send_and_wait(intake, first.value, key=first.key, headers=first.headers)).partition
    bad = send(to_kafka(Envelope.wrap(broken, source="/yishi/intake")))
    with header_names_not_utf8():
        await producer.send_and_wait(intake, bad.value, key=bad.key, headers=bad.headers, partition=partition)
    last = to_kafka(Envelope.wrap(after, source="/yishi/intake"))
    await producer.send_and_wait(intake, last.value, key=last.key, headers=last.headers, partition=partition)

    expected = {before.topic_id, after.topic_id} | ({broken.topic_id} if reason is None else set())
    await runtime.start()
    conn = await asyncpg.connect(url)
    try:
        queued = lambda: conn.fetch("SELECT topic_id FROM screening_queue WHERE community_id = $1", community)  # noqa: E731
        await eventually(queued, lambda rows: {r["topic_id"] for r in rows} == expected, timeout=30,
                         what=f"{wrong}: the valid events applied")
        group, tp = runtime.settings.consumer_group, TopicPartition(intake, partition)
        await eventually(lambda: committed(infra.bootstrap_servers, group), lambda c: c.get(tp) == 3, timeout=30,
                         what=f"{wrong}: the group's offset past all three records")
        letters = await read_all(infra.bootstrap_servers, dlq)
        if reason is None:
            assert letters == []
        else:
            (letter,) = letters
            headers = dict(letter.headers)
            assert headers["yishi_dlq_reason"].decode() == reason
            assert headers["yishi_dlq_detail"] and headers["yishi_dlq_consumer"] == b"council"
            assert (headers["yishi_dlq_topic"], headers["yishi_dlq_partition"], headers["yishi_dlq_offset"]) == (
                intake.encode(), str(partition).encode(), b"1")
            if "yishi_dlq_unread" in headers:  # the client could not decode it: the letter says where it is
                assert letter.value == b"" and letter.key is None
            else:
                assert letter.value == bad.value and letter.key == bad.key, "the letter keeps the record as it came"
        assert await conn.fetchval("SELECT count(*) FROM processed_events") == len(expected), "each applied once"

        live = [dict(r) for r in await conn.fetch(SNAPSHOT)]
        report = await rebuild(service="council", projection=runtime.projection, database_url=url,
                               bootstrap_servers=infra.bootstrap_servers, topic_prefix=kafka.topic_prefix,
                               max_record_bytes=LIMIT)
        assert report.events_applied == len(expected)
        assert [dict(r) for r in await conn.fetch(SNAPSHOT)] == live
    finally:
        await conn.close()
        await runtime.stop()


async def test_a_letter_too_large_for_the_dead_letter_topic_is_cut_and_the_consumer_goes_on(
    infra, make_database, settings_for, producer
) -> None:
    url = make_database("council")
    runtime = council_runtime(_limited(settings_for("council", url)))
    kafka = runtime.settings.kafka
    intake, dlq = kafka.topic(INTAKE.topic), runtime.dead_letter_topic
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.bootstrap_servers)
    await admin.start()
    try:  # a dead-letter topic that takes less than the consumer's limit
        await admin.create_topics([NewTopic(dlq, 1, 1, topic_configs={"max.message.bytes": "20000"})])
    finally:
        await admin.close()
    await ensure_topics(infra.bootstrap_servers, [intake], partitions=kafka.partitions, replication_factor=1)
    community = "330102001005"
    big, after = submitted(community_id=community), submitted(community_id=community)
    record = to_kafka(Envelope.wrap(big, source="/yishi/intake"))
    value = json.dumps({**json.loads(record.value), "description": "长" * 10_000}).encode()  # 30 KB: fits the limit
    # unreadable (its community disagrees with the data), under the consumer's limit, over the letter topic's
    await producer.send_and_wait(intake, value, key=record.key, headers=_with(record.headers, "ce_communityid", b"330102001999"))
    await runtime.start()
    conn = await asyncpg.connect(url)
    try:
        letters = await eventually(lambda: read_all(infra.bootstrap_servers, dlq), lambda r: len(r) == 1, timeout=30,
                                   what="the letter, cut")
        headers = dict(letters[0].headers)
        assert headers["yishi_dlq_truncated"] == str(len(value)).encode() and len(letters[0].value) < 20_000
        nxt = to_kafka(Envelope.wrap(after, source="/yishi/intake"))
        await producer.send_and_wait(intake, nxt.value, key=nxt.key, headers=nxt.headers)
        await eventually(lambda: conn.fetchval("SELECT count(*) FROM screening_queue WHERE community_id = $1", community),
                         lambda n: n == 1, timeout=30, what="the next event applied")
    finally:
        await conn.close()
        await runtime.stop()


async def test_a_batch_commits_the_partitions_it_had_records_on_and_no_other(
    infra, make_database, settings_for, producer
) -> None:
    url = make_database("council")
    runtime = council_runtime(settings_for("council", url))
    await runtime.start()
    conn = await asyncpg.connect(url)
    try:
        intake = runtime.settings.kafka.topic(INTAKE.topic)
        await eventually(lambda: _assigned(runtime), bool, timeout=30, what="partitions assigned")
        record = to_kafka(Envelope.wrap(submitted(community_id="330102001006"), source="/yishi/intake"))
        partition = (await producer.send_and_wait(intake, record.value, key=record.key, headers=record.headers)).partition
        group = runtime.settings.consumer_group
        offsets = await eventually(lambda: committed(infra.bootstrap_servers, group), bool, timeout=30,
                                   what="a commit")
        assert offsets == {TopicPartition(intake, partition): 1}, "one offset record, not one per assigned partition"
    finally:
        await conn.close()
        await runtime.stop()


async def _assigned(runtime) -> bool:
    consumer = runtime._subscriber.consumer
    return consumer is not None and bool(consumer.assignment())


# What the consumer's reader decides about one record, without a broker: the same rules, quickly.


def _parts():
    record = to_kafka(Envelope.wrap(submitted(), source="/yishi/intake"))
    return record.headers, record.key, record.value


@pytest.mark.parametrize("headers, key, value, reason", [
    (lambda h: [*h, ("ce_type", b"yishi.TopicSubmitted.v1")], lambda k: k, lambda v: v, "invalid_envelope"),
    (lambda h: _with(h, "ce_time", b"\xff"), lambda k: k, lambda v: v, "invalid_envelope"),
    (lambda h: h, lambda k: None, lambda v: v, "invalid_envelope"),
    (lambda h: h, lambda k: k + b"x", lambda v: v, "invalid_envelope"),
    (lambda h: h, lambda k: k, lambda v: b"[" * 5000 + b"]" * 5000, "invalid_json"),
    (lambda h: h, lambda k: k, lambda v: b"\xff\xfe{}", "invalid_json"),
    (lambda h: h, lambda k: k, lambda v: None, "invalid_json"),
    (lambda h: h, lambda k: k, lambda v: b"[1]", "invalid_data"),
], ids=["duplicated ce_type", "non-UTF-8 ce_time", "no key", "another key", "deep", "not UTF-8", "no value", "array"])
def test_the_reader_says_why_and_never_raises_anything_else(headers, key, value, reason) -> None:
    h, k, v = _parts()
    with pytest.raises(MalformedMessage) as refused:
        from_kafka(headers(h), key(k), value(v))
    assert refused.value.reason == reason and refused.value.detail


def test_foreign_headers_are_not_even_decoded_and_text_values_are_read() -> None:
    h, k, v = _parts()
    headers = [(n, x.decode() if n == "ce_source" else x) for n, x in h] + [("x-a", b"\xff"), ("x-b", None), ("x-a", b"")]
    assert from_kafka(headers, k, v).source == "/yishi/intake"


def test_the_size_limit_counts_key_value_and_headers() -> None:
    h, k, v = _parts()
    size = record_size(h, k, v)
    record = SimpleNamespace(headers=h, key=k, value=v)
    assert read_record(record, max_bytes=size).data.title
    with pytest.raises(MalformedMessage) as refused:
        read_record(record, max_bytes=size - 1)
    assert refused.value.reason == "too_large"
    with pytest.raises(MalformedMessage, match="invalid_envelope"):
        read_record(UnreadableRecord("t", 0, 1, "a header name is not UTF-8"))
