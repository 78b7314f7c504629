"""Every field a request of the four services can name has a Chinese label for its refusals."""

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from services.council.entrypoints.screening_http import _DECISION
from services.kit.errors import install_error_handlers
from services.kit.field_labels import CONTEXT_LABELS, FIELD_LABELS, label_of
from services.kit.settings import KafkaSettings, ServiceSettings
from services.system.cli import SERVICES, app_module


def _openapi(service: str) -> dict[str, Any]:
    settings = ServiceSettings(service=service, database_url="postgresql://documentation-only",
                               kafka=KafkaSettings(bootstrap_servers="kafka:9092"))
    return app_module(service).create_app(settings).openapi()


def _names(schema: dict[str, Any], definitions: dict[str, Any], parent: str, seen: set[str]) -> set[tuple[str, str]]:
    """(parent, name) of every property in a schema, through $refs, lists and unions."""
    if "$ref" in schema:
        ref = schema["$ref"].rsplit("/", 1)[-1]
        if (ref, parent) in seen:
            return set()
        seen.add((ref, parent))
        return _names(definitions[ref], definitions, parent, seen)
    found: set[tuple[str, str]] = set()
    for name, inner in schema.get("properties", {}).items():
        found.add((parent, name))
        found |= _names(inner, definitions, name, seen)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            found |= _names(schema[key], definitions, parent, seen)
    for key in ("anyOf", "oneOf", "allOf"):
        for inner in schema.get(key, []):
            found |= _names(inner, definitions, parent, seen)
    return found


def _request_fields(service: str) -> set[tuple[str, str]]:
    spec = _openapi(service)
    definitions = spec.get("components", {}).get("schemas", {})
    found: set[tuple[str, str]] = set()
    for path in spec["paths"].values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                found.add(("", parameter["name"]))
            for media in operation.get("requestBody", {}).get("content", {}).values():
                found |= _names(media.get("schema", {}), definitions, "", set())
    return found


def _unlabelled(fields: set[tuple[str, str]]) -> list[str]:
    return sorted(f"{parent}.{name}" if parent else name for parent, name in fields
                  if name not in FIELD_LABELS and f"{parent}.{name}" not in CONTEXT_LABELS)


@pytest.mark.parametrize("service", SERVICES)
def test_every_request_field_of_a_service_has_a_chinese_label(service: str) -> None:
    fields = _request_fields(service)
    assert len(fields) > 5  # the walk found the bodies and parameters
    assert _unlabelled(fields) == [], f"add these names to services/kit/field_labels.py: {_unlabelled(fields)}"


def test_every_screening_decision_field_has_a_chinese_label() -> None:
    # The decisions are checked against the contract's models inside the route, not by FastAPI,
    # so the OpenAPI does not list their fields.
    schema = _DECISION.json_schema(ref_template="#/$defs/{model}")
    fields = _names(schema, schema.get("$defs", {}), "", set())
    assert ("", "details_requested") in fields
    assert _unlabelled(fields) == []


def test_a_label_names_nested_fields_and_their_item_numbers() -> None:
    assert label_of(["title"]) == "标题"
    assert label_of(["contact", "phone"]) == "联系方式 · 联系电话"
    assert label_of(["measures", "0", "description"]) == "办理措施第1项 · 措施内容"
    assert label_of(["description"]) == "问题描述"
    assert label_of(["not_a_known_field"]) == "not_a_known_field"
    assert label_of([]) == "请求内容"


class _Topic(BaseModel):
    title: str = Field(min_length=4)
    unheard_of: int


def test_a_refusal_names_the_field_in_chinese_and_keeps_its_code_elsewhere() -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/topics")
    async def _submit(body: _Topic) -> None:
        return None

    answer = TestClient(app).post("/topics", json={"title": "路灯", "unheard_of": "many"})
    assert answer.status_code == 422
    body = answer.json()
    assert body["message_zh"].startswith("提交的内容有误：标题：至少需要 4 个字")
    assert "unheard_of：类型或格式不正确" in body["message_zh"]  # no label yet: the code, not nothing
    assert "title" not in body["message_zh"]
    assert body["message_en"].startswith("The request is not valid: title: must have at least 4 characters")
    assert [f["field"] for f in body["fields"]] == ["title", "unheard_of"]
