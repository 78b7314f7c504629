"""Dead letters: a record a consumer cannot apply is parked, with the reason, and the consumer goes on.

A letter is the original record — key, value and headers, byte for byte — plus ``yishi_dlq_*``
headers: the reason (a stable code, :data:`REASONS`), a detail for people, the consumer, the
origin (topic, partition, offset) and, once redriven, how many times it was. A letter the
dead-letter topic cannot take (over the producer's or the broker's size limit) keeps only the
first :data:`KEPT_WHEN_TOO_LARGE` bytes of the value (and of the key, and the original headers
only when they are small) and says ``yishi_dlq_truncated`` with the value's full size: a letter
must always fit, or the consumer would stop on it. The original is still at its origin, as is a
record the Kafka client could not decode at all (``yishi_dlq_unread``: the letter has no content).
"""

import asyncio
from dataclasses import dataclass
from typing import Any, Protocol

from aiokafka import AIOKafkaProducer
from aiokafka.errors import MessageSizeTooLargeError

from .binding import RawRecord, UnreadableRecord
from .metrics import DEAD_LETTERS

REASONS = {
    "not_a_cloudevent": "no ce_type or ce_specversion header",
    "invalid_envelope": "headers or key unreadable, missing, duplicated, or disagreeing with the data",
    "unknown_type": "a ce_type no contract defines",
    "unsupported_version": "a known event in a version this consumer does not read",
    "invalid_json": "the value is not JSON (or nested too deeply)",
    "invalid_data": "JSON that is not a valid event of its type",
    "too_large": "key, value and headers over the consumer's size limit",
    "processing_failed": "a readable event whose handler failed on its own",
}
"""Every reason a letter can have; ``yishi deadletters redrive --reason`` takes these."""

PREFIX = "yishi_dlq_"
KEPT_WHEN_TOO_LARGE = 1024
_KEPT_HEADERS = 16 * 1024


class OriginRecord(RawRecord, Protocol):
    """A consumed record and where it was read (aiokafka's ``ConsumerRecord`` is one)."""

    @property
    def topic(self) -> str: ...
    @property
    def partition(self) -> int: ...
    @property
    def offset(self) -> int: ...


@dataclass(frozen=True)
class DeadLetter:
    record: OriginRecord
    reason: str
    detail: str
    redrives: int = 0
    """How many times the letter was redriven and failed again."""


class DeadLetterPublisher:
    def __init__(self, producer: AIOKafkaProducer, *, topic: str, service: str) -> None:
        self._producer = producer
        self.topic = topic
        self._service = service

    def _headers(self, letter: DeadLetter, *, truncated_from: int | None = None) -> list[tuple[str, bytes]]:
        record = letter.record
        # a redriven letter's record still carries its first letter's headers: say it once
        kept = [(name, value) for name, value in record.headers or () if not name.startswith(PREFIX)]
        if truncated_from is not None and sum(len(n) + len(v or b"") for n, v in kept) > _KEPT_HEADERS:
            kept = []
        headers = kept + [
            (f"{PREFIX}reason", letter.reason.encode()),
            (f"{PREFIX}detail", letter.detail[:1000].encode("utf-8", "replace")),
            (f"{PREFIX}consumer", self._service.encode()),
            (f"{PREFIX}topic", record.topic.encode()),
            (f"{PREFIX}partition", str(record.partition).encode()),
            (f"{PREFIX}offset", str(record.offset).encode()),
        ]
        if letter.redrives:
            headers.append((f"{PREFIX}redrives", str(letter.redrives).encode()))
        if truncated_from is not None:
            headers.append((f"{PREFIX}truncated", str(truncated_from).encode()))
        if isinstance(record, UnreadableRecord):
            headers.append((f"{PREFIX}unread", b"1"))
        return headers

    async def publish(self, letters: list[DeadLetter]) -> None:
        """Publish and wait for the broker's acknowledgement of every letter."""
        sent = [(letter, await self._send(letter)) for letter in letters]
        for letter, delivery in sent:
            try:
                await delivery
            except MessageSizeTooLargeError:  # the dead-letter topic takes less than the origin did
                await (await self._send(letter, cut=True))
            DEAD_LETTERS.labels(self._service, letter.reason).inc()

    async def _send(self, letter: DeadLetter, *, cut: bool = False) -> "asyncio.Future[Any]":
        value, key = letter.record.value, letter.record.key
        truncated_from = None
        if cut:
            truncated_from = len(value or b"")
            value = (value or b"")[:KEPT_WHEN_TOO_LARGE]
            key = key[:KEPT_WHEN_TOO_LARGE] if key is not None else None
        if key is None and value is None:
            value = b""  # a record may have neither (another client, or one we could not read); a letter must
        try:
            return await self._producer.send(
                self.topic, value=value, key=key, headers=self._headers(letter, truncated_from=truncated_from)
            )
        except MessageSizeTooLargeError:  # over the producer's own limit
            if cut:
                raise
            return await self._send(letter, cut=True)
