"""Projections: read models kept from events, applied exactly once per event, in batches.

A projection is a set of handlers, each a function of the connection and the events.
``apply_once`` records the event ids it applies in ``processed_events`` inside the caller's
transaction, so a redelivered event changes nothing. The same path serves live
consumption, a service's own events applied inline when it emits them, and a rebuild from
Kafka offset 0.

Most views are kept by batch handlers (``on_batch``): a handler gets every event of its
types in the batch, in batch order, and writes them with one statement. That is only the
same as applying them one at a time if the handler commutes with every other handler of
the view — which each already must, since events from different Kafka topics arrive in any
order: each step writes its own columns, times keep their greatest value, and several
events for one row in a batch leave it as they would one after another
(``services.kit.upsert``). A view whose writes depend on the order of events of different
types registers per-event handlers (``on``) instead: those run one event at a time, in
batch order, after the batch handlers.

A reaction (``reacts_to``) is different: it acts on an event — records new events of the
service, e.g. publication starting a disclosure when a resolution is adopted. Reactions
run once per event ever (``processed_reactions``, which a rebuild leaves alone), one event
at a time after the batch's views (so a reaction sees the views with its whole batch
applied), and never during a rebuild, so rebuilding a view never repeats what the service did.
"""

import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import asyncpg
import structlog
from opentelemetry.trace import SpanKind
from yishi_contracts import Envelope, Event

from . import logs, tracing
from .metrics import EVENTS_HANDLED, HANDLER_DURATION, observe_each
from .upsert import STAGED_FROM, column_types, staged

Handler = Callable[[asyncpg.Connection, Envelope[Any]], Awaitable[None]]
BatchHandler = Callable[[asyncpg.Connection, list[Envelope[Any]]], Awaitable[None]]
H = TypeVar("H", bound=Handler)
B = TypeVar("B", bound=BatchHandler)


class Projection:
    def __init__(self, name: str, *, tables: Iterable[str], topics: Iterable[str]) -> None:
        self.name = name
        self.tables = tuple(tables)
        """The tables a rebuild empties before replaying."""
        self.topics = tuple(topics)
        """The Kafka topics this projection is kept from."""
        self._viewed: list[type[Event]] = []
        """The types a view handler is registered for, in the order they were."""
        self._batched: dict[type[Event], BatchHandler] = {}
        self._one_by_one: dict[type[Event], Handler] = {}
        self._reactions: dict[type[Event], Handler] = {}

    def on_batch(self, *event_types: type[Event]) -> Callable[[B], B]:
        """A view's handler for all of a batch's events of these types at once, in batch order."""

        def register(handler: B) -> B:
            for event_type in event_types:
                self._viewed_once(event_type)
                self._batched[event_type] = handler
            return handler

        return register

    def on(self, event_type: type[Event]) -> Callable[[H], H]:
        """A view's handler for one event at a time, for writes that depend on the order of events."""

        def register(handler: H) -> H:
            self._viewed_once(event_type)
            self._one_by_one[event_type] = handler
            return handler

        return register

    def reacts_to(self, event_type: type[Event]) -> Callable[[H], H]:
        def register(handler: H) -> H:
            if event_type in self._reactions:
                raise ValueError(f"{self.name} already reacts to {event_type.__name__}")
            self._reactions[event_type] = handler
            return handler

        return register

    def _viewed_once(self, event_type: type[Event]) -> None:
        if event_type in self._batched or event_type in self._one_by_one:
            raise ValueError(f"{self.name} already has a view handler for {event_type.__name__}")
        self._viewed.append(event_type)

    @property
    def event_types(self) -> tuple[type[Event], ...]:
        return tuple(dict.fromkeys((*self._viewed, *self._reactions)))

    def handles(self, envelope: Envelope[Any]) -> bool:
        kind = type(envelope.data)
        return kind in self._batched or kind in self._one_by_one

    def reacts(self, envelope: Envelope[Any]) -> bool:
        return type(envelope.data) in self._reactions

    def batches(self, envelopes: Iterable[Envelope[Any]]) -> list[tuple[BatchHandler, list[Envelope[Any]]]]:
        """The batch handlers' groups of ``envelopes``, in order of each group's first event."""
        groups: dict[BatchHandler, list[Envelope[Any]]] = {}
        for envelope in envelopes:
            handler = self._batched.get(type(envelope.data))
            if handler is not None:
                groups.setdefault(handler, []).append(envelope)
        return list(groups.items())

    def one_by_one(self, envelope: Envelope[Any]) -> Handler | None:
        return self._one_by_one.get(type(envelope.data))

    def reaction(self, envelope: Envelope[Any]) -> Handler:
        return self._reactions[type(envelope.data)]


