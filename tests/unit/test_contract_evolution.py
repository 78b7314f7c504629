"""Schema evolution: an event type's schema only ever changes compatibly with its published
version (contracts/yishi_contracts/schemas/published/). Compatible means every event valid
under the published schema is still valid, and no field it names is gone: fields may be
added when optional, enums and types widened, limits relaxed. Anything else is a new
version, i.e. a new type name (yishi.X.v2) with a baseline of its own."""

import json
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

import pytest
from pydantic import BaseModel, Field
from yishi_contracts import EVENT_TYPES, TopicSubmitted

from services.system.contracts_export import PUBLISHED_DIR

Schema = dict[str, Any]
_LOWER = ("minLength", "minItems", "minimum", "exclusiveMinimum")
_UPPER = ("maxLength", "maxItems", "maximum", "exclusiveMaximum")


def _resolve(root: Schema, node: Schema) -> Schema:
    while "$ref" in node:
        name = node["$ref"].removeprefix("#/$defs/")
        node = {**root["$defs"][name], **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _values(node: Schema) -> list[Any] | None:
    return [node["const"]] if "const" in node else node.get("enum")


def _types(node: Schema) -> set[str] | None:
    declared = node.get("type")
    if declared is None:
        return None
    kinds = set(declared) if isinstance(declared, list) else {declared}
    return kinds | {"integer"} if "number" in kinds else kinds


class Compatibility:
    """Why the current schema does not accept what the published one did (empty: it does)."""

    def __init__(self, published: Schema, current: Schema) -> None:
        self.old_root, self.new_root = published, current

    def problems(self) -> list[str]:
        return self._compare(self.old_root, self.new_root, self.old_root.get("title", "$"))

    def _compare(self, old: Schema, new: Schema, at: str) -> list[str]:
        old, new = _resolve(self.old_root, old), _resolve(self.new_root, new)
        if branches := old.get("anyOf") or old.get("oneOf"):
            return [p for branch in branches for p in self._compare(branch, new, at)]
        if branches := new.get("anyOf") or new.get("oneOf"):
            tries = [self._compare(old, branch, at) for branch in branches]
            return [] if any(not t for t in tries) else min(tries, key=len)
        old_values, new_values = _values(old), _values(new)
        if new_values is not None:
            if old_values is None:
                return [f"{at}: narrowed to {new_values}"]
            if lost := [v for v in old_values if v not in new_values]:
                return [f"{at}: no longer accepts {lost}"]
        old_types, new_types = _types(old), _types(new)
        if new_types is not None and old_values is None:
            if old_types is None:
                return [f"{at}: narrowed to type {sorted(new_types)}"]
            if not old_types <= new_types:
                return [f"{at}: type changed from {sorted(old_types)} to {sorted(new_types)}"]
        return self._limits(old, new, at) + self._items(old, new, at) + self._fields(old, new, at)

    def _limits(self, old: Schema, new: Schema, at: str) -> list[str]:
        out = []
        for key in _LOWER + _UPPER:
            if key in new and (key not in old or (new[key] > old[key] if key in _LOWER else new[key] < old[key])):
                out.append(f"{at}: {key} tightened to {new[key]}")
        for key in ("pattern", "format"):
            if key in new and new[key] != old.get(key):
                out.append(f"{at}: {key} changed to {new[key]!r}")
        return out

    def _items(self, old: Schema, new: Schema, at: str) -> list[str]:
        if "items" in new:
            return self._compare(old.get("items", {}), new["items"], f"{at}[]")
        return []

    def _fields(self, old: Schema, new: Schema, at: str) -> list[str]:
        old_fields, new_fields = old.get("properties", {}), new.get("properties", {})
        out = [f"{at}.{name}: removed" for name in old_fields if name not in new_fields]
        for name in old_fields.keys() & new_fields.keys():
            out += self._compare(old_fields[name], new_fields[name], f"{at}.{name}")
        for name in sorted(set(new.get("required", ())) - set(old.get("required", ()))):
            out.append(f"{at}.{name}: {'became required' if name in old_fields else 'new required field'}")
        if new.get("additionalProperties") is False and old.get("additionalProperties") is not False:
            out.append(f"{at}: no longer accepts other fields")
        return out


def _published() -> dict[str, Schema]:
    return {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(PUBLISHED_DIR.glob("*.json"))}


def test_every_event_type_has_a_published_baseline_and_none_was_dropped() -> None:
    published = _published()
    assert set(EVENT_TYPES) - set(published) == set(), "new types: run `yishi contracts export` to publish them"
    assert set(published) - set(EVENT_TYPES) == set(), "a published type is gone: publish a new type instead"


@pytest.mark.parametrize("cloudevent_type", sorted(EVENT_TYPES))
def test_the_current_schema_accepts_what_its_published_version_did(cloudevent_type: str) -> None:
    baseline = _published().get(cloudevent_type)
    assert baseline is not None, f"{cloudevent_type} is not published yet: run `yishi contracts export`"
    problems = Compatibility(baseline, EVENT_TYPES[cloudevent_type].model_json_schema()).problems()
    assert problems == [], f"{cloudevent_type} changed incompatibly; make it a new type instead:\n" + "\n".join(problems)


class Kind(StrEnum):
    a = "a"
    b = "b"


class Narrow(StrEnum):
    a = "a"


class Part(BaseModel):
    place: str
    note: str | None = None


class Old(BaseModel):
    title: str = Field(max_length=80)
    count: int
    kind: Kind
    mode: Literal["x", "y"]
    note: str | None = None
    parts: list[Part] = []
    when: datetime


def _changes(**fields: Any) -> list[str]:
    """The problems of a copy of Old with some fields replaced, added or (None) removed."""
    annotations = {name: field.annotation for name, field in Old.model_fields.items()}
    defaults = {name: field for name, field in Old.model_fields.items()}
    for name, spec in fields.items():
        annotations.pop(name, None)
        defaults.pop(name, None)
        if spec is not None:
            annotations[name], defaults[name] = spec
    namespace = {"__annotations__": annotations, **{n: f for n, f in defaults.items() if f is not ...}}
    new = type("Old", (BaseModel,), namespace)
    return Compatibility(Old.model_json_schema(), new.model_json_schema()).problems()


@pytest.mark.parametrize(
    "change, problem",
    [
        ({"count": None}, "Old.count: removed"),
        ({"count": None, "total": (int, ...)}, "Old.total: new required field"),
        ({"urgency": (int, ...)}, "Old.urgency: new required field"),
        ({"note": (str, ...)}, "Old.note: became required"),
        ({"note": (str, None)}, "Old.note: type changed from ['null'] to ['string']"),
        ({"count": (str, ...)}, "Old.count: type changed from ['integer'] to ['string']"),
        ({"kind": (Narrow, ...)}, "Old.kind: no longer accepts ['b']"),
        ({"mode": (Literal["x"], ...)}, "Old.mode: no longer accepts ['y']"),
        ({"title": (str, Field(max_length=40))}, "Old.title: maxLength tightened to 40"),
        ({"title": (str, Field(pattern=r"^\S+$"))}, "Old.title: pattern changed to '^\\\\S+$'"),
        ({"title": (datetime, ...)}, "Old.title: format changed to 'date-time'"),
        ({"parts": (list[str], [])}, "Old.parts[]: type changed from ['object'] to ['string']"),
    ],
)
def test_the_check_refuses_every_kind_of_breaking_change(change: dict[str, Any], problem: str) -> None:
    assert problem in _changes(**change)


def test_a_nested_field_removed_is_caught_too() -> None:
    class Slim(BaseModel):
        place: str

    assert "Old.parts[].note: removed" in _changes(parts=(list[Slim], []))


@pytest.mark.parametrize(
    "change",
    [
        {"extra": (str | None, None)},  # a new optional field
        {"count": (int | None, ...)},  # widened type
        {"count": (float, ...)},  # integer → number
        {"mode": (Literal["x", "y", "z"], ...)},  # widened enum
        {"title": (str, Field(max_length=200))},  # relaxed limit
        {"title": (str | None, None)},  # no longer required
    ],
)
def test_compatible_changes_pass(change: dict[str, Any]) -> None:
    assert _changes(**change) == []


def test_a_real_event_with_a_new_required_field_is_refused() -> None:
    class Changed(TopicSubmitted):
        urgency: int

    problems = Compatibility(TopicSubmitted.model_json_schema(), Changed.model_json_schema()).problems()
    assert "TopicSubmitted.urgency: new required field" in problems
