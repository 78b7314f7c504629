"""yishi_contracts.wire: the Kafka binary mapping an outside subscriber reads with, and that
reads and writes exactly what the services' own binding (the CloudEvents SDK) does."""

import json
from datetime import UTC, datetime, timedelta, timezone
from uuid import uuid4

import pytest
from yishi_contracts import CouncilCompositionChanged, Envelope, ResolutionAdopted, TopicScreened
from yishi_contracts.wire import HEADERS, MalformedMessage, from_kafka, headers_schema, to_kafka

from services.kit import binding

from .factories import COMMUNITY, adopted, researched, screened, submitted

MAKERS = [
    submitted,
    lambda: screened(uuid4()),
    lambda: researched(uuid4()),
    lambda: adopted(uuid4()),
    lambda: CouncilCompositionChanged(community_id=COMMUNITY, council_id=uuid4(), chair_id="member-chair",
                                      chair_name="李主席", changed_at=datetime(2026, 11, 2, tzinfo=UTC)),
]


@pytest.mark.parametrize("make", MAKERS)
def test_round_trip_gives_back_the_typed_envelope(make) -> None:
    event = make()
    envelope = Envelope.wrap(event, source="/yishi/test", causation_id=uuid4())
    record = to_kafka(envelope)
    read = from_kafka(record.headers, record.key, record.value)
    assert read == envelope and type(read.data) is type(event)
    assert record.key == event.subject().encode()
    assert json.loads(record.value) == event.model_dump(mode="json")


@pytest.mark.parametrize("make", MAKERS)
def test_the_services_binding_and_the_package_read_each_other(make) -> None:
    envelope = Envelope.wrap(make(), source="/yishi/test", causation_id=uuid4())
    ours, theirs = to_kafka(envelope), binding.to_kafka(envelope)
    assert dict(ours.headers) == dict(theirs.headers) and ours.key == theirs.key
    assert json.loads(ours.value) == json.loads(theirs.value)
    assert from_kafka(theirs.headers, theirs.key, theirs.value) == envelope
    assert binding.from_kafka(ours.headers, ours.key, ours.value) == envelope


def test_time_goes_out_in_utc_and_a_first_event_has_no_causation_header() -> None:
    china = timezone(timedelta(hours=8))
    envelope = Envelope.wrap(submitted(), source="/yishi/intake", time=datetime(2026, 11, 28, 17, 30, tzinfo=china))
    headers = dict(to_kafka(envelope).headers)
    assert headers["ce_time"] == b"2026-11-28T09:30:00Z"
    assert "ce_causationid" not in headers and headers["ce_correlationid"] == headers["ce_id"]
    assert headers["ce_schemaversion"] == b"1" and headers["content-type"] == b"application/json"


def test_every_envelope_attribute_has_its_header_and_every_always_header_is_written() -> None:
    mapped = {h.attribute for h in HEADERS}
    assert set(Envelope.model_fields) - {"data"} <= mapped
    written = {name for name, _ in to_kafka(Envelope.wrap(adopted(uuid4()), source="/yishi/meeting")).headers}
    schema = headers_schema()
    assert set(schema["required"]) <= written <= set(schema["properties"])


def _record():
    return to_kafka(Envelope.wrap(submitted(), source="/yishi/test"))


def _with(headers: list, name: str, value: bytes | str | None) -> list:
    kept = [(n, v) for n, v in headers if n != name]
    return kept if value is None else [*kept, (name, value)]


def test_a_reader_tolerates_what_a_newer_producer_may_add_and_header_values_as_text() -> None:
    record = _record()
    headers = [*record.headers, ("ce_someextension", b"x"), ("x-other", b"y"), ("null-valued", None)]
    headers = _with(headers, "content-type", b"application/json; charset=utf-8")
    headers = [(n, v.decode() if n == "ce_subject" else v) for n, v in headers]  # some clients give str
    assert from_kafka(headers, record.key, record.value).data.title == "环卫工人无处歇脚"
    assert from_kafka(_with(record.headers, "content-type", None), record.key, record.value).datacontenttype == "application/json"


@pytest.mark.parametrize(
    "mutate, reason",
    [
        (lambda r: ([], r.key, r.value), "not_a_cloudevent"),
        (lambda r: (_with(r.headers, "ce_specversion", None), r.key, r.value), "not_a_cloudevent"),
        (lambda r: (_with(r.headers, "ce_time", None), r.key, r.value), "invalid_envelope"),
        (lambda r: (_with(r.headers, "ce_id", b"not-a-uuid"), r.key, r.value), "invalid_envelope"),
        (lambda r: (_with(r.headers, "ce_time", b"2026-11-28T09:30:00"), r.key, r.value), "invalid_envelope"),
        (lambda r: (_with(r.headers, "ce_specversion", b"0.3"), r.key, r.value), "invalid_envelope"),
        (lambda r: (_with(r.headers, "content-type", b"text/plain"), r.key, r.value), "invalid_envelope"),
        (lambda r: (_with(r.headers, "ce_source", b"\xff\xfe"), r.key, r.value), "invalid_envelope"),
        (lambda r: (_with(r.headers, "ce_subject", str(uuid4()).encode()), r.key, r.value), "invalid_envelope"),
        (lambda r: (_with(r.headers, "ce_communityid", b"330102001002"), r.key, r.value), "invalid_envelope"),
        (lambda r: (_with(r.headers, "ce_type", b"yishi.SomethingElse.v1"), r.key, r.value), "unknown_type"),
        (lambda r: (_with(r.headers, "ce_type", b"yishi.TopicSubmitted.v9"), r.key, r.value), "unsupported_version"),
        (lambda r: (_with(r.headers, "ce_schemaversion", b"2"), r.key, r.value), "unsupported_version"),
        (lambda r: (r.headers, r.key, b"{not json"), "invalid_json"),
        (lambda r: (r.headers, r.key, None), "invalid_json"),
        (lambda r: (r.headers, r.key, json.dumps({"title": "x"}).encode()), "invalid_data"),
        (lambda r: (r.headers, r.key, b"[" * 100_000 + b"]" * 100_000), "invalid_json"),  # not a RecursionError
        (lambda r: ([*r.headers, ("ce_id", str(uuid4()).encode())], r.key, r.value), "invalid_envelope"),
        (lambda r: (r.headers, str(uuid4()).encode(), r.value), "invalid_envelope"),
    ],
)
def test_an_unreadable_record_says_why(mutate, reason: str) -> None:
    headers, key, value = mutate(_record())
    with pytest.raises(MalformedMessage) as err:
        from_kafka(headers, key, value)
    assert err.value.reason == reason and err.value.detail


def test_a_record_without_a_key_is_read_unless_the_reader_requires_one() -> None:
    record = _record()
    assert from_kafka(record.headers, None, record.value).data.title == "环卫工人无处歇脚"
    with pytest.raises(MalformedMessage) as err:
        from_kafka(record.headers, None, record.value, require_key=True)
    assert err.value.reason == "invalid_envelope"


def test_the_envelope_gives_the_event_its_own_model() -> None:
    topic = uuid4()
    for event, model in ((screened(topic), TopicScreened), (adopted(topic), ResolutionAdopted)):
        record = to_kafka(Envelope.wrap(event, source="/yishi/test"))
        assert isinstance(from_kafka(record.headers, record.key, record.value).data, model)
