"""OpenTelemetry for a service: one trace from a resident's request to every service's handler.

Off unless the standard variables ask for it: ``OTEL_TRACES_EXPORTER`` (``otlp``, ``console``,
``none``; several separated by commas) or an OTLP endpoint (``OTEL_EXPORTER_OTLP_ENDPOINT`` /
``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``, then ``otlp`` is implied). The exporter, sampler,
batch and resource settings are the SDK's own ``OTEL_*`` variables (``OTEL_SERVICE_NAME``
defaults to ``yishi-<service>``). OTLP goes over HTTP/protobuf; ``OTEL_SDK_DISABLED=true``
turns everything off. Off, nothing is instrumented and the API's no-op tracer costs next to
nothing, yet a trace context an event brings is still passed on to the events it causes.

An event carries the trace context it was recorded in (``Envelope.traceparent``, stored with
the event and in the outbox row, ``ce_traceparent`` on Kafka); the relay's publish span and
every consumer's handler span are its children, and events a handler records continue it.
"""

import dataclasses
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any
from uuid import UUID

from opentelemetry import context, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from opentelemetry.trace import Link, SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

log = logging.getLogger(__name__)

_PROPAGATOR = TraceContextTextMapPropagator()
_TRACER = trace.get_tracer("yishi")
_configured: TracerProvider | None = None

REQUEST_CORRELATION: ContextVar[UUID | None] = ContextVar("yishi_request_correlation", default=None)
"""The correlation id of the HTTP request being served: the events it records share it."""


def _exporter_names() -> list[str]:
    named = os.environ.get("OTEL_TRACES_EXPORTER", "").strip()
    if named:
        return [n.strip() for n in named.split(",") if n.strip() and n.strip() != "none"]
    endpoint = os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
    return ["otlp"] if endpoint else []


def _exporter(name: str) -> SpanExporter:
    if name == "otlp":
        protocol = os.environ.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") or os.environ.get("OTEL_EXPORTER_OTLP_PROTOCOL")
        if protocol not in (None, "", "http/protobuf"):
            raise ValueError(f"OTLP protocol {protocol!r} is not installed; use http/protobuf (port 4318)")
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter()  # reads OTEL_EXPORTER_OTLP_* itself: endpoint, headers, certificate, ...
    if name == "console":
        return ConsoleSpanExporter()
    raise ValueError(f"OTEL_TRACES_EXPORTER={name!r}: this service knows otlp, console and none")


class _WithoutOrphanQueries(SpanProcessor):
    """Drops client spans that start a trace of their own: the relay's polling, a readiness
    query, a pool's connection setup. Alone they say nothing, and they would be a trace each."""

    def __init__(self, inner: SpanProcessor) -> None:
        self._inner = inner

    def on_start(self, span: Any, parent_context: Any = None) -> None:
        self._inner.on_start(span, parent_context)

    def on_end(self, span: ReadableSpan) -> None:
        if span.parent is None and span.kind is SpanKind.CLIENT:
            return
        self._inner.on_end(span)

    def shutdown(self) -> None:
        self._inner.shutdown()

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        return self._inner.force_flush(timeout_millis)


def configure(service: str, *, exporter: SpanExporter | None = None) -> bool:
    """Install the SDK once per process if the environment (or ``exporter``) asks for traces;
    return whether traces are recorded."""
    global _configured
    if _configured is not None:
        return True
    if os.environ.get("OTEL_SDK_DISABLED", "").lower() == "true":
        return False
    exporters = [exporter] if exporter is not None else [_exporter(n) for n in _exporter_names()]
    if not exporters:
        return False
    name = os.environ.get("OTEL_SERVICE_NAME") or f"yishi-{service}"
    provider = TracerProvider(resource=Resource.create({"service.name": name}))  # + OTEL_RESOURCE_ATTRIBUTES
    for one in exporters:
        provider.add_span_processor(_WithoutOrphanQueries(BatchSpanProcessor(one)))
    trace.set_tracer_provider(provider)
    from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor

    AsyncPGInstrumentor().instrument(tracer_provider=provider)  # statements only, never their parameters
    _configured = provider
    log.info("traces exported by %s as %s", ", ".join(type(e).__name__ for e in exporters), name)
    return True


def enabled() -> bool:
    return _configured is not None


def shutdown() -> None:
    """Export what is still buffered (on a clean stop)."""
    if _configured is not None:
        _configured.shutdown()


def instrument_app(app: Any) -> None:
    if enabled():
        from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

        FastAPIInstrumentor.instrument_app(
            app, excluded_urls="/health/live,/health/ready,/metrics", exclude_spans=["receive", "send"]
        )


