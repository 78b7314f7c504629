"""The idempotent batch consumer behind every projection.

One database transaction per batch; offsets are committed by the subscriber only after
``handle`` returns (never auto-commit-first). A record that cannot be parsed, has an
unknown type or an unsupported version goes to the dead-letter topic. A parsed event
whose handler fails for reasons of its own is isolated by replaying the batch one event at
a time, and only that event is dead-lettered. A retryable failure (database or network
away, a lost concurrency race) raises, so the batch is redelivered after a pause.
"""

import logging
from collections.abc import Sequence
from typing import Any

import asyncpg
from aiokafka import ConsumerRecord
from yishi_contracts import Envelope

from .binding import MalformedMessage, from_kafka
from .db import TRANSIENT_DB_ERRORS
from .deadletter import DeadLetter, DeadLetterPublisher
from .eventstore import ConcurrencyConflict
from .projection import Projection, apply_once

log = logging.getLogger(__name__)

# Worth redelivering rather than dead-lettering: the database is away, or a reaction lost an
# optimistic-concurrency race with a command on the same stream and will decide again.
RETRYABLE: tuple[type[BaseException], ...] = (*TRANSIENT_DB_ERRORS, ConcurrencyConflict)


class ProjectionConsumer:
    def __init__(
        self,
        *,
        service: str,
        pool: asyncpg.Pool,
        projection: Projection,
        dead_letters: DeadLetterPublisher,
    ) -> None:
        self.service = service
        self._pool = pool
        self._projection = projection
        self._dead_letters = dead_letters

    async def handle(self, records: Sequence[ConsumerRecord]) -> int:
        """Process one batch; return how many events changed the projection."""
        parsed: list[tuple[ConsumerRecord, Envelope[Any]]] = []
        letters: list[DeadLetter] = []
        for record in records:
            try:
                parsed.append((record, from_kafka(record.headers, record.key, record.value)))
            except MalformedMessage as exc:
                log.warning("dead-lettering %s:%s@%s: %s", record.topic, record.partition, record.offset, exc)
                letters.append(DeadLetter(record, exc.reason, exc.detail))
        applied = 0
        if parsed:
            try:
                applied = await self._apply([env for _, env in parsed])
            except RETRYABLE:
                raise
            except Exception:
                log.exception("batch failed in %s; isolating the failing event", self.service)
                applied = 0
                for record, envelope in parsed:
                    try:
                        applied += await self._apply([envelope])
                    except RETRYABLE:
                        raise
                    except Exception as exc:  # noqa: BLE001 — a poison event must not stop the consumer
                        letters.append(DeadLetter(record, "processing_failed", repr(exc)))
        if letters:
            await self._dead_letters.publish(letters)
        return applied

    async def _apply(self, envelopes: list[Envelope[Any]]) -> int:
        async with self._pool.acquire() as conn, conn.transaction():
            return await apply_once(conn, self._projection, envelopes, service=self.service)
