"""Redriving dead letters: list a service's letters, and replay chosen ones into its consumer
after a fix.

A letter is replayed as the record it was — its origin topic, partition and offset, key, value
and headers — through :meth:`ProjectionConsumer.process`: the same reading, size limit and
apply-once path as live consumption, so what was applied once stays applied once. A letter
that fails again goes back to the dead-letter topic with ``yishi_dlq_redrives`` one higher (and
supersedes the one redriven); one applied now, or before, stays where it is — Kafka keeps every
letter, and the list shows it as applied. A letter cut to fit the topic, or of a record the
client could not decode, cannot be redriven: the whole record is only at its origin.
"""

import dataclasses
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import asyncpg
from aiokafka import ConsumerRecord
from aiokafka.admin import AIOKafkaAdminClient

from .binding import MalformedMessage
from .consumer import ProjectionConsumer
from .db import create_pool
from .deadletter import PREFIX, DeadLetterPublisher
from .kafka_reading import read_to_end
from .kafka_security import aiokafka_options
from .relay import build_producer
from .settings import KafkaSecurity

if TYPE_CHECKING:
    from .runtime import ServiceRuntime


@dataclass(frozen=True)
class Letter:
    """One record of a dead-letter topic, and the record it parks."""

    partition: int
    offset: int
    """Where the letter is in the dead-letter topic: ``yishi deadletters redrive --offset P:O``."""
    timestamp_ms: int
    reason: str
    detail: str
    origin: tuple[str, int, int]
    """The parked record's topic, partition and offset."""
    redrives: int
    truncated: int | None
    """The value's full size when the letter keeps only its first bytes."""
    unread: bool
    """The Kafka client could not decode the record: the letter has nothing of it."""
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes | None], ...]
    """The parked record's own headers, without the letter's."""

    @property
    def position(self) -> str:
        return f"{self.partition}:{self.offset}"

    @property
    def time(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp_ms / 1000, UTC)

    @property
    def event_id(self) -> UUID | None:
        for name, value in self.headers:
            if name == "ce_id" and value is not None:
                try:
                    return UUID(value.decode("ascii"))
                except ValueError:
                    return None
        return None

    def record(self) -> ConsumerRecord:
        """The parked record as its consumer read it."""
        topic, partition, offset = self.origin
        return ConsumerRecord(
            topic, partition, offset, self.timestamp_ms, 0, self.key, self.value, None,
            len(self.key) if self.key is not None else -1, len(self.value) if self.value is not None else -1,
            self.headers,
        )


def letter_of(record: ConsumerRecord) -> Letter:
    own: dict[str, str] = {}
    kept = []
    for name, value in record.headers or ():
        if name.startswith(PREFIX):
            own[name[len(PREFIX):]] = (value or b"").decode("utf-8", "replace")
        else:
            kept.append((name, value))
    return Letter(
        partition=record.partition, offset=record.offset, timestamp_ms=record.timestamp,
        reason=own.get("reason", "unknown"), detail=own.get("detail", ""),
        origin=(own.get("topic", "?"), _int(own.get("partition")), _int(own.get("offset"))),
        redrives=_int(own.get("redrives"), 0),
        truncated=_int(own["truncated"]) if "truncated" in own else None, unread="unread" in own,
        key=record.key, value=record.value, headers=tuple(kept),
    )


def _int(text: str | None, default: int = -1) -> int:
    return int(text) if text is not None and text.isdigit() else default


