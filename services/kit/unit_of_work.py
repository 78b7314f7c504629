"""The unit of work: one transaction in which a use case reads and records.

A use case sees a :class:`UnitOfWork` — load a stream, record events, and the service's own
``views`` port (its read models and side tables, typed by the service) — and never a raw
connection. ``PostgresUnitOfWork`` is the real one: recording stores the events, puts the
public ones in the outbox and applies them to the service's inline projection, all in the
caller's transaction. ``services.kit.fakes`` has the in-memory one for unit tests.
"""

from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar
from uuid import UUID

import asyncpg
from yishi_contracts import Envelope

from . import eventstore
from .projection import Projection, apply_once
from .streams import EventStream, Loaded

V = TypeVar("V")
V_co = TypeVar("V_co", covariant=True)


class UnitOfWork(Protocol[V_co]):
    """What a use case may do inside its transaction."""

    @property
    def views(self) -> V_co: ...

    async def load(self, stream_id: str) -> Loaded: ...

    async def record(
        self,
        stream_id: str,
        *,
        expected_version: int,
        events: Iterable[object],
        community_id: str,
        cause: Envelope[Any] | None = None,
        correlation_id: UUID | None = None,
    ) -> list[Envelope[Any]]: ...


UnitOfWorkFactory = Callable[[], AbstractAsyncContextManager[UnitOfWork[V]]]
"""Opens a new unit of work (a new transaction); commits when the block ends without error."""


class PostgresUnitOfWork(Generic[V]):
    def __init__(
        self,
        conn: asyncpg.Connection,
        *,
        events: EventStream,
        views: V,
        now: Callable[[], datetime],
        projection: Projection | None,
        service: str,
        from_kafka: frozenset[type] = frozenset(),
    ) -> None:
        self.conn = conn
        self._events = events
        self._views = views
        self._now = now
        self._projection = projection
        self._service = service
        self._from_kafka = from_kafka

    @property
    def views(self) -> V:
        return self._views

    async def load(self, stream_id: str) -> Loaded:
        return await self._events.load(self.conn, stream_id)

    async def record(
        self,
        stream_id: str,
        *,
        expected_version: int,
        events: Iterable[object],
        community_id: str,
        cause: Envelope[Any] | None = None,
        correlation_id: UUID | None = None,
    ) -> list[Envelope[Any]]:
        records = self._events.records(
            stream_id, events, community_id=community_id, now=self._now(), cause=cause, correlation_id=correlation_id
        )
        await eventstore.append(
            self.conn, stream_id=stream_id, expected_version=expected_version, envelopes=records,
            topic=self._events.topic,
        )
        public = [r for r in records if isinstance(r, Envelope)]
        inline = [e for e in public if type(e.data) not in self._from_kafka]
        if self._projection is not None and inline:
            await apply_once(self.conn, self._projection, inline, service=self._service)
        return public


class PostgresUnits(Generic[V]):
    """Makes units of work on a pool (a new transaction each) or on a connection already in one.

    Inside :meth:`holding` (a request sent with an idempotency key) every unit of work of the
    request is a savepoint in the one transaction held, and queries read on its connection:
    the request's answer is kept in the transaction that records its events, and what the
    answer reads includes them.

    ``from_kafka``: the service's own event types its projection is not applied to inline; its
    consumer applies them from the service's topic a moment later, many in one statement. For
    a hot command whose views answer meanwhile from what the command wrote itself."""

    def __init__(
        self,
        *,
        pool: Callable[[], asyncpg.Pool],
        events: EventStream,
        views: Callable[[asyncpg.Connection], V],
        now: Callable[[], datetime],
        projection: Callable[[], Projection | None],
        service: str,
        from_kafka: Iterable[type] = (),
    ) -> None:
        self._pool = pool
        self._events = events
        self._views = views
        self._now = now
        self._projection = projection
        self._service = service
        self._held: ContextVar[PostgresUnitOfWork[V] | None] = ContextVar(f"{service}-held-unit", default=None)
        self._from_kafka = frozenset(from_kafka)

    def on(self, conn: asyncpg.Connection) -> PostgresUnitOfWork[V]:
        """A unit of work inside the caller's transaction (a reaction in a consumer's batch)."""
        return PostgresUnitOfWork(
            conn, events=self._events, views=self._views(conn), now=self._now, projection=self._projection(),
            service=self._service, from_kafka=self._from_kafka,
        )

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[PostgresUnitOfWork[V]]:
        held = self._held.get()
        if held is not None:
            # A savepoint: a conflict undoes this attempt only, and the command path decides again.
            async with held.conn.transaction():
                yield held
            return
        async with self._pool().acquire() as conn, conn.transaction():
            yield self.on(conn)

    @asynccontextmanager
    async def holding(self) -> AsyncIterator[PostgresUnitOfWork[V]]:
        """One transaction for everything the caller's task does until the block ends."""
        async with self._pool().acquire() as conn, conn.transaction():
            unit = self.on(conn)
            token = self._held.set(unit)
            try:
                yield unit
            finally:
                self._held.reset(token)

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[V]:
        """The views port on a pooled connection, for queries (no transaction, nothing recorded)."""
        held = self._held.get()
        if held is not None:
            yield held.views
            return
        async with self._pool().acquire() as conn:
            yield self._views(conn)
