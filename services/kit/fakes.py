"""In-memory stand-ins for the event store, outbox and views: use cases tested in milliseconds.

``FakeService`` offers what a real ``ServiceRuntime`` offers a use case — ``commands``,
``units``, ``reading()`` and ``clock`` — over dictionaries. Recording checks the expected
version like the real store (a stale writer gets ConcurrencyConflict) and keeps no event
of a unit of work that raised. Public events go to ``views.apply(envelope)`` as they are
recorded, when the views have such a method — as the inline projection does. These are for unit tests only: the
real PostgreSQL/Kafka tests are what prove a feature works.
"""

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar
from uuid import UUID

from yishi_contracts import Envelope, Event

from .commands import Commands
from .eventstore import ConcurrencyConflict, PrivateEvent
from .streams import EventCodec, EventStream, Loaded

V = TypeVar("V")


class FixedClock:
    """A clock that stands still until moved."""

    def __init__(self, at: datetime | None = None) -> None:
        self.at = at or datetime(2026, 3, 2, 1, 30, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> datetime:
        self.at += timedelta(**delta)
        return self.at


@dataclass
class FakeStore:
    """Streams of events (decoded), and the outbox of public envelopes, in memory."""

    streams: dict[str, list[object]] = field(default_factory=dict)
    outbox: list[Envelope[Any]] = field(default_factory=list)
    private: list[PrivateEvent] = field(default_factory=list)

    def published(self, event_type: type[Event] | None = None) -> list[Any]:
        """The public events put in the outbox (of one type, if given), oldest first."""
        return [e.data for e in self.outbox if event_type is None or isinstance(e.data, event_type)]


class FakeUnitOfWork(Generic[V]):
    def __init__(self, store: FakeStore, views: V, events: EventStream, clock: FixedClock) -> None:
        self._store = store
        self._views = views
        self._events = events
        self._clock = clock
        self._staged: dict[str, list[object]] = {}
        self._outbox: list[Envelope[Any]] = []
        self._private: list[PrivateEvent] = []

    @property
    def views(self) -> V:
        return self._views

    def _stream(self, stream_id: str) -> list[object]:
        return self._staged.get(stream_id, self._store.streams.get(stream_id, []))

    async def load(self, stream_id: str) -> Loaded:
        events = list(self._stream(stream_id))
        return Loaded(events, len(events))

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
        events = list(events)
        current = self._stream(stream_id)
        if len(current) != expected_version:
            raise ConcurrencyConflict(stream_id, expected_version)
        records = self._events.records(
            stream_id, events, community_id=community_id, now=self._clock.now(), cause=cause,
            correlation_id=correlation_id,
        )
        self._staged[stream_id] = [*current, *events]
        public = [r for r in records if isinstance(r, Envelope)]
        self._outbox.extend(public)
        self._private.extend(r for r in records if isinstance(r, PrivateEvent))
        apply = getattr(self._views, "apply", None)
        for envelope in public:
            if apply is not None:
                apply(envelope)
        return public

    def commit(self) -> None:
        self._store.streams.update(self._staged)
        self._store.outbox.extend(self._outbox)
        self._store.private.extend(self._private)


class FakeService(Generic[V]):
    """The in-memory service a use case runs against in a unit test."""

    def __init__(self, views: V, *, service: str = "test", codec: EventCodec | None = None,
                 clock: FixedClock | None = None) -> None:
        self.views = views
        self.store = FakeStore()
        self.clock = clock or FixedClock()
        self.events = EventStream(codec=codec or EventCodec(service, ()), source=f"/yishi/{service}", topic="test")
        self.commands: Commands[V] = Commands(self.units, self.clock)

    @asynccontextmanager
    async def units(self) -> AsyncIterator[FakeUnitOfWork[V]]:
        uow = FakeUnitOfWork(self.store, self.views, self.events, self.clock)
        yield uow
        uow.commit()

    def on(self, _conn: object = None) -> FakeUnitOfWork[V]:
        """A unit of work as a reaction gets it; call ``commit()`` to keep what it recorded."""
        return FakeUnitOfWork(self.store, self.views, self.events, self.clock)

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[V]:
        yield self.views

    def published(self, event_type: type[Event] | None = None) -> list[Any]:
        return self.store.published(event_type)
