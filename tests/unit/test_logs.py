"""Log lines: one JSON object each, with the service, trace, correlation, topic and community;
never a resident's name or phone; readable lines for people when asked."""

import io
import json
import logging
import warnings
from collections.abc import Iterator
from uuid import UUID, uuid4

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
import structlog
from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags
from yishi_contracts import Envelope

from services.kit import logs
from tests.unit.factories import submitted

ROUTED = ("uvicorn", "uvicorn.error", "uvicorn.access", "faststream", "faststream.access", "faststream.access.kafka")


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    """logs.configure on a buffer; the process's logging as it was afterwards."""
    root = logging.getLogger()
    routed = {name: (logging.getLogger(name).handlers[:], logging.getLogger(name).propagate, logging.getLogger(name).level)
              for name in ROUTED}
    saved = (root.handlers[:], root.level, routed)
    srcfile = logging._srcfile  # type: ignore[attr-defined]
    out = io.StringIO()
    logs.configure("council", fmt="json", level="INFO", stream=out)
    try:
        yield out
    finally:
        root.handlers, root.level = saved[0], saved[1]
        for name, (handlers, propagate, level) in saved[2].items():
            logging.getLogger(name).handlers, logging.getLogger(name).propagate = handlers, propagate
            logging.getLogger(name).setLevel(level)
        logging.captureWarnings(False)
        logging._srcfile = srcfile  # type: ignore[attr-defined]
        structlog.reset_defaults()


