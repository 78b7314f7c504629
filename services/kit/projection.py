"""Projections: read models kept from events, applied exactly once per event.

A projection is a set of handlers, one per event type, each a function of the
connection and the envelope. ``apply_once`` records the event ids it applies in
``processed_events`` inside the caller's transaction, so a redelivered event changes
nothing. The same path serves live consumption, a service's own events applied inline
when it emits them, and a rebuild from Kafka offset 0.
"""

from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

import asyncpg
from yishi_contracts import Envelope, Event

from .metrics import EVENTS_APPLIED, EVENTS_DUPLICATE

Handler = Callable[[asyncpg.Connection, Envelope[Any]], Awaitable[None]]
H = TypeVar("H", bound=Handler)


class Projection:
    def __init__(self, name: str, *, tables: Iterable[str], topics: Iterable[str]) -> None:
        self.name = name
        self.tables = tuple(tables)
        """The tables a rebuild empties before replaying."""
        self.topics = tuple(topics)
        """The Kafka topics this projection is kept from."""
        self._handlers: dict[type[Event], Handler] = {}

    def on(self, event_type: type[Event]) -> Callable[[H], H]:
        def register(handler: H) -> H:
            self._handlers[event_type] = handler
            return handler

        return register

    @property
    def event_types(self) -> tuple[type[Event], ...]:
        return tuple(self._handlers)

    def handles(self, envelope: Envelope[Any]) -> bool:
        return type(envelope.data) in self._handlers

    async def apply(self, conn: asyncpg.Connection, envelope: Envelope[Any]) -> None:
        await self._handlers[type(envelope.data)](conn, envelope)


async def apply_once(
    conn: asyncpg.Connection, projection: Projection, envelopes: list[Envelope[Any]], *, service: str
) -> int:
    """Apply the envelopes not seen before, in order; return how many were applied.

    Must run in the caller's transaction, together with the offset commit's precondition.
    """
    relevant = [e for e in envelopes if projection.handles(e)]
    if not relevant:
        return 0
    fresh_ids = {
        r["event_id"]
        for r in await conn.fetch(
            """
            INSERT INTO processed_events (event_id, event_type)
            SELECT * FROM unnest($1::uuid[], $2::text[])
            ON CONFLICT DO NOTHING
            RETURNING event_id
            """,
            [e.id for e in relevant],
            [e.type for e in relevant],
        )
    }
    applied = 0
    for envelope in relevant:
        if envelope.id in fresh_ids:
            fresh_ids.discard(envelope.id)  # the same event twice in one batch applies once
            await projection.apply(conn, envelope)
            EVENTS_APPLIED.labels(service, envelope.type).inc()
            applied += 1
    if skipped := len(relevant) - applied:
        EVENTS_DUPLICATE.labels(service).inc(skipped)
    return applied
