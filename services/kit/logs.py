"""Logs: one JSON line per record (structlog), for every logger of the process.

The standard library's loggers (the kit's, uvicorn's, FastStream's) all go through one
handler whose structlog formatter adds: ``time``, ``level``, ``service``, ``logger``,
``message``, ``trace_id`` and ``span_id`` (the span in progress), and where known
``correlation_id``, ``causation_id``, ``topic_id``, ``community_id`` (bound per HTTP request
by :class:`RequestContext` and per event by :func:`bound_event`). A resident's name, phone
or contact never reaches a line: such keys are redacted, and phone numbers in any text too.

``YISHI_LOG_FORMAT=console`` gives human-readable lines (coloured on a terminal);
``YISHI_LOG_FORMAT=json`` (the default) one JSON object per line. ``YISHI_LOG_LEVEL`` sets
the level (default INFO).
"""

import logging
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any, TextIO
from uuid import UUID, uuid4

import structlog
from structlog.typing import EventDict, Processor

from . import tracing

REDACTED = "[redacted]"
_PRIVATE_KEY = re.compile(r"(^|_)(name|phone|mobile|tel|contact|address|id_?card)(_|$)", re.IGNORECASE)
_PHONE = re.compile(
    r"(?<![0-9A-Za-z])(?:\+?86[- ]?)?1[3-9]\d{9}(?![0-9A-Za-z])"  # a mobile number
    r"|(?<![0-9A-Za-z-])0\d{2,3}-?\d{7,8}(?![0-9A-Za-z-])"  # a landline with its area code
)
_PRIVATE_IN_TEXT = re.compile(  # key='value' / "key": "value" inside a rendered dict, model or JSON text
    r"""(?P<key>['"]?\b(?:\w+_)?(?:name|phone|mobile|tel|contact|address|id_?card)(?:_\w+)?\b['"]?\s*[:=]\s*)"""
    r"""(?P<q>['"])(?:(?!(?P=q)).)*(?P=q)""",
    re.IGNORECASE,
)
_MAYBE_PRIVATE = re.compile(r"\d{7}|name|phone|mobile|tel|contact|address|id_?card", re.IGNORECASE)
"""Every phone number above has seven digits in a row, and every private ``key=value`` names one
of these words: text with neither (most values of a line: ids, paths, levels) is left as it is
without running the two substitutions."""
_ROUTED = ("uvicorn", "uvicorn.error", "uvicorn.access", "faststream", "faststream.access", "faststream.access.kafka")
_SCOPE: ContextVar[dict[str, Any] | None] = ContextVar("yishi_http_scope", default=None)


@lru_cache(maxsize=1024)
def _private_key(key: str) -> bool:
    return _PRIVATE_KEY.search(key) is not None


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        if _MAYBE_PRIVATE.search(value) is None:
            return value
        return _PHONE.sub(REDACTED, _PRIVATE_IN_TEXT.sub(rf"\g<key>\g<q>{REDACTED}\g<q>", value))
    if isinstance(value, dict):
        return {k: REDACTED if isinstance(k, str) and _private_key(k) else _redact_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_redact_value(v) for v in value]
    return value


def redact(_: Any, __: str, event_dict: EventDict) -> EventDict:
    """No resident's name, phone or contact in a log line: by key at any depth, as ``key=value``
    inside text (a dict or model formatted into a message), and phone numbers anywhere."""
    return {k: REDACTED if _private_key(k) else _redact_value(v) for k, v in event_dict.items()}


def _with_service(service: str) -> Processor:
    def add(_: Any, __: str, event_dict: EventDict) -> EventDict:
        event_dict.setdefault("service", service)
        return event_dict

    return add


def _with_trace(_: Any, __: str, event_dict: EventDict) -> EventDict:
    if (ids := tracing.ids()) is not None:
        event_dict.setdefault("trace_id", ids[0])
        event_dict.setdefault("span_id", ids[1])
    return event_dict


def _with_route_ids(_: Any, __: str, event_dict: EventDict) -> EventDict:
    """The topic and community a request is about, from its route's path parameters (known only
    once routed, so read at logging time from the request's scope)."""
    scope = _SCOPE.get()
    if scope is not None:
        params = scope.get("path_params") or {}
        for key in ("topic_id", "community_id"):
            if key in params:
                event_dict.setdefault(key, str(params[key]))
    return event_dict