async def dead_letters(bootstrap_servers: str, topic: str, *, security: KafkaSecurity | None = None) -> list[Letter]:
    """Every letter in the topic, oldest first (none when the topic does not exist yet)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="yishi-deadletters",
                                **aiokafka_options(security))
    await admin.start()
    try:
        if topic not in set(await admin.list_topics()):
            return []
    finally:
        await admin.close()
    letters = [
        letter_of(record)
        async for batch in read_to_end(bootstrap_servers, [topic], client_id="yishi-deadletters", security=security)
        for record in batch
    ]
    return sorted(letters, key=lambda letter: (letter.timestamp_ms, letter.partition, letter.offset))


def current(letters: Iterable[Letter]) -> list[Letter]:
    """The latest letter of each parked record: a redrive that failed again supersedes the first."""
    latest: dict[tuple[str, int, int], Letter] = {}
    for letter in letters:
        known = latest.get(letter.origin)
        if known is None or (letter.redrives, letter.timestamp_ms) >= (known.redrives, known.timestamp_ms):
            latest[letter.origin] = letter
    return sorted(latest.values(), key=lambda letter: (letter.timestamp_ms, letter.partition, letter.offset))


def choose(letters: Sequence[Letter], *, reason: str | None = None, positions: Iterable[str] = ()) -> list[Letter]:
    """The current letters of one reason, or the letters at the given ``P:O`` positions.

    Raises ValueError naming a position that holds no letter."""
    wanted = list(positions)
    if wanted:
        by_position = {letter.position: letter for letter in letters}
        if missing := [p for p in wanted if p not in by_position]:
            raise ValueError(f"no dead letter at {', '.join(missing)}")
        return [by_position[p] for p in dict.fromkeys(wanted)]
    return [letter for letter in current(letters) if reason is None or letter.reason == reason]


async def applied_since(conn: asyncpg.Connection, letters: Iterable[Letter]) -> set[UUID]:
    """The letters' event ids the service has applied (a redrive, or the event came again)."""
    ids = [letter.event_id for letter in letters if letter.event_id is not None]
    rows = await conn.fetch(
        "SELECT event_id FROM processed_events WHERE event_id = ANY($1::uuid[]) "
        "UNION SELECT event_id FROM processed_reactions WHERE event_id = ANY($1::uuid[])",
        ids,
    )
    return {row["event_id"] for row in rows}


@dataclass(frozen=True)
class Redriven:
    letter: Letter
    outcome: str
    """``applied``, ``already applied``, ``not for this service``, ``still failing`` (back in the
    dead-letter topic), ``not redrivable``; with ``dry_run``: ``readable`` or ``still failing``."""
    detail: str = ""


async def redrive(consumer: ProjectionConsumer, letters: Iterable[Letter], *, dry_run: bool = False) -> list[Redriven]:
    """Replay the letters, in their origin's order, one transaction each."""
    results = []
    for letter in sorted(letters, key=lambda letter: letter.origin):
        if letter.unread:
            results.append(Redriven(letter, "not redrivable", "the record could not be read; it is at its origin"))
        elif letter.truncated is not None:
            results.append(Redriven(letter, "not redrivable", f"the letter keeps {len(letter.value or b'')} of "
                                    f"{letter.truncated} bytes; the record is at its origin"))
        elif dry_run:
            results.append(_readable(consumer, letter))
        else:
            results.append(await _replay(consumer, letter))
    return results


def _readable(consumer: ProjectionConsumer, letter: Letter) -> Redriven:
    try:
        consumer.read(letter.record())
    except MalformedMessage as exc:
        return Redriven(letter, "still failing", f"{exc.reason}: {exc.detail}")
    return Redriven(letter, "readable")


async def _replay(consumer: ProjectionConsumer, letter: Letter) -> Redriven:
    outcome = await consumer.process([letter.record()])
    if outcome.letters:
        again = [dataclasses.replace(failed, redrives=letter.redrives + 1) for failed in outcome.letters]
        await consumer.dead_letter(again)
        return Redriven(letter, "still failing", f"{again[0].reason}: {again[0].detail}")
    if "applied" in outcome.outcomes:
        return Redriven(letter, "applied")
    if "duplicate" in outcome.outcomes:
        return Redriven(letter, "already applied")
    return Redriven(letter, "not for this service", "its projection has no handler for this type")


@asynccontextmanager
async def consumer_of(runtime: "ServiceRuntime[Any]") -> AsyncIterator[ProjectionConsumer]:
    """The service's consumer path outside the service: its projection, a pool and a producer
    for its dead-letter topic (reactions that record events open units of work on the pool;
    the running service's relay publishes what they put in the outbox)."""
    settings = runtime.settings
    if runtime.projection is None:
        raise ValueError(f"{settings.service} consumes nothing: it has no dead letters")
    pool = await create_pool(settings.database_url, max_size=2)
    producer = build_producer(settings.kafka.bootstrap_servers, f"yishi-{settings.service}-redrive",
                              settings.kafka.security)
    await producer.start()
    runtime.pool = pool
    try:
        yield ProjectionConsumer(
            service=settings.service, pool=pool, projection=runtime.projection,
            dead_letters=DeadLetterPublisher(producer, topic=runtime.dead_letter_topic, service=settings.service),
            max_record_bytes=settings.kafka.max_record_bytes,
        )
    finally:
        runtime.pool = None
        await producer.stop()
        await pool.close()


def printable(data: bytes | None, limit: int = 60) -> str:
    """Bytes as one line a terminal shows as they are: control characters and invalid UTF-8 escaped."""
    if data is None:
        return "(none)"
    text = data[:limit].decode("utf-8", "backslashreplace")
    shown = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)
    return shown + ("…" if len(data) > limit else "")
