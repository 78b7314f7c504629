"""Event store on real PostgreSQL: optimistic concurrency on (stream_id, version)."""

import asyncio
from uuid import uuid4

import pytest
from yishi_contracts import Envelope

from services.kit import eventstore
from services.kit.db import create_pool
from services.kit.eventstore import ConcurrencyConflict
from tests.unit.factories import screened, submitted


async def test_concurrent_appends_to_one_stream_one_wins_one_conflicts_cleanly(make_database) -> None:
    pool = await create_pool(make_database("council"), max_size=4)
    topic_id = uuid4()
    stream = str(topic_id)
    first_in = asyncio.Event()

    async def writer(delay_commit: bool) -> int:
        async with pool.acquire() as conn, conn.transaction():
            version = await eventstore.current_version(conn, stream)
            envelope = Envelope.wrap(submitted(topic_id) if version == 0 else screened(topic_id), source="/t")
            new_version = await eventstore.append(conn, stream_id=stream, expected_version=version, envelopes=[envelope], topic="t")
            if delay_commit:
                first_in.set()
                await asyncio.sleep(0.3)  # hold the transaction open: the other writer read version 0 too
            return new_version

    async def second() -> int:
        await first_in.wait()
        return await writer(delay_commit=False)

    try:
        results = await asyncio.gather(writer(delay_commit=True), second(), return_exceptions=True)
        assert results[0] == 1
        assert isinstance(results[1], ConcurrencyConflict), results
        assert "并发修改冲突" in str(results[1])

        # Reported cleanly: the loser's transaction rolled back whole, and a retry after reloading succeeds.
        assert await pool.fetchval("SELECT count(*) FROM outbox") == 1
        assert await writer(delay_commit=False) == 2
        stored = [e.version for e in await _load(pool, stream)]
        assert stored == [1, 2]
    finally:
        await pool.close()


async def _load(pool, stream):
    async with pool.acquire() as conn:
        return await eventstore.load(conn, stream)


async def test_append_refuses_to_run_outside_a_transaction(make_database) -> None:
    pool = await create_pool(make_database("council"), max_size=1)
    try:
        async with pool.acquire() as conn:
            with pytest.raises(RuntimeError, match="transaction"):
                await eventstore.append(
                    conn, stream_id="s", expected_version=0, envelopes=[Envelope.wrap(submitted(), source="/t")], topic="t"
                )
    finally:
        await pool.close()
