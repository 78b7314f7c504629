"""CloudEvents Kafka binding (binary content mode) for Yishi envelopes, as the services read it.

Writing is ``yishi_contracts.wire.to_kafka``, the mapping outside subscribers use too: ``ce_*``
headers carry the attributes, the body is the event data as JSON, the key is the stream id
(the consultation topic's id) so that one topic's events stay ordered.

Reading is stricter than the package's reader, because a consumer must decide, for every
record it is handed, whether to apply it or to dead-letter it — and it must never raise
anything but :class:`MalformedMessage`, whatever the bytes are:

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
from functools import cache
from typing import Any, Protocol

from pydantic import ValidationError
from yishi_contracts import Envelope, Event, UnknownEventType, UnsupportedEventVersion, resolve
from yishi_contracts.wire import HEADERS, KafkaRecord, MalformedMessage, to_kafka

__all__ = ["MAX_RECORD_BYTES", "KafkaRecord", "MalformedMessage", "UnreadableRecord", "from_kafka",
           "read_record", "record_size", "to_kafka"]

MAX_RECORD_BYTES = 1 << 20
"""The default size limit of one record (key, value and headers), 1 MiB."""

_ATTRIBUTE = {h.name: h.attribute for h in HEADERS}
# CloudEvents makes datacontenttype optional; a record without it is read as JSON.
_REQUIRED = tuple(h.name for h in HEADERS if h.always and h.name != "content-type")
_JSON_ERRORS = frozenset({"json_invalid", "json_type"})


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
        size += len(name) + (len(raw) if raw is not None else 0)
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


def _attributes(headers: Iterable[tuple[str, Any]] | None) -> dict[str, str]:
    """The known headers' text by attribute name; unknown headers are left alone."""
    found: dict[str, str] = {}
    for name, raw in headers or ():
        attribute = _ATTRIBUTE.get(name)
        if attribute is None or raw is None:
            continue
        if attribute in found:
            raise MalformedMessage("invalid_envelope", f"header {name} appears more than once")
        try:
            found[attribute] = raw.decode()
        except UnicodeDecodeError as exc:
            raise MalformedMessage("invalid_envelope", f"header {name} is not UTF-8 text") from exc
        except AttributeError:  # a client that hands header values as text
            found[attribute] = str(raw)
    return found


def from_kafka(headers: Iterable[tuple[str, Any]] | None, key: bytes | None, value: bytes | None) -> Envelope[Any]:
    """Parse a record's parts, or raise :class:`MalformedMessage` saying why they cannot be read."""
    attributes = _attributes(headers)
    if "type" not in attributes or "specversion" not in attributes:
        raise MalformedMessage("not_a_cloudevent", "missing ce_type or ce_specversion header")
    if missing := [name for name in _REQUIRED if _ATTRIBUTE[name] not in attributes]:
        raise MalformedMessage("invalid_envelope", f"missing headers: {', '.join(missing)}")
    if key is None:
        raise MalformedMessage("invalid_envelope", "the record has no key; it must be ce_subject")
    if bytes(key) != attributes["subject"].encode():
        raise MalformedMessage("invalid_envelope", "the record's key is not its ce_subject")
    if "datacontenttype" in attributes:
        attributes["datacontenttype"] = attributes["datacontenttype"].split(";")[0].strip().lower()
    try:
        model = resolve(attributes["type"], attributes["schemaversion"])
    except UnknownEventType as exc:
        raise MalformedMessage("unknown_type", str(exc)) from exc
    except UnsupportedEventVersion as exc:
        raise MalformedMessage("unsupported_version", str(exc)) from exc
    try:
        payload = model.model_validate_json(value or b"")
    except ValidationError as exc:
        reason = "invalid_json" if any(e["type"] in _JSON_ERRORS for e in exc.errors()) else "invalid_data"
        raise MalformedMessage(reason, _short(exc)) from exc  # type: ignore[arg-type]
    try:
        envelope = _envelope(model).model_validate({**attributes, "data": payload})
    except ValidationError as exc:
        raise MalformedMessage("invalid_envelope", _short(exc)) from exc
    if envelope.subject != payload.subject() or envelope.communityid != payload.community_id:
        raise MalformedMessage("invalid_envelope", "ce_subject/ce_communityid disagree with the data")
    return envelope


@cache
def _envelope(model: type[Event]) -> type[Envelope[Any]]:
    return Envelope[model]  # type: ignore[valid-type]  # looking a generic up costs as much as validating


def _short(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors(include_url=False)[:5])
