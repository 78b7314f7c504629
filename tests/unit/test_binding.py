"""The CloudEvents Kafka binary binding: round trip, and a reason for everything unreadable."""

import json
from uuid import uuid4

import pytest
from yishi_contracts import Envelope

from services.kit.binding import MalformedMessage, from_kafka, to_kafka

from .factories import adopted, researched, screened, submitted


@pytest.mark.parametrize("make", [submitted, lambda: screened(uuid4()), lambda: researched(uuid4()), lambda: adopted(uuid4())])
def test_round_trip_keeps_every_attribute_and_the_data(make) -> None:
    event = make()
    envelope = Envelope.wrap(event, source="/yishi/test", causation_id=uuid4())
    record = to_kafka(envelope)
    headers = dict(record.headers)
    assert record.key == str(event.topic_id).encode()
    assert headers["ce_specversion"] == b"1.0" and headers["ce_type"] == envelope.type.encode()
    assert headers["content-type"] == b"application/json"
    assert headers["ce_communityid"] == event.community_id.encode()
    assert json.loads(record.value) == event.model_dump(mode="json")
    assert from_kafka(record.headers, record.key, record.value) == envelope


def _record():
    return to_kafka(Envelope.wrap(submitted(), source="/yishi/test"))


def _with(headers: list, name: str, value: bytes | None) -> list:
    kept = [(n, v) for n, v in headers if n != name]
    return kept if value is None else kept + [(name, value)]


@pytest.mark.parametrize(
    "mutate, reason",
    [
        (lambda r: ([], r.key, r.value), "not_a_cloudevent"),
        (lambda r: (r.headers, r.key, b"{not json"), "invalid_json"),
        (lambda r: (_with(r.headers, "ce_type", b"yishi.SomethingElse.v1"), r.key, r.value), "unknown_type"),
        (lambda r: (_with(r.headers, "ce_type", b"yishi.TopicSubmitted.v9"), r.key, r.value), "unsupported_version"),
        (lambda r: (_with(r.headers, "ce_schemaversion", b"2"), r.key, r.value), "unsupported_version"),
        (lambda r: (r.headers, r.key, json.dumps({"title": "x"}).encode()), "invalid_data"),
        (lambda r: (_with(r.headers, "ce_subject", str(uuid4()).encode()), r.key, r.value), "invalid_envelope"),
        (lambda r: (_with(r.headers, "ce_time", None), r.key, r.value), "invalid_envelope"),
    ],
)
def test_unreadable_records_say_why(mutate, reason: str) -> None:
    headers, key, value = mutate(_record())
    with pytest.raises(MalformedMessage) as err:
        from_kafka(headers, key, value)
    assert err.value.reason == reason
