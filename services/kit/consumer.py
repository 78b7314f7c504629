"""The idempotent batch consumer behind every projection.

Every record it is handed ends applied or dead-lettered, never taking a neighbour with it. A
record over the size limit, or that cannot be read (any header, key or value problem), an
unknown type or an unsupported version goes to the dead-letter topic with its reason. The
readable events are applied in one database transaction per batch (a large batch in chunks,
the next read while the database writes the last); a parsed event whose
handler fails for reasons of its own is isolated by replaying the batch one event at a time,
and only that event is dead-lettered. A retryable failure (database or network away, a lost
concurrency race) raises, so the batch is redelivered after a pause.

How FastStream hands the records over, undecoded, and commits after processing:
``services.kit.batches``.

Events handled are counted by outcome once their transaction committed; the group's lag is
measured per partition after every batch and on a timer (:class:`ConsumerLag`).
"""

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from yishi_contracts import EVENT_TYPES, Envelope

from .binding import MAX_RECORD_BYTES, MalformedMessage, read_record
from .db import TRANSIENT_DB_ERRORS
from .deadletter import DeadLetter, DeadLetterPublisher, OriginRecord
from .eventstore import ConcurrencyConflict
from .metrics import CONSUMER_LAG_RECORDS, CONSUMER_LAG_SECONDS, EVENTS_HANDLED
from .projection import Handled, Projection, apply_once

log = logging.getLogger(__name__)

# Worth redelivering rather than dead-lettering: the database is away, or a reaction lost an
# optimistic-concurrency race with a command on the same stream and will decide again.
RETRYABLE: tuple[type[BaseException], ...] = (*TRANSIENT_DB_ERRORS, ConcurrencyConflict)
PIPELINE_CHUNK = 1000
"""A batch larger than this is read and applied chunk by chunk (see ``_apply_pipelined``). Each
chunk costs its statements' round trips whatever its size: in paired runs against the raw loop,
catching up in chunks of 1,000 out of batches of 3,000 ran at 0.30 of it, chunks of 250 out of
1,000 at 0.24."""
READ_SLICE = 50


@dataclass
class Outcome:
    """What processing records did, before any letter is published."""

    applied: int = 0
    """Events that changed the projection's views."""
    outcomes: list[str] = field(default_factory=list)
    """Per event handled (view or reaction): ``applied`` or ``duplicate``."""
    letters: list[DeadLetter] = field(default_factory=list)


class _Tally(Handled):
    def __init__(self, service: str) -> None:
        super().__init__(service)
        self.outcomes: list[str] = []

    def add(self, event_type: str, outcome: str, seconds: float | None = None) -> None:
        super().add(event_type, outcome, seconds)
        self.outcomes.append(outcome)


class ProjectionConsumer:
    def __init__(
        self,
        *,
        service: str,
        pool: asyncpg.Pool,
        projection: Projection,
        dead_letters: DeadLetterPublisher,
        max_record_bytes: int = MAX_RECORD_BYTES,
    ) -> None:
        self.service = service
        self._pool = pool
        self._projection = projection
        self.dead_letters = dead_letters
        self._max_record_bytes = max_record_bytes

    def read(self, record: OriginRecord) -> Envelope[Any]:
        """The record's envelope, or :class:`MalformedMessage`: what this consumer accepts."""
        return read_record(record, max_bytes=self._max_record_bytes)

    async def handle(self, records: Sequence[OriginRecord]) -> int:
        """Process one batch and park what failed; return how many events changed the projection."""
        outcome = await self.process(records)
        await self.dead_letter(outcome.letters)
        return outcome.applied

    async def process(self, records: Sequence[OriginRecord]) -> Outcome:
        """Read and apply the records; the letters for those that failed are returned, not sent."""
        outcome = Outcome()
        try:
            if len(records) > PIPELINE_CHUNK:
                outcome.applied, outcome.outcomes = await self._apply_pipelined(records, outcome)
                return outcome
            parsed = self._read_all(records, outcome)
            if not parsed:
                return outcome
            outcome.applied, outcome.outcomes = await self._apply([env for _, env in parsed])
        except RETRYABLE:
            raise
        except Exception:
            log.exception("batch failed in %s; isolating the failing event", self.service)
            outcome = Outcome()
            parsed = self._read_all(records, outcome)
            for record, envelope in parsed:
                try:
                    applied, outcomes = await self._apply([envelope])
                except RETRYABLE:
                    raise
                except Exception as exc:  # noqa: BLE001 — a poison event must not stop the consumer
                    outcome.letters.append(DeadLetter(record, "processing_failed", repr(exc)))
                else:
                    outcome.applied += applied
                    outcome.outcomes += outcomes
        return outcome

    def _read_all(self, records: Sequence[OriginRecord], outcome: Outcome) -> list[tuple[OriginRecord, Envelope[Any]]]:
        parsed: list[tuple[OriginRecord, Envelope[Any]]] = []
        for record in records:
            try:
                parsed.append((record, self.read(record)))
            except MalformedMessage as exc:
                outcome.letters.append(DeadLetter(record, exc.reason, exc.detail))
            except Exception as exc:  # noqa: BLE001 — whatever the bytes are, the record is parked, not the consumer
                log.exception("unexpected failure reading %s:%s@%s", record.topic, record.partition, record.offset)
                outcome.letters.append(DeadLetter(record, "invalid_envelope", f"unreadable: {exc!r}"))
        return parsed

    async def _apply_pipelined(self, records: Sequence[OriginRecord], outcome: Outcome) -> tuple[int, list[str]]:
        """A large batch in chunks, in its one transaction: while the database writes a chunk,
        the next is read (yielding every few records, so the writes' answers are taken up at
        once). A reaction then sees the views with its chunk and those before applied."""
        tally = _Tally(self.service)
        applied = 0
        chunks = [records[i:i + PIPELINE_CHUNK] for i in range(0, len(records), PIPELINE_CHUNK)]
        ready = self._read_all(chunks[0], outcome)
        async with self._pool.acquire() as conn, conn.transaction():
            for following in [*chunks[1:], None]:
                applying = asyncio.ensure_future(apply_once(
                    conn, self._projection, [env for _, env in ready], service=self.service, handled=tally))
                try:
                    ready = []
                    for start in range(0, len(following or ()), READ_SLICE):
                        ready += self._read_all(following[start:start + READ_SLICE], outcome)  # type: ignore[index]
                        await asyncio.sleep(0)
                    applied += await applying
                finally:
                    if not applying.done():
                        applying.cancel()
                        await asyncio.gather(applying, return_exceptions=True)
        tally.count()
        return applied, tally.outcomes

    async def dead_letter(self, letters: list[DeadLetter]) -> None:
        if not letters:
            return
        for letter in letters:
            record = letter.record
            log.warning("dead-lettering %s:%s@%s: %s: %s", record.topic, record.partition, record.offset,
                        letter.reason, letter.detail[:200])
        await self.dead_letters.publish(letters)
        for letter in letters:
            EVENTS_HANDLED.labels(self.service, _type_label(letter.record), "dead_lettered").inc()

    async def _apply(self, envelopes: list[Envelope[Any]]) -> tuple[int, list[str]]:
        tally = _Tally(self.service)
        async with self._pool.acquire() as conn, conn.transaction():
            applied = await apply_once(conn, self._projection, envelopes, service=self.service, handled=tally)
        tally.count()
        return applied, tally.outcomes


