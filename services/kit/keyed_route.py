"""Idempotency keys on the HTTP edge: a router made with ``route_class=KeyedRoute`` takes an
optional ``Idempotency-Key`` header on each of its POSTs (``services.kit.idempotency``).

Without the header a request runs as it always did. With one, the whole request — the
use case on the one command path and the answer the route makes of it — runs in one
transaction held for it (``PostgresUnits.holding``), which first claims the key: the answer
(status and JSON body) is kept in the transaction that records the command's events and
outbox rows, or neither is. The same request again gets the kept answer with
``Idempotent-Replayed: true`` and runs nothing; another request with the key is refused
(422 ``idempotency_key_reused``). A refusal is not kept, so a corrected request may reuse its
key. Two requests with one key at once: the second waits on the first's claim, then replays.
"""

import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Header, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from . import idempotency_store as store
from .auth import authenticated
from .idempotency import (
    HEADER, KEY_MAX_LENGTH, KEY_PATTERN, REPLAYED, KeptAnswer, KeyedRequest, checked_key, expired_before, replayed,
    request_digest,
)
from .metrics import IDEMPOTENT_REPLAYS
from .refusal import Refusal

if TYPE_CHECKING:
    from .runtime import ServiceRuntime

KEYED_ANSWERS: dict[int | str, dict[str, Any]] = {
    400: {"description": "The request cannot be read: a malformed code, or an Idempotency-Key that is empty, "
                         "over 100 characters or not visible ASCII (error: invalid_idempotency_key)"},
    422: {"description": "The request is not valid: the fields and what is wrong with each; or its "
                         "Idempotency-Key was already used for a different request (error: idempotency_key_reused)"},
}

REPLAY_HEADER = {REPLAYED: {
    "description": "true: this is the answer kept for the request's Idempotency-Key; nothing was carried out again",
    "schema": {"type": "string", "enum": ["true"]},
}}


def idempotency_key(
    key: Annotated[str | None, Header(
        alias=HEADER,
        description="可选。同一操作重发时带同一个键（如 UUID），只办理一次，并得到第一次的答复；键按办理人区分，"
        "保留24小时，不同请求不可复用同一个键。 Optional: send one key (a UUID, say) with every attempt of one action "
        "and it is carried out once, each attempt getting the first answer; keys are per actor, kept 24 hours, and "
        "never reused for another request.",
        # Documented here; KeyedRoute checks it and says what is wrong in both languages (400).
        json_schema_extra={"minLength": 1, "maxLength": KEY_MAX_LENGTH, "pattern": KEY_PATTERN},
    )] = None,
) -> str | None:
    """The header as a parameter of the route, so the OpenAPI document lists it."""
    return key


class _NotKept(Exception):
    """The route answered without raising, but not with a success: undo, and answer it."""

    def __init__(self, response: Response) -> None:
        self.response = response


def _replay(request: KeyedRequest, kept: KeptAnswer) -> Response:
    try:
        same = replayed(request, kept)
    except Refusal:
        IDEMPOTENT_REPLAYS.labels(request.service, "reused").inc()
        raise
    IDEMPOTENT_REPLAYS.labels(request.service, "replayed").inc()
    if same.body is None:  # an answer without a body (204)
        return Response(status_code=same.status, headers={REPLAYED: "true"})
    return JSONResponse(same.body, status_code=same.status, headers={REPLAYED: "true"})


async def answer_once(
    runtime: "ServiceRuntime[Any]", request: KeyedRequest, respond: Callable[[], Awaitable[Response]]
) -> Response:
    """The kept answer to ``request``'s key, or ``respond()`` run and kept in one transaction."""
    now = runtime.clock.now()
    try:
        async with runtime.units.holding() as unit:
            kept = await store.claim(unit.conn, request, now=now, expired_before=expired_before(now))
            if kept is not None:
                return _replay(request, kept)
            response = await respond()
            if not 200 <= response.status_code < 300:
                raise _NotKept(response)
            body = bytes(response.body)
            await store.keep(unit.conn, request, response.status_code, json.loads(body) if body else None)
            return response
    except _NotKept as not_kept:
        return not_kept.response


class KeyedRoute(APIRoute):
    """A route whose POST takes an optional ``Idempotency-Key`` (other methods are left as they are)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if "POST" in {m.upper() for m in kwargs.get("methods") or ()}:
            dependencies = list(kwargs.get("dependencies") or ())
            if not any(d.dependency is idempotency_key for d in dependencies):  # not again when included
                dependencies.append(Depends(idempotency_key))
            kwargs["dependencies"] = dependencies
            success = kwargs.get("status_code") or 200
            kwargs["responses"] = {**KEYED_ANSWERS, success: {"headers": REPLAY_HEADER}, **(kwargs.get("responses") or {})}
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        handler = super().get_route_handler()
        if "POST" not in self.methods:
            return handler
        route = self.path_format

        async def keyed(request: Request) -> Response:
            key = checked_key(request.headers.get(HEADER))
            if key is None:
                return await handler(request)
            actor = authenticated(request)  # the key's scope is the actor's
            runtime = request.app.state.runtime
            path = f"{request.url.path}?{request.url.query}" if request.url.query else request.url.path
            keyed_request = KeyedRequest(runtime.settings.service, actor.id, key, route,
                                         request_digest(request.method, path, await request.body()))
            return await answer_once(runtime, keyed_request, lambda: handler(request))

        return keyed
