"""The kit's idempotency keys' table (kit_0003) in every service's database, on a real
PostgreSQL: created by the kit's branch, down and up again; and its SQL — a claim, a kept
answer found again, a key past its retention claimed afresh, pruning one service's keys."""

from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from services.kit import idempotency_store as store
from services.kit.db import connect
from services.kit.idempotency import RETENTION, KeyedRequest
from services.system import migrate

T0 = datetime(2026, 12, 1, 9, tzinfo=UTC)


async def _has_table(url: str) -> bool:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval("SELECT to_regclass('idempotency_keys') IS NOT NULL")
    finally:
        await conn.close()


@pytest.mark.parametrize("service", ["intake", "council", "meeting", "publication"])
async def test_every_service_has_the_table_and_it_goes_down_and_up(make_database, service: str) -> None:
    url = make_database(service)
    assert await _has_table(url)
    migrate.downgrade(service, url, "kit_0002")
    assert not await _has_table(url)
    migrate.upgrade(service, url)
    assert await _has_table(url)


async def test_a_claim_a_kept_answer_a_lapsed_key_and_pruning(make_database) -> None:
    conn = await connect(make_database("meeting"))
    request = KeyedRequest("meeting", "chair-1", "k-1", "/meetings", "d1")
    lapsed = T0 - RETENTION
    try:
        async with conn.transaction():
            assert await store.claim(conn, request, now=T0, expired_before=lapsed) is None
            await store.keep(conn, request, 201, {"b": 1, "a": [2]})
        kept = await store.claim(conn, request, now=T0 + timedelta(hours=1), expired_before=lapsed)
        assert kept is not None and (kept.status, kept.body, kept.digest) == (201, {"b": 1, "a": [2]}, "d1")
        assert list(kept.body) == ["b", "a"], "the answer as it was, keys in order"

        later = T0 + RETENTION + timedelta(minutes=1)
        async with conn.transaction():
            assert await store.claim(conn, request, now=later, expired_before=later - RETENTION) is None, "lapsed"
            await store.keep(conn, request, 200, {})
        other = KeyedRequest("council", "chair-1", "k-1", "/councils", "d2")
        async with conn.transaction():
            assert await store.claim(conn, other, now=T0, expired_before=lapsed) is None, "another service's key"
            await store.keep(conn, other, 201, {})
        assert await store.prune(conn, service="meeting", expired_before=later + timedelta(seconds=1)) == 1
        assert await conn.fetchval("SELECT count(*) FROM idempotency_keys") == 1
    finally:
        await conn.close()
