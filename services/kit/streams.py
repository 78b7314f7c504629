"""Event-sourced aggregates' streams: load an aggregate's events, append its new ones.

A service's domain events are either public contract events (``yishi_contracts``), which
are stored and published, or private dataclasses, stored under a stable name
``<service>.<ClassName>.v1`` (never an import path) and serialised by pydantic.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import asyncpg
from pydantic import TypeAdapter
from yishi_contracts import Envelope, Event, resolve

from . import eventstore
from .eventstore import PrivateEvent, Record
from .tracing import REQUEST_CORRELATION, stamped


class EventCodec:
    """Stable names for one service's private domain events, and their JSON form."""

    def __init__(self, service: str, classes: Iterable[type]) -> None:
        self._names: dict[type, str] = {cls: f"{service}.{cls.__name__}.v1" for cls in classes}
        self._classes = {name: cls for cls, name in self._names.items()}
        self._adapters: dict[type, TypeAdapter[Any]] = {cls: TypeAdapter(cls) for cls in self._names}

    def knows(self, event: object) -> bool:
        return type(event) in self._names

    def name_of(self, event: object) -> str:
        try:
            return self._names[type(event)]
        except KeyError:
            raise TypeError(f"{type(event).__name__} is neither a public contract nor a registered private event") from None

    def encode(self, event: object) -> dict[str, Any]:
        return self._adapters[type(event)].dump_python(event, mode="json")

    def decode(self, name: str, data: dict[str, Any]) -> object:
        cls = self._classes[name]
        return self._adapters[cls].validate_python(data)


@dataclass(frozen=True)
class Loaded:
    events: list[object]
    version: int
    last_envelope: dict[str, Any] | None = None


class EventStream:
    """Loads and appends one kind of aggregate's events in the service's store."""

    def __init__(self, *, codec: EventCodec, source: str, topic: str) -> None:
        self.codec = codec
        self.source = source
        self.topic = topic

    async def load(self, conn: asyncpg.Connection, stream_id: str) -> Loaded:
        stored = await eventstore.load(conn, stream_id)
        events: list[object] = []
        for item in stored:
            doc = item.envelope
            if doc.get("private"):
                events.append(self.codec.decode(doc["type"], doc["data"]))
            else:
                events.append(resolve(doc["type"], doc.get("schemaversion")).model_validate(doc["data"]))
        return Loaded(events, stored[-1].version if stored else 0, stored[-1].envelope if stored else None)

    def records(
        self,
        stream_id: str,
        events: Iterable[object],
        *,
        community_id: str,
        now: datetime,
        cause: Envelope[Any] | None = None,
        correlation_id: UUID | None = None,
    ) -> list[Record]:
        """Envelopes for public events, private records for the rest, one correlation for all.

        The correlation is the cause's, else the one given, else the HTTP request's; each record
        keeps the trace context it is recorded in, so the trace follows it through the outbox."""
        correlation = cause.correlationid if cause else (correlation_id or REQUEST_CORRELATION.get() or uuid4())
        causation = cause.id if cause else None
        out: list[Record] = []
        for event in events:
            record: Record
            if isinstance(event, Event):
                record = Envelope.wrap(
                    event, source=self.source, correlation_id=correlation, causation_id=causation, time=now
                )
            else:
                record = PrivateEvent(
                    id=uuid4(), type=self.codec.name_of(event), time=now, subject=stream_id, community_id=community_id,
                    correlation_id=correlation, causation_id=causation, data=self.codec.encode(event),
                )
            out.append(stamped(record))
        return out
