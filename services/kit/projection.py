"""Projections: read models kept from events, applied exactly once per event.

A projection is a set of handlers, one per event type, each a function of the
connection and the envelope. ``apply_once`` records the event ids it applies in
``processed_events`` inside the caller's transaction, so a redelivered event changes
nothing. The same path serves live consumption, a service's own events applied inline
when it emits them, and a rebuild from Kafka offset 0.

A reaction (``reacts_to``) is different: it acts on an event — records new events of the
service, e.g. publication starting a disclosure when a resolution is adopted. Reactions
run once per event ever (``processed_reactions``, which a rebuild leaves alone) and never
during a rebuild, so rebuilding a view never repeats what the service did.
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
        self._reactions: dict[type[Event], Handler] = {}

    def on(self, event_type: type[Event]) -> Callable[[H], H]:
        def register(handler: H) -> H:
            self._handlers[event_type] = handler
            return handler

        return register

    def reacts_to(self, event_type: type[Event]) -> Callable[[H], H]:
        def register(handler: H) -> H:
            self._reactions[event_type] = handler
            return handler

        return register

    @property
    def event_types(self) -> tuple[type[Event], ...]:
        return tuple(dict.fromkeys((*self._handlers, *self._reactions)))

    def handles(self, envelope: Envelope[Any]) -> bool:
        return type(envelope.data) in self._handlers

    def reacts(self, envelope: Envelope[Any]) -> bool:
        return type(envelope.data) in self._reactions

    async def apply(self, conn: asyncpg.Connection, envelope: Envelope[Any]) -> None:
        await self._handlers[type(envelope.data)](conn, envelope)

    async def react(self, conn: asyncpg.Connection, envelope: Envelope[Any]) -> None:
        await self._reactions[type(envelope.data)](conn, envelope)


async def _fresh(conn: asyncpg.Connection, table: str, envelopes: list[Envelope[Any]]) -> set[Any]:
    if not envelopes:
        return set()
    rows = await conn.fetch(
        f"""
        INSERT INTO {table} (event_id, event_type)
        SELECT * FROM unnest($1::uuid[], $2::text[])
        ON CONFLICT DO NOTHING
        RETURNING event_id
        """,
        [e.id for e in envelopes],
        [e.type for e in envelopes],
    )
    return {r["event_id"] for r in rows}


async def apply_once(
    conn: asyncpg.Connection,
    projection: Projection,
    envelopes: list[Envelope[Any]],
    *,
    service: str,
    reactions: bool = True,
) -> int:
    """Apply the envelopes not seen before, in order (views, then reactions, per event);
    return how many changed the views. ``reactions=False`` is for rebuilds.

    Must run in the caller's transaction, together with the offset commit's precondition.
    """
    viewed = [e for e in envelopes if projection.handles(e)]
    reacted = [e for e in envelopes if reactions and projection.reacts(e)]
    fresh_views = await _fresh(conn, "processed_events", viewed)
    fresh_reactions = await _fresh(conn, "processed_reactions", reacted)
    applied = 0
    for envelope in envelopes:
        if envelope.id in fresh_views and projection.handles(envelope):
            fresh_views.discard(envelope.id)  # the same event twice in one batch applies once
            await projection.apply(conn, envelope)
            EVENTS_APPLIED.labels(service, envelope.type).inc()
            applied += 1
        if envelope.id in fresh_reactions:
            fresh_reactions.discard(envelope.id)
            await projection.react(conn, envelope)
    if skipped := len(viewed) - applied:
        EVENTS_DUPLICATE.labels(service).inc(skipped)
    return applied