async def _fresh(conn: asyncpg.Connection, table: str, envelopes: list[Envelope[Any]]) -> list[Envelope[Any]]:
    """The envelopes not seen before (each id once, in order), now marked seen in ``table``.

    Only the ids that were there already come back (usually none): reading every new id back
    cost more than writing it."""
    if not envelopes:
        return []
    firsts: dict[Any, Envelope[Any]] = {}
    for envelope in envelopes:
        firsts.setdefault(envelope.id, envelope)  # the same event twice in one batch is handled once
    if len(firsts) >= STAGED_FROM:
        given = await staged(conn, table, await column_types(conn, table), ("event_id", "event_type"),
                             [(e.id, e.type) for e in firsts.values()])
        values: tuple[list[Any], ...] = ()
    else:
        given = "staged AS (SELECT * FROM unnest($1::uuid[], $2::text[]) AS g (event_id, event_type))"
        values = (list(firsts), [e.type for e in firsts.values()])
    seen = await conn.fetch(
        f"""
        WITH {given},
             kept AS (INSERT INTO {table} (event_id, event_type) SELECT event_id, event_type FROM staged
                      ON CONFLICT DO NOTHING RETURNING event_id)
        SELECT event_id FROM staged EXCEPT ALL SELECT event_id FROM kept
        """,
        *values,
    )
    if not seen:
        return list(firsts.values())
    before = {r["event_id"] for r in seen}
    return [e for i, e in firsts.items() if i not in before]


class Handled:
    """What handling did, per event: counted only once the transaction committed, so a batch
    replayed after a failure is not counted twice."""

    def __init__(self, service: str) -> None:
        self.service = service
        self._seen: list[tuple[str, str, float | None]] = []

    def add(self, event_type: str, outcome: str, seconds: float | None = None) -> None:
        self._seen.append((event_type, outcome, seconds))

    def count(self) -> None:
        outcomes: Counter[tuple[str, str]] = Counter()
        durations: dict[str, list[float]] = {}
        for event_type, outcome, seconds in self._seen:
            outcomes[event_type, outcome] += 1
            if seconds is not None:
                durations.setdefault(event_type, []).append(seconds)
        for (event_type, outcome), n in outcomes.items():  # a batch's labels looked up once each
            EVENTS_HANDLED.labels(self.service, event_type, outcome).inc(n)
        for event_type, spent in durations.items():
            observe_each(HANDLER_DURATION.labels(self.service, event_type), spent)
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
    """Apply the envelopes not seen before: the batch handlers' groups, then the per-event
    views in order, then the reactions in order; return how many changed the views.
    ``reactions=False`` is for rebuilds.

    Must run in the caller's transaction, together with the offset commit's precondition.
    A group of one event, a per-event view and a reaction are each handled in a span that
    continues the event's own trace, with its ids in the log context; a group of several in
    a span of its own linked to theirs (``yishi.events`` says how many). Outcomes go to
    ``handled`` (the caller counts them after its commit), else they are counted at once;
    an event's handler time is its share of its group's plus its own per-event handlers'.
    """
    tally = handled or Handled(service)
    viewed = await _fresh(conn, "processed_events", [e for e in envelopes if projection.handles(e)])
    reacted = await _fresh(conn, "processed_reactions", [e for e in envelopes if reactions and projection.reacts(e)])
    seconds: dict[Any, float] = {}
    for handler, group in projection.batches(viewed):
        with _group_context(service, projection, group):
            started = time.perf_counter()
            await handler(conn, group)
            share = (time.perf_counter() - started) / len(group)
        for envelope in group:
            seconds[envelope.id] = share
    for envelope in viewed:
        if (handler := projection.one_by_one(envelope)) is not None:
            seconds[envelope.id] = await _one(handler, conn, envelope, service, projection, reaction=False)
    for envelope in reacted:
        spent = await _one(projection.reaction(envelope), conn, envelope, service, projection, reaction=True)
        seconds[envelope.id] = seconds.get(envelope.id, 0.0) + spent
    counted: set[Any] = set()
    for envelope in envelopes:
        if envelope.id in seconds and envelope.id not in counted:
            counted.add(envelope.id)
            tally.add(envelope.type, "applied", seconds[envelope.id])
        elif projection.handles(envelope) or (reactions and projection.reacts(envelope)):
            tally.add(envelope.type, "duplicate")
    if handled is None:
        tally.count()
    return len(viewed)


async def _one(handler: Handler, conn: asyncpg.Connection, envelope: Envelope[Any], service: str,
               projection: Projection, *, reaction: bool) -> float:
    name = f"{service} {'react to' if reaction else 'handle'} {envelope.type}"
    with logs.bound_event(envelope), tracing.event_span(
        name, envelope, kind=SpanKind.CONSUMER, **{"yishi.projection": projection.name, "yishi.reaction": reaction},
    ):
        started = time.perf_counter()
        await handler(conn, envelope)
        return time.perf_counter() - started


@contextmanager
def _group_context(service: str, projection: Projection, group: list[Envelope[Any]]) -> Iterator[None]:
    """The span (and log context) a batch handler's group is handled in."""
    attributes = {"yishi.projection": projection.name, "yishi.reaction": False, "yishi.events": len(group)}
    if len(group) == 1:
        (envelope,) = group
        with logs.bound_event(envelope), tracing.event_span(
            f"{service} handle {envelope.type}", envelope, kind=SpanKind.CONSUMER, **attributes
        ):
            yield
        return
    types = sorted({e.type for e in group})
    named = types[0] if len(types) == 1 else projection.name
    with structlog.contextvars.bound_contextvars(event_type=", ".join(types), event_count=len(group)), tracing.batch_span(
        f"{service} handle {named}", group, kind=SpanKind.CONSUMER, **attributes, **{"yishi.event_types": types}
    ):
        yield
