"""The idempotency keys' table (kit migration ``kit_0003``): claimed, answered and pruned.

A command sent with a key claims the key's row first thing in its transaction. A second
request with the same key waits on that row until the first one's transaction ends: if it
committed, the second finds the kept answer; if it was undone (a refusal), the second claims
the key itself. So one key executes once, and the answer is kept with the command's events.
"""

from datetime import datetime
from typing import Any

import asyncpg

from .commands import concurrent_change
from .idempotency import KeptAnswer, KeyedRequest

_CLAIM = """
INSERT INTO idempotency_keys AS k (service, actor_id, key, route, request_digest, kept_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (service, actor_id, key) DO UPDATE
    SET route = EXCLUDED.route, request_digest = EXCLUDED.request_digest, status = NULL, body = NULL,
        kept_at = EXCLUDED.kept_at
    WHERE k.kept_at < $7
RETURNING true
"""
"""A key on file past its retention is claimed afresh, as if it had been pruned already."""


async def claim(conn: asyncpg.Connection, request: KeyedRequest, *, now: datetime, expired_before: datetime
                ) -> KeptAnswer | None:
    """Claim the key for this transaction (None), or the answer it is kept with."""
    claimed = await conn.fetchval(_CLAIM, request.service, request.actor_id, request.key, request.route,
                                  request.digest, now, expired_before)
    if claimed:
        return None
    row = await conn.fetchrow(
        "SELECT route, request_digest, status, body, kept_at FROM idempotency_keys "
        "WHERE service = $1 AND actor_id = $2 AND key = $3",
        request.service, request.actor_id, request.key,
    )
    if row is None or row["status"] is None:  # a committed key always has its answer: not expected
        raise concurrent_change()
    return KeptAnswer(row["route"], row["request_digest"], row["status"], row["body"], row["kept_at"])


async def keep(conn: asyncpg.Connection, request: KeyedRequest, status: int, body: Any) -> None:
    await conn.execute(
        "UPDATE idempotency_keys SET status = $4, body = $5 WHERE service = $1 AND actor_id = $2 AND key = $3",
        request.service, request.actor_id, request.key, status, body,
    )


async def prune(conn: asyncpg.Connection, *, service: str, expired_before: datetime) -> int:
    """Forget the service's keys kept before ``expired_before``; how many were."""
    done = await conn.execute("DELETE FROM idempotency_keys WHERE service = $1 AND kept_at < $2",
                              service, expired_before)
    return int(done.split()[-1])