def _records(out: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_a_stdlib_record_is_one_json_line_with_the_fields_an_operator_filters_on(lines) -> None:
    span = SpanContext(trace_id=0x4BF92F3577B34DA6A3CE929D0E0E4736, span_id=0x00F067AA0BA902B7, is_remote=True,
                       trace_flags=TraceFlags(1))
    envelope = Envelope.wrap(submitted(community_id="330102001001"), source="/yishi/intake")
    with trace.use_span(NonRecordingSpan(span)), logs.bound_event(envelope):
        logging.getLogger("services.council.projection").info("screening queue has %d topics", 3)
    (line,) = _records(lines)
    assert list(line)[:5] == ["time", "level", "service", "logger", "message"]
    assert line["message"] == "screening queue has 3 topics" and line["level"] == "info"
    assert line["service"] == "council" and line["logger"] == "services.council.projection"
    assert line["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736" and line["span_id"] == "00f067aa0ba902b7"
    assert line["correlation_id"] == str(envelope.correlationid) and line["causation_id"] == str(envelope.id)
    assert line["topic_id"] == str(envelope.data.topic_id) and line["community_id"] == "330102001001"
    assert line["time"].endswith("Z")


def test_a_residents_name_and_phone_never_reach_a_line(lines) -> None:
    log = logging.getLogger("services.intake")
    contact = {"name": "王阿姨", "phone": "13800138000"}
    log.info("submission from %s", contact, extra={"contact": contact, "resident": {"contact_phone": "0571-88889999"}})
    log.info("model %s", "Contact(name='王阿姨', phone=None)")
    log.info("call back on 13800138000 or +86 13912345678 or 057188889999")
    try:
        raise ValueError(f"duplicate key (contact_phone)=({contact['phone']})")
    except ValueError:
        log.exception("insert failed")
    structlog.get_logger("services.intake").info("native", resident_name="王阿姨", phone="13800138000", n=2)
    text = lines.getvalue()
    for secret in ("王阿姨", "13800138000", "13912345678", "88889999"):
        assert secret not in text
    first, model, second, failed, native = _records(lines)
    assert first["contact"] == logs.REDACTED and first["resident"] == {"contact_phone": logs.REDACTED}
    assert first["message"] == f"submission from {{'name': '{logs.REDACTED}', 'phone': '{logs.REDACTED}'}}"
    assert model["message"] == f"model Contact(name='{logs.REDACTED}', phone=None)"
    assert second["message"] == f"call back on {logs.REDACTED} or {logs.REDACTED} or {logs.REDACTED}"
    assert "ValueError" in failed["exception"] and logs.REDACTED in failed["exception"]
    assert native["resident_name"] == logs.REDACTED and native["n"] == 2


def test_ids_and_codes_are_not_mistaken_for_phones(lines) -> None:
    topic = UUID("550e8400-e29b-41d4-a716-013800138000")
    logging.getLogger("services.kit").info("topic %s of community 330102001001 at offset 13800138000123", topic)
    (line,) = _records(lines)
    assert line["message"] == f"topic {topic} of community 330102001001 at offset 13800138000123"


_PIECES = st.sampled_from(["13800138000", "+86 13912345678", "0571-88889999", "057188889999", "330102001001",
                           "name='王阿姨'", 'contact_phone: "x"', "Phone=1", "TEL", "id_card", "ADDRESS", " ", "-", "'",
                           "=", ":", "8", "1", "0"])


@given(st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=12).map("".join))
def test_text_skipped_by_the_quick_check_is_text_the_substitutions_would_leave_alone(text) -> None:
    full = logs._PHONE.sub(logs.REDACTED, logs._PRIVATE_IN_TEXT.sub(rf"\g<key>\g<q>{logs.REDACTED}\g<q>", text))
    assert logs._redact_value(text) == full


def test_uvicorn_faststream_and_warnings_go_through_the_same_handler(lines) -> None:
    for name in ROUTED:
        routed = logging.getLogger(name)
        assert not routed.handlers and routed.propagate and routed.level == logging.NOTSET
    logging.getLogger("uvicorn.error").info("Started server process", extra={"color_message": "\x1b[36mStarted\x1b[0m"})
    warnings.warn("a deprecation", DeprecationWarning, stacklevel=1)
    started, warned = _records(lines)
    assert started["logger"] == "uvicorn.error" and "color_message" not in started
    assert warned["logger"] == "py.warnings" and "a deprecation" in warned["message"]


def test_console_lines_are_for_people_and_uncoloured_off_a_terminal() -> None:
    out = io.StringIO()
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    srcfile = logging._srcfile  # type: ignore[attr-defined]
    try:
        logs.configure("meeting", fmt="console", stream=out)
        logging.getLogger("services.meeting").warning("quorum not reached", extra={"phone": "13800138000"})
    finally:
        root.handlers, root.level = saved
        logging.captureWarnings(False)
        logging._srcfile = srcfile  # type: ignore[attr-defined]
        structlog.reset_defaults()
    text = out.getvalue()
    assert "quorum not reached" in text and "service=meeting" in text and "[warning" in text
    assert "\x1b[" not in text and not text.lstrip().startswith("{") and "13800138000" not in text


async def test_a_request_gets_a_correlation_id_in_its_lines_and_its_answer(lines) -> None:
    app = FastAPI()

    @app.get("/communities/{community_id}/topics/{topic_id}")
    async def topic(community_id: str, topic_id: UUID) -> dict[str, str]:
        logging.getLogger("services.council.entrypoints").info("reading a topic")
        return {"ok": "yes"}

    asgi = logs.RequestContext(app)
    given, topic_id = uuid4(), uuid4()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=asgi), base_url="http://council") as client:
        sent = await client.get(f"/communities/330102001001/topics/{topic_id}", headers={"X-Correlation-Id": str(given)})
        fresh = await client.get(f"/communities/330102001001/topics/{topic_id}", headers={"X-Correlation-Id": "not-a-uuid"})
    assert sent.headers["x-correlation-id"] == str(given)
    assert UUID(fresh.headers["x-correlation-id"]) != given
    first, second = [line for line in _records(lines) if line["logger"] == "services.council.entrypoints"]
    assert first["correlation_id"] == str(given) and second["correlation_id"] == fresh.headers["x-correlation-id"]
    assert first["topic_id"] == str(topic_id) and first["community_id"] == "330102001001"
    assert structlog.contextvars.get_contextvars() == {}, "nothing leaks out of the request"
