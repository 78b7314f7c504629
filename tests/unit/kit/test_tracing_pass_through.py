"""With no exporter (the default), an event's span records nothing, yet the event's trace
context is current while it is handled and gone afterwards; an event without one leaves the
context as it was."""

from types import SimpleNamespace
from uuid import uuid4

import pytest
from opentelemetry.trace import SpanKind

from services.kit import tracing


def _envelope(traceparent: str | None) -> SimpleNamespace:
    return SimpleNamespace(traceparent=traceparent, tracestate="yishi=1" if traceparent else None, id=uuid4(),
                           type="yishi.TopicSubmitted.v1", source="/yishi/intake", subject="t",
                           communityid="330102001051", correlationid=uuid4())


def test_the_events_trace_context_is_current_while_it_is_handled() -> None:
    assert not tracing.enabled()
    traceparent = f"00-{uuid4().hex}-{uuid4().hex[:16]}-01"
    with tracing.event_span("intake handle", _envelope(traceparent), kind=SpanKind.CONSUMER) as span:
        assert tracing.current_trace_context() == {"traceparent": traceparent, "tracestate": "yishi=1"}
        assert not span.is_recording()
    assert tracing.current_trace_context() == {}


def test_an_event_without_a_trace_leaves_the_context_alone_even_when_its_handler_fails() -> None:
    with pytest.raises(ValueError), tracing.event_span("intake handle", _envelope(None), kind=SpanKind.CONSUMER):
        assert tracing.current_trace_context() == {}
        raise ValueError("the handler failed")
    assert tracing.current_trace_context() == {}