def _type_label(record: OriginRecord) -> str:
    """The record's event type if it is one we know; anything else would be a label per typo."""
    for name, value in record.headers or ():
        if name == "ce_type":
            text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
            return text if text in EVENT_TYPES else "unknown"
    return "unknown"


class ConsumerLag:
    """``yishi_consumer_lag_records`` and ``_seconds`` for each partition a group reads.

    Records: the partition's high watermark minus the consumer's position. Seconds: 0 when
    caught up; else the age of the last record handled there, but no more than how long the
    partition has been behind (so a record arriving on a quiet partition is not hours late)."""

    def __init__(self, *, service: str, group: str) -> None:
        self.service = service
        self.group = group
        self._last_written: dict[tuple[str, int], float] = {}
        self._behind_since: dict[tuple[str, int], float] = {}
        self._behind: dict[tuple[str, int], int] = {}

    def handled(self, records: Sequence[ConsumerRecord], consumer: AIOKafkaConsumer | None) -> None:
        """After a batch: the partitions it came from, from what the consumer fetched last."""
        last: dict[tuple[str, int], ConsumerRecord] = {}
        for record in records:
            last[(record.topic, record.partition)] = record
        for key, record in last.items():
            self._last_written[key] = record.timestamp / 1000
            highwater = consumer.highwater(TopicPartition(*key)) if consumer is not None else None
            if highwater is not None:
                self._set(key, max(0, highwater - record.offset - 1))

    async def refresh(self, consumer: AIOKafkaConsumer | None) -> None:
        """On a timer: every assigned partition, from the broker's end offsets."""
        assigned = list(consumer.assignment()) if consumer is not None else []
        if consumer is not None and assigned:
            async with asyncio.timeout(5):
                ends = await consumer.end_offsets(assigned)
                for tp in assigned:
                    self._set((tp.topic, tp.partition), max(0, ends[tp] - await consumer.position(tp)))
        for key in set(self._behind) - {(tp.topic, tp.partition) for tp in assigned}:
            self._forget(key)  # revoked: another member of the group reports it now

    def _set(self, key: tuple[str, int], behind: int) -> None:
        now = time.time()
        self._behind[key] = behind
        if behind == 0:
            self._behind_since.pop(key, None)
        since = self._behind_since.setdefault(key, now) if behind else now
        waited = max(0.0, now - max(self._last_written.get(key, since), since))
        labels = (self.service, self.group, key[0], str(key[1]))
        CONSUMER_LAG_RECORDS.labels(*labels).set(behind)
        CONSUMER_LAG_SECONDS.labels(*labels).set(waited)

    def _forget(self, key: tuple[str, int]) -> None:
        labels = (self.service, self.group, key[0], str(key[1]))
        for gauge in (CONSUMER_LAG_RECORDS, CONSUMER_LAG_SECONDS):
            try:
                gauge.remove(*labels)
            except KeyError:
                pass
        for known in (self._behind, self._last_written, self._behind_since):
            known.pop(key, None)
