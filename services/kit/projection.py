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

import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

import asyncpg
from opentelemetry.trace import SpanKind
from yishi_contracts import Envelope, Event

from . import logs, tracing
from .metrics import EVENTS_HANDLED, HANDLER_DURATION

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


class Handled:
    """What handling did, per event: counted only once the transaction committed, so a batch
    replayed after a failure is not counted twice."""

    def __init__(self, service: str) -> None:
        self.service = service
        self._seen: list[tuple[str, str, float | None]] = []

    def add(self, event_type: str, outcome: str, seconds: float | None = None) -> None:
        self._seen.append((event_type, outcome, seconds))

    def count(self) -> None:
        for event_type, outcome, seconds in self._seen:
            EVENTS_HANDLED.labels(self.service, event_type, outcome).inc()
            if seconds is not None:
                HANDLER_DURATION.labels(self.service, event_type).observe(seconds)
        self._seen.clear()


async def apply_once(
    conn: asyncpg.Connection,
    projection: Projection,
    envelopes: list[Envelope[Any]],
    *,
    service: str,
    reactions: bool = True,
    handled: Handled | None = None,
) -> int:
    """Apply the envelopes not seen before, in order (views, then reactions, per event);
    return how many changed the views. ``reactions=False`` is for rebuilds.

    Must run in the caller's transaction, together with the offset commit's precondition.
    Each event is handled in a span that continues the event's own trace, with its ids in the
    log context. Outcomes go to ``handled`` (the caller counts them after its commit), else
    they are counted at once.
    """
    tally = handled or Handled(service)
    viewed = [e for e in envelopes if projection.handles(e)]
    reacted = [e for e in envelopes if reactions and projection.reacts(e)]
    fresh_views = await _fresh(conn, "processed_events", viewed)
    fresh_reactions = await _fresh(conn, "processed_reactions", reacted)
    applied = 0
    for envelope in envelopes:
        view = envelope.id in fresh_views and projection.handles(envelope)
        react = envelope.id in fresh_reactions
        if not (view or react):
            if projection.handles(envelope) or (reactions and projection.reacts(envelope)):
                tally.add(envelope.type, "duplicate")
            continue
        # the same event twice in one batch is handled once
        fresh_views.discard(envelope.id)
        fresh_reactions.discard(envelope.id)
        with logs.bound_event(envelope), tracing.event_span(
            f"{service} handle {envelope.type}", envelope, kind=SpanKind.CONSUMER,
            **{"yishi.projection": projection.name, "yishi.reaction": react},
        ):
            started = time.perf_counter()
            if view:
                await projection.apply(conn, envelope)
                applied += 1
            if react:
                await projection.react(conn, envelope)
            tally.add(envelope.type, "applied", time.perf_counter() - started)
    if handled is None:
        tally.count()
    return applied
