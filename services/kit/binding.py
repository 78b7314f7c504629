"""CloudEvents Kafka binary binding for Yishi envelopes, using the cloudevents SDK.

``ce_*`` headers carry the attributes, the body is the event data as JSON, and the
message key is the consultation topic's id so that one topic's events stay ordered. The
trace context travels as the distributed-tracing extension (``ce_traceparent``,
``ce_tracestate``) when the event was recorded inside a trace.
"""

import json
from dataclasses import dataclass
from typing import Any

from cloudevents.core.bindings import kafka as ce_kafka
from cloudevents.core.exceptions import BaseCloudEventException
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent
from pydantic import ValidationError
from yishi_contracts import Envelope, UnknownEventType, UnsupportedEventVersion, resolve

_FORMAT = JSONFormat()
_EXTENSIONS = ("communityid", "correlationid", "causationid", "schemaversion")
_TRACING = ("traceparent", "tracestate")  # the CloudEvents distributed-tracing extension
_REQUIRED_HEADERS = tuple(
    f"ce_{a}" for a in ("id", "source", "time", "subject", "communityid", "correlationid", "schemaversion")
)


@dataclass(frozen=True)
class KafkaRecord:
    """What goes on the wire: key, headers (as Kafka clients take them) and value."""

    key: bytes
    headers: list[tuple[str, bytes]]
    value: bytes


class MalformedMessage(ValueError):
    """A record that is not a Yishi event we can read; ``reason`` is a stable code."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def to_kafka(envelope: Envelope[Any]) -> KafkaRecord:
    attributes: dict[str, Any] = {
        "id": str(envelope.id),
        "source": envelope.source,
        "type": envelope.type,
        "specversion": envelope.specversion,
        "time": envelope.time,
        "subject": envelope.subject,
        "datacontenttype": envelope.datacontenttype,
        "communityid": envelope.communityid,
        "correlationid": str(envelope.correlationid),
        "schemaversion": str(envelope.schemaversion),
    }
    if envelope.causationid is not None:
        attributes["causationid"] = str(envelope.causationid)
    for name in _TRACING:
        if (value := getattr(envelope, name)) is not None:
            attributes[name] = value
    event = CloudEvent(attributes=attributes, data=envelope.data.model_dump(mode="json"))
    message = ce_kafka.to_binary(event, _FORMAT, key_mapper=lambda _: envelope.subject)
    key = message.key.encode() if isinstance(message.key, str) else (message.key or b"")
    return KafkaRecord(key=key, headers=list(message.headers.items()), value=message.value)


def from_kafka(headers: Any, key: bytes | None, value: bytes | None) -> Envelope[Any]:
    """Parse a record, or raise MalformedMessage saying why it cannot be read."""
    header_map: dict[str, bytes] = {}
    for name, raw in headers or ():
        header_map[name] = raw if isinstance(raw, bytes) else str(raw).encode()
    if "ce_type" not in header_map or "ce_specversion" not in header_map:
        raise MalformedMessage("not_a_cloudevent", "missing ce_type or ce_specversion header")
    # The SDK fills a missing id or time with fresh values; a Yishi event must bring its own.
    if missing := [h for h in _REQUIRED_HEADERS if h not in header_map]:
        raise MalformedMessage("invalid_envelope", f"missing headers: {', '.join(missing)}")
    try:
        event = ce_kafka.from_binary(
            ce_kafka.KafkaMessage(headers=header_map, key=key, value=value or b""), _FORMAT
        )
    except (BaseCloudEventException, ValueError, UnicodeDecodeError) as exc:
        raise MalformedMessage("invalid_envelope", str(exc)) from exc
    attributes = event.get_attributes()
    try:
        model = resolve(attributes["type"], attributes.get("schemaversion"))
    except UnknownEventType as exc:
        raise MalformedMessage("unknown_type", str(exc)) from exc
    except UnsupportedEventVersion as exc:
        raise MalformedMessage("unsupported_version", str(exc)) from exc
    data = event.get_data()
    if isinstance(data, (bytes, str)):
        try:
            data = json.loads(data)
        except ValueError as exc:
            raise MalformedMessage("invalid_json", str(exc)) from exc
    try:
        payload = model.model_validate(data)
    except ValidationError as exc:
        raise MalformedMessage("invalid_data", _short(exc)) from exc
    fields = {k: attributes.get(k) for k in ("id", "source", "type", "specversion", "time", "subject", "datacontenttype")}
    fields.update({k: attributes.get(k) for k in (*_EXTENSIONS, *_TRACING) if attributes.get(k) is not None})
    try:
        envelope = Envelope[model].model_validate({**fields, "data": payload})  # type: ignore[valid-type]
    except ValidationError as exc:
        raise MalformedMessage("invalid_envelope", _short(exc)) from exc
    if envelope.subject != payload.subject() or envelope.communityid != payload.community_id:
        raise MalformedMessage("invalid_envelope", "subject/communityid disagree with the data")
    return envelope


def _short(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:5])
