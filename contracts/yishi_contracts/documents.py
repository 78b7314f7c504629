"""The contract documents shipped inside this package, generated from the models.

``schemas/<type>.json`` is the JSON Schema (draft 2020-12) of one event type's data,
``schemas/envelope.json`` the envelope's, and ``asyncapi.yaml`` the AsyncAPI 3.0 document
of the whole event stream: topics, keys, headers, payloads, who sends and who receives.
"""

import json
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

from .registry import EVENT_TYPES, UnknownEventType

_HERE = files("yishi_contracts")


def asyncapi_yaml() -> str:
    """The AsyncAPI document as YAML text (parse it with any YAML library)."""
    return (_HERE / "asyncapi.yaml").read_text(encoding="utf-8")


def event_schema(cloudevent_type: str) -> dict[str, Any]:
    """The JSON Schema of one event type's data, e.g. ``event_schema("yishi.TopicSubmitted.v1")``."""
    if cloudevent_type not in EVENT_TYPES:
        raise UnknownEventType(f"{cloudevent_type}: not a Yishi event type")
    return _load(_HERE / "schemas" / f"{cloudevent_type}.json")


def envelope_schema() -> dict[str, Any]:
    """The JSON Schema of the CloudEvents envelope (the attributes, as a structured-mode event)."""
    return _load(_HERE / "schemas" / "envelope.json")


def event_schemas() -> dict[str, dict[str, Any]]:
    """Every event type's JSON Schema, by CloudEvents type."""
    return {name: event_schema(name) for name in sorted(EVENT_TYPES)}


def _load(path: Traversable) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded
