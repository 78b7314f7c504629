"""CloudEvents Kafka binding (binary content mode) for Yishi envelopes, as the services read it.

Writing is ``yishi_contracts.wire.to_kafka``, the mapping outside subscribers use too: ``ce_*``
headers carry the attributes, the body is the event data as JSON, the key is the stream id
(the consultation topic's id) so that one topic's events stay ordered.

Reading is the package's reader too (``yishi_contracts.wire.from_kafka``), with the key
required: a consumer must decide, for every record it is handed, whether to apply it or to
dead-letter it — and it must never raise anything but :class:`MalformedMessage`, whatever the
bytes are:

- a known header that is not UTF-8, or that appears twice, makes the envelope invalid (two
  ``ce_id`` would be deduplicated differently by different readers); unknown headers are
  not even decoded, so foreign noise never costs a valid event;
- the key must be the record's ``ce_subject``: a record without it, or with another one,
  may sit on another partition than its stream's other events, out of their order;
- the value is validated once, by pydantic straight from the JSON bytes (its parser has a
  nesting limit, so a deeply nested value is ``invalid_json``, never a ``RecursionError``);
- :func:`read_record` also refuses a record over the consumer's size limit (``too_large``).

``reason`` is a stable code: the six of ``yishi_contracts.wire`` and ``too_large``.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from yishi_contracts import Envelope, wire
from yishi_contracts.wire import KafkaRecord, MalformedMessage, to_kafka

__all__ = ["MAX_RECORD_BYTES", "KafkaRecord", "MalformedMessage", "UnreadableRecord", "from_kafka",
           "read_record", "record_size", "to_kafka"]

MAX_RECORD_BYTES = 1 << 20
"""The default size limit of one record (key, value and headers), 1 MiB."""



class RawRecord(Protocol):
    """What :func:`read_record` needs of a record: aiokafka's ``ConsumerRecord`` has it."""

    @property
    def key(self) -> bytes | None: ...
    @property
    def value(self) -> bytes | None: ...
    @property
    def headers(self) -> Any: ...


def record_size(headers: Iterable[tuple[str, Any]] | None, key: bytes | None, value: bytes | None) -> int:
    size = len(key or b"") + len(value or b"")
    for name, raw in headers or ():
        size += len(name) + len(raw or b"")
    return size


@dataclass(frozen=True)
class UnreadableRecord:
    """Where a record is that the Kafka client could not decode at all: nothing but its place."""

    topic: str
    partition: int
    offset: int
    detail: str
    timestamp: int = -1
    key: bytes | None = None
    value: bytes | None = None
    headers: tuple[tuple[str, bytes | None], ...] = ()


def read_record(record: RawRecord, *, max_bytes: int = MAX_RECORD_BYTES) -> Envelope[Any]:
    """The envelope of a consumed record, or :class:`MalformedMessage` saying why not."""
    if isinstance(record, UnreadableRecord):
        raise MalformedMessage("invalid_envelope", record.detail)
    size = record_size(record.headers, record.key, record.value)
    if size > max_bytes:
        raise MalformedMessage("too_large", f"record of {size} bytes is over the limit of {max_bytes} bytes")  # type: ignore[arg-type]
    return from_kafka(record.headers, record.key, record.value)


def from_kafka(headers: Iterable[tuple[str, Any]] | None, key: bytes | None, value: bytes | None) -> Envelope[Any]:
    """Parse a record's parts, or raise :class:`MalformedMessage` saying why they cannot be read:
    the package's reader, with the key required."""
    return wire.from_kafka(headers, key, value, require_key=True)
