"""Yishi events on Kafka: the CloudEvents 1.0 Kafka binding in binary content mode.

A record carries the envelope's attributes as ``ce_*`` headers (UTF-8 text), the media type
as ``content-type``, the event data as the JSON value and the stream id (the consultation
topic's id) as the key. :func:`from_kafka` turns a record into a typed :class:`Envelope`
whose ``data`` is the event's own model; :func:`to_kafka` is the reverse. Both need
nothing but this package: no CloudEvents SDK, no Yishi service.

    envelope = from_kafka(record.headers, record.key, record.value)   # e.g. an aiokafka record
    if isinstance(envelope.data, TopicSubmitted): ...
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import ValidationError

from .envelope import Envelope
from .registry import UnknownEventType, UnsupportedEventVersion, resolve

CONTENT_TYPE = "application/json"
_UUID = {"type": "string", "format": "uuid"}


@dataclass(frozen=True)
class Header:
    """One Kafka header of a Yishi record, and the envelope attribute it carries."""

    name: str
    attribute: str
    description: str
    schema: dict[str, Any]
    always: bool = True
    """Every Yishi record carries it; the others only when the attribute is set."""


HEADERS: tuple[Header, ...] = (
    Header("ce_id", "id", "The event's id, unique per event; a redelivered record keeps it: "
           "deduplicate on it.", _UUID),
    Header("ce_source", "source", "The producing service as a URI reference, e.g. /yishi/intake.",
           {"type": "string", "format": "uri-reference"}),
    Header("ce_type", "type", "The event type: a stable name and major version, e.g. "
           "yishi.TopicSubmitted.v1; it names the payload's schema.", {"type": "string"}),
    Header("ce_specversion", "specversion", "The CloudEvents version.", {"type": "string", "const": "1.0"}),
    Header("ce_time", "time", "When it happened, RFC 3339 in UTC.", {"type": "string", "format": "date-time"}),
    Header("ce_subject", "subject", "The stream the event belongs to, also the record's key: the "
           "consultation topic's id (the council's for CouncilCompositionChanged).", {"type": "string"}),
    Header("content-type", "datacontenttype", "The value's media type (CloudEvents datacontenttype).",
           {"type": "string", "const": CONTENT_TYPE}),
    Header("ce_communityid", "communityid", "The community (12-digit statistical division code) the "
           "event belongs to.", {"type": "string", "pattern": r"^\d{12}$"}),
    Header("ce_correlationid", "correlationid", "Shared by every event caused, directly or not, by one "
           "original request.", _UUID),
    Header("ce_causationid", "causationid", "The id of the event (or request) that directly caused this one; "
           "absent for a request's first event.", _UUID, always=False),
    Header("ce_schemaversion", "schemaversion", "The version of the payload's schema, as decimal text "
           "(the version in ce_type).", {"type": "string", "pattern": r"^[1-9][0-9]*$"}),
    Header("ce_traceparent", "traceparent", "W3C Trace Context (CloudEvents distributed tracing extension): "
           "the trace the event was recorded in.",
           {"type": "string", "pattern": r"^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$"}, always=False),
    Header("ce_tracestate", "tracestate", "W3C Trace Context vendor data that goes with ce_traceparent.",
           {"type": "string"}, always=False),
)
# CloudEvents makes datacontenttype optional; a record without it is read as JSON.
_REQUIRED = tuple(h.name for h in HEADERS if h.always and h.name != "content-type")
_ATTRIBUTE = {h.name: h.attribute for h in HEADERS}
_REQUIRED_ATTRIBUTES = frozenset(_ATTRIBUTE[name] for name in _REQUIRED)
_JSON_ERRORS = frozenset({"json_invalid", "json_type"})

Reason = Literal["not_a_cloudevent", "invalid_envelope", "unknown_type", "unsupported_version", "invalid_json",
                 "invalid_data"]


class MalformedMessage(ValueError):
    """A record that is not a Yishi event this package can read; ``reason`` is a stable code."""

    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason: Reason = reason
        self.detail = detail


@dataclass(frozen=True)
class KafkaRecord:
    """What goes on the wire: key, headers (as Kafka clients take them) and value."""

    key: bytes
    headers: list[tuple[str, bytes]]
    value: bytes


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return value if isinstance(value, str) else str(value)


def to_kafka(envelope: Envelope[Any]) -> KafkaRecord:
    """The record for an envelope: every set attribute as its header, the data as JSON."""
    headers = []
    for header in HEADERS:
        value = getattr(envelope, header.attribute, None)
        if value is not None:
            headers.append((header.name, _text(value).encode()))
    return KafkaRecord(key=envelope.subject.encode(), headers=headers, value=envelope.data.model_dump_json().encode())


def _attributes(headers: Iterable[tuple[str, Any]] | None) -> dict[str, str]:
    """The known headers' text by attribute name; unknown headers are not even decoded."""
    found: dict[str, str] = {}
    for name, raw in headers or ():
        attribute = _ATTRIBUTE.get(name)
        if attribute is None or raw is None:
            continue
        if attribute in found:  # two ce_id would be deduplicated differently by different readers
            raise MalformedMessage("invalid_envelope", f"header {name} appears more than once")
        try:
            found[attribute] = raw.decode()  # bytes, as Kafka clients give them
        except AttributeError:
            found[attribute] = bytes(raw).decode() if isinstance(raw, memoryview) else str(raw)
        except UnicodeDecodeError as exc:
            raise MalformedMessage("invalid_envelope", f"header {name} is not UTF-8 text") from exc
    return found


