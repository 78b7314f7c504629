"""HTTP errors a person can understand, in Chinese and English.

Every refusal has the same shape: ``{"error": code, "message_zh": ..., "message_en": ...,
"fields": [...]}`` — a resident's app shows ``message_zh``, an integrator reads ``error``.
"""

import logging
from typing import Any

import asyncpg
from aiokafka import errors as kafka_errors
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from .eventstore import ConcurrencyConflict
from .field_labels import label_of
from .refusal import Refusal, RefusalKind

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5

OUTAGES: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,  # the connection broke or was refused
    asyncpg.exceptions.OperatorInterventionError,  # shutting down, starting up, a cancelled statement
    asyncpg.exceptions.InsufficientResourcesError,  # too many connections, disk full
    OSError,  # connection refused or reset, a timeout (TimeoutError is an OSError)
    kafka_errors.KafkaConnectionError,
    kafka_errors.KafkaTimeoutError,
    kafka_errors.NoBrokersAvailable,
    kafka_errors.RequestTimedOutError,
)
"""A dependency being away, not the request being wrong: 503 with Retry-After."""

UNAVAILABLE = {
    "error": "unavailable",
    "message_zh": "系统暂时无法办理，请稍后再试",
    "message_en": "the service is temporarily unavailable; try again shortly",
}
UNREADABLE_BODY = {
    "error": "invalid_input",
    "message_zh": "提交的内容有误：请求内容不是有效的 JSON（UTF-8 编码、嵌套不过深）",
    "message_en": "The request is not valid: the body is not readable JSON (UTF-8, not nested too deeply)",
    "fields": [{"field": "body", "message_zh": "请求内容不是有效的 JSON", "message_en": "is not readable JSON"}],
}


HTTP_STATUS: dict[RefusalKind, int] = {
    RefusalKind.invalid: 422,
    RefusalKind.not_now: 409,
    RefusalKind.not_found: 404,
    RefusalKind.not_yours: 403,
    RefusalKind.unauthenticated: 401,
    RefusalKind.malformed: 400,
    RefusalKind.too_large: 413,
    RefusalKind.unavailable: 503,
}
"""The one place a refusal's kind becomes an HTTP status."""


def status_of(refusal: Refusal) -> int:
    return HTTP_STATUS[refusal.kind]


def _field_message(err: dict[str, Any]) -> tuple[str, str]:
    kind, ctx = err.get("type", ""), err.get("ctx") or {}
    if kind == "missing":
        return "此项必填", "this field is required"
    if kind == "string_too_short":
        return f"至少需要 {ctx.get('min_length')} 个字", f"must have at least {ctx.get('min_length')} characters"
    if kind == "string_too_long":
        return f"不能超过 {ctx.get('max_length')} 个字", f"must have at most {ctx.get('max_length')} characters"
    if kind == "enum":
        return f"必须是以下之一：{ctx.get('expected')}", f"must be one of: {ctx.get('expected')}"
    if kind == "string_pattern_mismatch":
        return "格式不正确", "has the wrong format"
    if kind in ("too_short", "too_long"):
        return "条目数量不符合要求", f"has the wrong number of items ({err.get('msg')})"
    if kind in ("json_invalid", "model_attributes_type", "dict_type"):
        return "请求内容不是有效的 JSON 对象", "the request body is not a valid JSON object"
    if kind == "extra_forbidden":
        return "不认识的字段", "is not a known field"
    if kind == "text_control_character":
        character = ctx.get("character", "")
        return f"不能包含控制字符（{character}）", f"must not contain the control character {character}"
    if kind == "text_line_break":
        return "只能写一行，不能换行", "must be one line, without line breaks"
    if kind == "text_invisible":
        return "不能只有空白或不可见字符", "must contain visible characters, not only blanks"
    if kind == "string_unicode":
        return "包含无效的字符", "contains characters that are not valid Unicode text"
    if kind.startswith(("int_", "float_", "uuid_", "date", "datetime", "bool_", "string_type")):
        return "类型或格式不正确", f"has the wrong type or format ({err.get('msg')})"
    return "内容不符合要求", str(err.get("msg", "is not valid"))


def _location(err: dict[str, Any]) -> list[str]:
    return [str(part) for part in err.get("loc", ()) if part not in ("body", "query", "path")]


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        fields, labels = [], []
        for err in exc.errors():
            zh, en = _field_message(err)
            location = _location(err)
            fields.append({"field": ".".join(location) or "body", "message_zh": zh, "message_en": en})
            labels.append(label_of(location))
        # The Chinese summary names the field as a person calls it (标题), the English one by its code.
        summary_zh = "；".join(f"{label}：{f['message_zh']}" for label, f in zip(labels[:5], fields[:5]))
        summary_en = "; ".join(f"{f['field']}: {f['message_en']}" for f in fields[:5])
        return JSONResponse(
            status_code=422,
            content=jsonable_encoder(
                {
                    "error": "invalid_input",
                    "message_zh": f"提交的内容有误：{summary_zh}",
                    "message_en": f"The request is not valid: {summary_en}",
                    "fields": fields,
                }
            ),
        )

    @app.exception_handler(Refusal)
    async def _refused(_: Request, exc: Refusal) -> JSONResponse:
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if exc.kind is RefusalKind.unavailable else None
        return JSONResponse(status_code=status_of(exc), content=jsonable_encoder(exc.body()), headers=headers)

    @app.exception_handler(ConcurrencyConflict)
    async def _conflict(_: Request, exc: ConcurrencyConflict) -> JSONResponse:
        return JSONResponse(
            status_code=409,
            content={
                "error": "concurrent_change",
                "message_zh": "该记录刚被他人修改，请刷新后重试",
                "message_en": "someone else changed this record just now; reload and try again",
            },
        )

    async def _unavailable(request: Request, exc: Exception) -> JSONResponse:
        log.warning("%s %s answered 503: %r", request.method, request.url.path, exc)
        return JSONResponse(status_code=503, content=UNAVAILABLE, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})

    for outage in OUTAGES:
        app.add_exception_handler(outage, _unavailable)

    @app.exception_handler(RecursionError)
    async def _too_deep(request: Request, exc: RecursionError) -> JSONResponse:
        log.warning("%s %s: input nested too deeply (%r)", request.method, request.url.path, exc)
        return JSONResponse(status_code=422, content=UNREADABLE_BODY)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and exc.__cause__ is not None:
            # FastAPI could not decode the body (not UTF-8, nested too deeply for the parser).
            return JSONResponse(status_code=422, content=UNREADABLE_BODY)
        messages = {
            404: ("找不到该地址或记录", "not found"),
            405: ("不支持该请求方法", "method not allowed"),
            413: ("提交的内容过大", "request too large"),
        }
        zh, en = messages.get(exc.status_code, ("请求无法处理", str(exc.detail)))
        return JSONResponse(
            status_code=exc.status_code,
            content={"error": f"http_{exc.status_code}", "message_zh": zh, "message_en": en},
            headers=getattr(exc, "headers", None),
        )