def _without_noise(_: Any, __: str, event_dict: EventDict) -> EventDict:
    event_dict.pop("color_message", None)  # uvicorn's ANSI-coloured copy of the message
    return event_dict


_FIRST = ("time", "level", "service", "logger", "message", "trace_id", "span_id", "correlation_id", "causation_id")


def _ordered(_: Any, __: str, event_dict: EventDict) -> EventDict:
    return {**{k: event_dict[k] for k in _FIRST if k in event_dict}, **event_dict}


def configure(service: str, *, fmt: str | None = None, level: str | None = None, stream: TextIO | None = None) -> None:
    """Route every logger of the process through one structlog handler (idempotent)."""
    fmt = (fmt or os.environ.get("YISHI_LOG_FORMAT") or "json").lower()
    level_name = (level or os.environ.get("YISHI_LOG_LEVEL") or "INFO").upper()
    out = stream or sys.stderr
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="time"),
        _with_service(service),
        _with_trace,
        _with_route_ids,
    ]
    if fmt == "console":
        renderer: Processor = structlog.dev.ConsoleRenderer(colors=out.isatty(), event_key="message", timestamp_key="time")
    else:
        renderer = structlog.processors.JSONRenderer(ensure_ascii=False)
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*shared, structlog.stdlib.ExtraAdder()],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            _without_noise,
            structlog.processors.format_exc_info,
            structlog.processors.EventRenamer("message"),
            redact,
            _ordered,
            renderer,
        ],
    )
    handler = logging.StreamHandler(out)
    handler.setFormatter(formatter)
    handler.setLevel(level_name)
    root = logging.getLogger()
    root.handlers = [handler]
    # No line says which file and line logged it, so the standard library need not look it up
    # for every record (walking the stack: 4% of an access line). Logging HOWTO, "Optimization".
    logging._srcfile = None  # type: ignore[attr-defined]
    # Warnings become log lines too, not raw text on stderr. Released first: logging captures only
    # once, and a later catch_warnings() may have put the original showwarning back meanwhile.
    logging.captureWarnings(False)
    logging.captureWarnings(True)
    root.setLevel(level_name)
    for name in _ROUTED:  # they bring handlers of their own: route them through ours instead
        routed = logging.getLogger(name)
        routed.handlers.clear()
        routed.propagate = True
        routed.setLevel(logging.NOTSET)  # and one level for all: a uvicorn.Config(log_level=) set earlier does not stay
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


@contextmanager
def bound(**fields: Any) -> Iterator[None]:
    """Log lines written in the block carry ``fields``; what was bound before comes back after.

    ``structlog.contextvars.bound_contextvars`` without its copy of the whole context on entry
    (a third of a request's middleware time): each value's token is reset instead."""
    tokens = structlog.contextvars.bind_contextvars(**fields)
    try:
        yield
    finally:
        structlog.contextvars.reset_contextvars(**tokens)


@contextmanager
def bound_event(envelope: Any) -> Iterator[None]:
    """Log lines written while handling an event say which event, topic and community."""
    fields = {
        "correlation_id": str(envelope.correlationid),
        "causation_id": str(envelope.id),  # what the lines (and the events recorded) are caused by
        "event_type": envelope.type,
        "community_id": envelope.communityid,
    }
    if (topic_id := getattr(envelope.data, "topic_id", None)) is not None:
        fields["topic_id"] = str(topic_id)
    with bound(**fields):
        yield


def _correlation(scope: dict[str, Any]) -> UUID:
    for name, value in scope.get("headers") or ():
        if name == b"x-correlation-id":
            try:
                return UUID(value.decode("latin-1"))
            except ValueError:
                break
    return uuid4()


class RequestContext:
    """ASGI middleware: each request gets a correlation id (``X-Correlation-Id`` if the caller
    sent a UUID, else a new one), answered in the response's header, bound to its log lines and
    shared by the events it records."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        correlation = _correlation(scope)

        async def send_with_id(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                header = (b"x-correlation-id", str(correlation).encode())
                message = {**message, "headers": [*message.get("headers", ()), header]}
            await send(message)

        request_token = tracing.REQUEST_CORRELATION.set(correlation)
        scope_token = _SCOPE.set(scope)
        try:
            with bound(correlation_id=str(correlation)):
                await self.app(scope, receive, send_with_id)
        finally:
            _SCOPE.reset(scope_token)
            tracing.REQUEST_CORRELATION.reset(request_token)
