"""Dead letters: a record a consumer cannot apply is parked, with the reason, and the consumer goes on.

A letter is the original record — key, value and headers, byte for byte — plus ``yishi_dlq_*``
headers: the reason (a stable code, :data:`REASONS`), a detail for people, the consumer, the
origin (topic, partition, offset) and, once redriven, how many times it was. A value the
dead-letter topic cannot take (over the producer's or the broker's size limit) is cut to its
first :data:`KEPT_OF_TOO_LARGE` bytes and marked ``yishi_dlq_truncated`` with its full size
(and huge headers or a huge key are cut too: a letter must always fit, or the consumer would
stop on it).
"""

import asyncio
from dataclasses import dataclass
from typing import Any, Protocol

from aiokafka import AIOKafkaProducer
from aiokafka.errors import MessageSizeTooLargeError, RecordTooLargeError

from .binding import RawRecord
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
KEPT_OF_TOO_LARGE = 64 * 1024
_KEPT_HEADERS = 16 * 1024
_KEPT_KEY = 1024


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
        return headers

    async def publish(self, letters: list[DeadLetter]) -> None:
        """Publish and wait for the broker's acknowledgement of every letter."""
        sent = []
        for letter in letters:
            value = letter.record.value
            if letter.reason == "too_large" and value is not None and len(value) > KEPT_OF_TOO_LARGE:
                sent.append((letter, await self._send_truncated(letter)))
                continue
            try:
                delivery = await self._producer.send(
                    self.topic, value=value, key=letter.record.key, headers=self._headers(letter)
                )
            except MessageSizeTooLargeError:
                delivery = await self._send_truncated(letter)
            sent.append((letter, delivery))
        for letter, delivery in sent:
            try:
                await delivery
            except RecordTooLargeError:  # the dead-letter topic's own limit is lower than the origin's
                await (await self._send_truncated(letter))
            DEAD_LETTERS.labels(self._service, letter.reason).inc()

    async def _send_truncated(self, letter: DeadLetter) -> "asyncio.Future[Any]":
        value, key = letter.record.value or b"", letter.record.key
        return await self._producer.send(
            self.topic, value=value[:KEPT_OF_TOO_LARGE], key=key[:_KEPT_KEY] if key is not None else None,
            headers=self._headers(letter, truncated_from=len(value)),
        )