def from_kafka(headers: Iterable[tuple[str, Any]] | None, key: bytes | None, value: bytes | None, *,
               require_key: bool = False) -> Envelope[Any]:
    """Read a record into a typed envelope, or raise :class:`MalformedMessage` saying why not.

    A key, when given, must be the record's ``ce_subject`` (a record with another one may sit on
    another partition than its stream's other events, out of their order); ``require_key``
    refuses a record without one. Headers this package does not know (a newer optional
    extension) are ignored. The value is validated by pydantic straight from the JSON bytes: a
    too deeply nested value is ``invalid_json``, never a ``RecursionError``.
    """
    attributes = _attributes(headers)
    if "type" not in attributes or "specversion" not in attributes:
        raise MalformedMessage("not_a_cloudevent", "missing ce_type or ce_specversion header")
    if not _REQUIRED_ATTRIBUTES.issubset(attributes):
        missing = [name for name in _REQUIRED if _ATTRIBUTE[name] not in attributes]
        raise MalformedMessage("invalid_envelope", f"missing headers: {', '.join(missing)}")
    if key is None and require_key:
        raise MalformedMessage("invalid_envelope", "the record has no key; it must be ce_subject")
    if key is not None and (key if isinstance(key, bytes) else bytes(key)) != attributes["subject"].encode():
        raise MalformedMessage("invalid_envelope", "the record's key is not its ce_subject")
    if attributes.get("datacontenttype", CONTENT_TYPE) != CONTENT_TYPE:  # e.g. "Application/JSON; charset=utf-8"
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
        reason: Reason = "invalid_json" if any(e["type"] in _JSON_ERRORS for e in exc.errors()) else "invalid_data"
        raise MalformedMessage(reason, _short(exc)) from exc
    try:
        envelope = _envelope(model).model_validate({**attributes, "data": payload})
    except ValidationError as exc:
        raise MalformedMessage("invalid_envelope", _short(exc)) from exc
    if envelope.subject != payload.subject() or envelope.communityid != payload.community_id:
        raise MalformedMessage("invalid_envelope", "ce_subject/ce_communityid disagree with the data")
    return envelope


@cache
def _envelope(model: type[Any]) -> type[Envelope[Any]]:
    return Envelope[model]  # type: ignore[valid-type]  # looking a generic up costs as much as validating


def headers_schema() -> dict[str, Any]:
    """The headers of a Yishi record as a JSON Schema object (header values as their text)."""
    return {
        "type": "object",
        "properties": {h.name: {**h.schema, "description": h.description} for h in HEADERS},
        "required": [h.name for h in HEADERS if h.always],
    }


def _short(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors(include_url=False)[:5])
