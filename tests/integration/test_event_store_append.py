"""The event store's one-statement append on real PostgreSQL: a conflict leaves nothing of the
append behind and the caller's transaction usable (no savepoint), even when a concurrent writer
commits part of the same versions while the append runs."""

import asyncio
from uuid import uuid4

import asyncpg
import pytest
from yishi_contracts import Envelope

from services.kit import eventstore
from services.kit.db import connect
from services.kit.eventstore import ConcurrencyConflict
from tests.unit.factories import screened, submitted


def _events(topic_id, n: int) -> list[Envelope]:
    return [Envelope.wrap(submitted(topic_id) if i == 0 else screened(topic_id), source="/t") for i in range(n)]


async def _stored(conn: asyncpg.Connection, stream: str) -> list[tuple[int, str]]:
    rows = await conn.fetch("SELECT version, event_id::text FROM event_store WHERE stream_id = $1 ORDER BY version", stream)
    return [(r["version"], r["event_id"]) for r in rows]


async def _queued(conn: asyncpg.Connection) -> list[str]:
    return [r["event_id"] for r in await conn.fetch("SELECT event_id::text FROM outbox ORDER BY id")]


@pytest.fixture
async def two(make_database):
    url = make_database("council")
    first, second = await connect(url), await connect(url)
    yield first, second
    await first.close()
    await second.close()


async def test_a_stale_append_conflicts_and_the_transaction_goes_on(two) -> None:
    mine, theirs = two
    topic = uuid4()
    stream = str(topic)
    [winner] = _events(topic, 1)
    async with theirs.transaction():
        await eventstore.append(theirs, stream_id=stream, expected_version=0, envelopes=[winner], topic="t")
    retried = _events(topic, 2)[1:]
    async with mine.transaction():
        with pytest.raises(ConcurrencyConflict):
            await eventstore.append(mine, stream_id=stream, expected_version=0, envelopes=_events(topic, 2), topic="t")
        assert await mine.fetchval("SELECT 1") == 1  # still usable: no savepoint needed
        assert await eventstore.append(mine, stream_id=stream, expected_version=1, envelopes=retried, topic="t") == 2
    assert [v for v, _ in await _stored(mine, stream)] == [1, 2]
    assert await _queued(mine) == [str(winner.id), str(retried[0].id)]


async def test_a_writer_committing_part_of_the_versions_meanwhile_leaves_none_of_the_loser_behind(two) -> None:
    mine, theirs = two
    topic = uuid4()
    stream = str(topic)
    [winner] = _events(topic, 1)
    losers = _events(topic, 3)
    tx = theirs.transaction()
    await tx.start()
    await eventstore.append(theirs, stream_id=stream, expected_version=0, envelopes=[winner], topic="t")

    async def append_mine() -> BaseException | None:
        async with mine.transaction():
            try:
                await eventstore.append(mine, stream_id=stream, expected_version=0, envelopes=losers, topic="t")
            except ConcurrencyConflict as conflict:
                return conflict
        return None

    racing = asyncio.create_task(append_mine())
    async with asyncio.timeout(10):  # version 1 waits on their uncommitted row; 2 and 3 go in
        while not await theirs.fetchval("SELECT count(*) FROM pg_locks WHERE NOT granted"):
            await asyncio.sleep(0.02)
    await tx.commit()
    assert isinstance(await racing, ConcurrencyConflict)
    assert await _stored(mine, stream) == [(1, str(winner.id))]
    assert await _queued(mine) == [str(winner.id)]


async def test_private_events_alone_queue_nothing(two) -> None:
    from services.kit.eventstore import PrivateEvent

    mine, _ = two
    event = submitted(uuid4())
    private = PrivateEvent(id=uuid4(), type="council.Noted.v1", time=event.submitted_at, subject="s",
                           community_id=event.community_id, correlation_id=uuid4(), causation_id=None, data={"n": 1})
    async with mine.transaction():
        assert await eventstore.append(mine, stream_id="s", expected_version=0, envelopes=[private], topic="t") == 1
    assert [v for v, _ in await _stored(mine, "s")] == [1] and await _queued(mine) == []