def broker_middlewares() -> tuple[Any, ...]:
    """FastStream's own telemetry middleware: a span per consumed batch (each event's handler
    span links to it)."""
    if not enabled():
        return ()
    from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware

    return (KafkaTelemetryMiddleware(),)


def current_trace_context() -> dict[str, str]:
    """``traceparent`` (and ``tracestate``) of the span in progress; empty outside any trace."""
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier)
    return {k: v for k, v in carrier.items() if k in ("traceparent", "tracestate")}


def stamped(record: Any) -> Any:
    """The record (an envelope, a private event) with the current trace context, unless it
    has one already: events recorded in a request or a handler belong to its trace."""
    if record.traceparent is not None or not (trace_context := current_trace_context()):
        return record
    if dataclasses.is_dataclass(record):
        return dataclasses.replace(record, **trace_context)
    return record.model_copy(update=trace_context)


def _parent(traceparent: str | None, tracestate: str | None) -> context.Context | None:
    if not traceparent:
        return None
    carrier = {"traceparent": traceparent, **({"tracestate": tracestate} if tracestate else {})}
    parent = _PROPAGATOR.extract(carrier)
    return parent if trace.get_current_span(parent).get_span_context().is_valid else None


@contextmanager
def event_span(name: str, envelope: Any, *, kind: SpanKind, **attributes: Any) -> Iterator[trace.Span]:
    """A span for work on one event, the child of the trace context the event was recorded in
    (current while it runs, so events recorded inside continue that trace)."""
    parent = _parent(envelope.traceparent, envelope.tracestate)
    if not enabled():  # nothing is recorded: only the event's trace context must be current meanwhile
        yield from _passing_on(parent)
        return
    around = trace.get_current_span().get_span_context()
    links = [Link(around)] if parent is not None and around.is_valid and around.trace_id != _trace_id(parent) else None
    span_attributes = {
        "cloudevents.event_id": str(envelope.id),
        "cloudevents.event_type": envelope.type,
        "cloudevents.event_source": envelope.source,
        "cloudevents.event_subject": envelope.subject,
        "yishi.community_id": envelope.communityid,
        "yishi.correlation_id": str(envelope.correlationid),
        **attributes,
    }
    with _TRACER.start_as_current_span(
        name, context=parent, kind=kind, attributes=span_attributes, links=links
    ) as span:
        yield span


def _passing_on(parent: context.Context | None) -> Iterator[trace.Span]:
    """What the no-op tracer's span would do, without building a span's attributes and links:
    make the event's trace context current (unless it brings none) while the work runs."""
    if parent is None:
        yield trace.get_current_span()
        return
    token = context.attach(parent)
    try:
        yield trace.get_current_span(parent)
    finally:
        context.detach(token)


MAX_LINKS = 128
"""The SDK's default limit of links per span: a batch span links to no more of its events."""


@contextmanager
def batch_span(name: str, envelopes: list[Any], *, kind: SpanKind, **attributes: Any) -> Iterator[trace.Span]:
    """A span for work on several events at once (a projection's batch of one kind): the child
    of the span in progress, linked to each event's own trace context (the first
    :data:`MAX_LINKS`), so each event's trace leads to it. Events are not recorded in it."""
    links = None
    if enabled():  # no links to parse for a tracer that records nothing
        found = (_parent(e.traceparent, e.tracestate) for e in envelopes[:MAX_LINKS])
        links = [Link(trace.get_current_span(p).get_span_context()) for p in found if p is not None]
    with _TRACER.start_as_current_span(name, kind=kind, attributes=attributes, links=links) as span:
        yield span


def start_publish_span(topic: str, headers: dict[str, str], *, waited: float) -> trace.Span:
    """A producer span for one outbox row, the child of the event's own trace context: the
    trace shows when the event left the outbox, and how long it waited there."""
    parent = _parent(headers.get("ce_traceparent"), headers.get("ce_tracestate"))
    return _TRACER.start_span(
        f"{topic} publish", context=parent, kind=SpanKind.PRODUCER,
        attributes={"messaging.system": "kafka", "messaging.destination.name": topic,
                    "messaging.operation.type": "send", "cloudevents.event_id": headers.get("ce_id", ""),
                    "yishi.outbox.waited_seconds": waited},
    )


def _trace_id(ctx: context.Context) -> int:
    return trace.get_current_span(ctx).get_span_context().trace_id


def ids() -> tuple[str, str] | None:
    """The current trace and span ids in hex, for log lines; None outside any trace."""
    span_context = trace.get_current_span().get_span_context()
    if not span_context.is_valid:
        return None
    return format(span_context.trace_id, "032x"), format(span_context.span_id, "016x")
