"""A large batch is read and applied chunk by chunk in its one transaction (real PostgreSQL):
the outcome is the one of applying it whole — every record applied once or dead-lettered with
its reason, a poison event isolated without its neighbours, nothing left half-written."""

import asyncio
from uuid import UUID

import asyncpg
import pytest
from aiokafka import ConsumerRecord
from yishi_contracts import INTAKE, Envelope, TopicSubmitted

from services.kit import consumer as consuming
from services.kit.binding import to_kafka
from services.kit.consumer import ProjectionConsumer
from services.kit.db import create_pool
from services.kit.projection import Projection
from tests.unit.factories import submitted

SEEN = "CREATE TABLE seen (topic_id uuid PRIMARY KEY, community_id text NOT NULL)"


def _record(offset: int, envelope: Envelope[TopicSubmitted]) -> ConsumerRecord:
    wire = to_kafka(envelope)
    return ConsumerRecord(f"t.{INTAKE.topic}", 0, offset, 0, 0, wire.key, wire.value, None, len(wire.key),
                          len(wire.value), tuple(wire.headers))


def _broken(offset: int) -> ConsumerRecord:
    return ConsumerRecord(f"t.{INTAKE.topic}", 0, offset, 0, 0, b"k", b"{}", None, 1, 2, (("ce_type", b"\xff"),))


def _seen_projection(poison: set[UUID], batches: list[int]) -> Projection:
    seen = Projection("seen", tables=["seen"], topics=[INTAKE.topic])

    @seen.on_batch(TopicSubmitted)
    async def _see(conn: asyncpg.Connection, envelopes: list[Envelope[TopicSubmitted]]) -> None:
        batches.append(len(envelopes))
        if any(e.data.topic_id in poison for e in envelopes):
            raise ValueError("this topic cannot be seen")
        await conn.executemany("INSERT INTO seen (topic_id, community_id) VALUES ($1, $2)",
                               [(e.data.topic_id, e.data.community_id) for e in envelopes])

    return seen


@pytest.fixture
async def pool(make_database):
    url = make_database("council")
    pool = await create_pool(url)
    await pool.execute(SEEN)
    yield pool
    await pool.close()


def _batch(n: int, *, broken_at: tuple[int, ...] = (), repeated: tuple[int, int] | None = None):
    envelopes = [Envelope.wrap(submitted(), source="/yishi/intake") for _ in range(n)]
    records = [_broken(i) if i in broken_at else _record(i, e) for i, e in enumerate(envelopes)]
    if repeated is not None:  # the same event again, in a later chunk
        first, again = repeated
        records[again] = _record(again, envelopes[first])
    applied = [e.data.topic_id for i, e in enumerate(envelopes)
               if i not in broken_at and (repeated is None or i != repeated[1])]
    return records, envelopes, applied


async def test_a_large_batch_applies_in_chunks_what_it_would_whole(pool, monkeypatch) -> None:
    monkeypatch.setattr(consuming, "PIPELINE_CHUNK", 250)  # three chunks of a batch of 700
    batches: list[int] = []
    records, _, applied = _batch(700, broken_at=(3, 520), repeated=(10, 400))
    consumer = ProjectionConsumer(service="council", pool=pool, projection=_seen_projection(set(), batches),
                                  dead_letters=None)  # type: ignore[arg-type]  # process() sends no letter

    outcome = await consumer.process(records)

    assert len(batches) > 1 and max(batches) <= consuming.PIPELINE_CHUNK, "applied chunk by chunk"
    assert [(letter.record.offset, letter.reason) for letter in outcome.letters] == [
        (3, "invalid_envelope"), (520, "invalid_envelope")]
    assert outcome.applied == len(applied) == 697
    assert outcome.outcomes.count("duplicate") == 1
    assert {r["topic_id"] for r in await pool.fetch("SELECT topic_id FROM seen")} == set(applied)
    assert await pool.fetchval("SELECT count(*) FROM processed_events") == 697

    again = await consumer.process(records)  # redelivered whole: nothing changes
    assert again.applied == 0 and again.outcomes.count("duplicate") == 698


async def test_a_poison_event_in_a_later_chunk_is_isolated_and_the_rest_applied_once(pool, monkeypatch) -> None:
    monkeypatch.setattr(consuming, "PIPELINE_CHUNK", 250)
    batches: list[int] = []
    records, envelopes, applied = _batch(600, broken_at=(100,))
    poison = envelopes[450].data.topic_id
    consumer = ProjectionConsumer(service="council", pool=pool, projection=_seen_projection({poison}, batches),
                                  dead_letters=None)  # type: ignore[arg-type]

    outcome = await consumer.process(records)

    assert [(letter.record.offset, letter.reason) for letter in outcome.letters] == [
        (100, "invalid_envelope"), (450, "processing_failed")], "each letter once, though the batch was read again"
    assert outcome.applied == 598
    assert {r["topic_id"] for r in await pool.fetch("SELECT topic_id FROM seen")} == set(applied) - {poison}
    assert await pool.fetchval("SELECT count(*) FROM processed_events") == 598, "the chunks before it rolled back"


async def test_a_cancelled_batch_leaves_nothing_written_and_its_connections_free(pool, monkeypatch) -> None:
    monkeypatch.setattr(consuming, "PIPELINE_CHUNK", 250)
    monkeypatch.setattr(consuming, "READ_SLICE", 1)  # the reading side yields after every record
    started, gate = asyncio.Event(), asyncio.Event()
    seen = Projection("seen", tables=["seen"], topics=[INTAKE.topic])

    @seen.on_batch(TopicSubmitted)
    async def _held(conn: asyncpg.Connection, envelopes: list[Envelope[TopicSubmitted]]) -> None:
        started.set()
        await gate.wait()
        await conn.execute("INSERT INTO seen (topic_id, community_id) VALUES ($1, 'held')", envelopes[0].data.topic_id)

    records, _, _ = _batch(600)
    consumer = ProjectionConsumer(service="council", pool=pool, projection=seen, dead_letters=None)  # type: ignore[arg-type]
    processing = asyncio.create_task(consumer.process(records))
    await started.wait()  # the first chunk is being written, the second read
    processing.cancel()
    with pytest.raises(asyncio.CancelledError):
        await processing
    gate.set()  # what was held writes nowhere
    await asyncio.sleep(0.3)
    assert await pool.fetchval("SELECT count(*) FROM seen") == 0
    assert await pool.fetchval("SELECT count(*) FROM processed_events") == 0
    async with asyncio.timeout(5):  # every connection back in the pool, none left inside a transaction
        conns = [await pool.acquire() for _ in range(pool.get_max_size())]
    for conn in conns:
        assert not conn.is_in_transaction()
        await pool.release(conn)
