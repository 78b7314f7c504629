"""The HTTP edge every service shares: the body limit, the /docs page served from the
service's own assets, and an OpenAPI document that says every answer an endpoint can give.

The body limit is a plain ASGI middleware counting bytes as they arrive, so a chunked body
is held to it as well as a declared one: over the limit the request gets the bilingual 413
at once and nothing more is read.
"""

import json
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field
from swagger_ui_bundle import swagger_ui_path

from .auth import authenticated

MAX_BODY_BYTES = 64 * 1024
DOCS_ASSETS = "/docs/assets"


def too_large_body(limit: int) -> dict[str, str]:
    return {
        "error": "too_large",
        "message_zh": f"提交的内容过大（上限 {limit // 1024} KB）",
        "message_en": f"the request body is over {limit // 1024} KB",
    }


class BodyTooLarge(Exception):
    """Raised to the app by ``receive`` once the body has passed the limit."""


class BodyLimit:
    def __init__(self, app: Any, *, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit
        self._answer = _json_answer(413, too_large_body(limit))

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.limit:
            await self._answer(send)  # nothing of the body is read
            return
        received = 0
        over = answered = False

        async def counting() -> dict[str, Any]:
            nonlocal received, over
            if over:
                raise BodyTooLarge
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    over = True
                    raise BodyTooLarge
            return message

        async def answering(message: dict[str, Any]) -> None:
            # Whatever the app made of the interrupted body (FastAPI answers 400), the answer is 413.
            nonlocal answered
            if not over:
                await send(message)
            elif message["type"] == "http.response.start" and not answered:
                answered = True
                await self._answer(send)

        try:
            await self.app(scope, counting, answering)
        except Exception:
            if not over:
                raise
            if not answered:  # the app failed on the interrupted body (BodyTooLarge, or what it made of it)
                await self._answer(send)


def _content_length(scope: dict[str, Any]) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


def _json_answer(status: int, body: dict[str, str]) -> Callable[[Any], Any]:
    payload = json.dumps(body, ensure_ascii=False).encode()
    start = {
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()),
                    (b"connection", b"close")],
    }

    async def answer(send: Any) -> None:
        await send(start)
        await send({"type": "http.response.body", "body": payload})

    return answer


# ---------------------------------------------------------------- the documents


class FieldProblem(BaseModel):
    field: str = Field(description="where in the request, e.g. contact.phone")
    message_zh: str
    message_en: str


class Problem(BaseModel):
    """Every refusal's body: a stable code and a message in Chinese and in English."""

    model_config = ConfigDict(extra="allow")
    error: str = Field(description="stable code, e.g. invalid_input, login_required, outside_your_community")
    message_zh: str
    message_en: str
    fields: list[FieldProblem] | None = Field(default=None, description="invalid_input: each field and what is wrong")


ANSWERS: dict[int, str] = {
    400: "The request cannot be read (a malformed code or header)",
    401: "No valid staff token (Authorization: Bearer <token>)",
    403: "Another role's or another community's business",
    404: "What the request names does not exist",
    409: "The procedure does not allow it now",
    413: f"The request body is over {MAX_BODY_BYTES // 1024} KB",
    422: "The request is not valid: the fields and what is wrong with each",
    503: "A dependency (the database, Kafka) is unavailable; try again after Retry-After seconds",
}
BEARER = "bearer"
_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def needs_token(dependant: Dependant) -> bool:
    return any(d.call is authenticated or needs_token(d) for d in dependant.dependencies)


def _answers(route: RouteContext) -> set[int]:
    d = route.dependant
    answers = {400, 503}
    if d.path_params or d.query_params or d.header_params or d.body_params or d.cookie_params:
        answers.add(422)
    if d.body_params or not route.methods <= _READ_METHODS:
        # a write may read its body itself (a CSV import), and refuse what it reads
        answers |= {413, 422}
    if d.path_params:
        answers.add(404)
    if not route.methods <= _READ_METHODS:
        answers.add(409)
    if needs_token(d):
        answers |= {401, 403}
    return answers


def _problem_response(status: int) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": ANSWERS[status],
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    if status == 503:
        answer["headers"] = {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}}
    return answer


NOT_READY: dict[int, dict[str, Any]] = {503: {
    "description": "Not ready: the checks say which dependency is down",
    "content": {"application/json": {"schema": {
        "type": "object", "required": ["status", "service", "checks"],
        "properties": {"status": {"const": "not_ready"}, "service": {"type": "string"}, "checks": {"type": "object"}},
    }}},
}}
"""The readiness probe's own 503 (its checks, not a refusal)."""


def document(app: FastAPI, own_answers: dict[str, dict[int, dict[str, Any]]] | None = None) -> None:
    """Make ``app.openapi()`` list each operation's refusals with the ``Problem`` body and the
    bearer scheme where a token is needed. ``own_answers`` gives, per path, the answers a route
    makes with a body of its own."""
    own = own_answers or {}

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        components = schema.setdefault("components", {})
        schemas = components.setdefault("schemas", {})
        problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(problem.pop("$defs", {}))
        schemas["Problem"] = problem
        components["securitySchemes"] = {BEARER: {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}
        for route in iter_route_contexts(app.routes):  # included routers' routes at their full paths
            if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
                continue
            for method in route.methods:
                operation = schema["paths"][route.path_format].get(method.lower())
                if operation is None:
                    continue
                responses = operation.setdefault("responses", {})
                answers = own.get(route.path_format, {})
                for status in sorted(_answers(route)):
                    if status in answers:
                        responses[str(status)] = answers[status]
                    elif status not in route.responses:
                        responses[str(status)] = _problem_response(status)
                    else:  # a route's own words stand; its body is the Problem all refusals share
                        own_answer = responses.setdefault(str(status), {})
                        own_answer.setdefault("content", _problem_response(status)["content"])
                operation["responses"] = dict(sorted(responses.items()))
                if needs_token(route.dependant):
                    operation["security"] = [{BEARER: []}]
        for unused in ("HTTPValidationError", "ValidationError"):
            schemas.pop(unused, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def serve_docs(app: FastAPI) -> None:
    """/docs: Swagger UI from the assets this service ships (no CDN), Authorize takes a token."""
    app.mount(DOCS_ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")

    async def docs(_: Request) -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} — API",
            swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS}/favicon-32x32.png",
            swagger_ui_parameters={"persistAuthorization": True},
        )

    app.add_api_route("/docs", docs, methods=["GET"], include_in_schema=False)
