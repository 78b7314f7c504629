"""The exported contract documents: one JSON Schema per event, and the AsyncAPI document.

Both are generated from the code and committed inside the ``yishi_contracts`` package, so
the wheel ships them and subscribers can read them without running anything; ``check``
reports any drift so a test can fail on it. The JSON Schemas come from the pydantic
models. The AsyncAPI document takes who sends and who receives what from the services'
FastStream brokers, and the wire itself (one channel per Kafka topic, one message per
event type with its ``ce_*`` headers, key and payload) from the contracts' registry and
:mod:`yishi_contracts.wire`, which is what the services' binding writes. A type's first
export also writes its published baseline (``schemas/published/``), never rewritten after:
tests/unit/test_contract_evolution.py holds every later schema to it.
"""

import inspect
import json
from pathlib import Path
from typing import Any

import yaml
from faststream.specification import AsyncAPI
from pydantic.json_schema import models_json_schema
from yishi_contracts import EVENT_TYPES, STREAMS, Envelope, Event, Stream, TopicEvent, __version__
from yishi_contracts.wire import CONTENT_TYPE, headers_schema

from services.kit.runtime import ServiceRuntime
from services.kit.settings import KafkaSettings

CONTRACTS_DIR = Path(__file__).resolve().parents[2] / "contracts"
PACKAGE_DIR = CONTRACTS_DIR / "yishi_contracts"
SCHEMAS_DIR = PACKAGE_DIR / "schemas"
PUBLISHED_DIR = SCHEMAS_DIR / "published"
ASYNCAPI_FILE = PACKAGE_DIR / "asyncapi.yaml"

KAFKA_BINDING = "0.5.0"
HEADERS_SCHEMA = "CloudEventsHeaders"
DESCRIPTION = (
    "The public event stream of Yishi (议事), community consultation councils. Every message is a "
    "CloudEvents 1.0 event in the Kafka binary content mode: the attributes as ce_* headers (UTF-8 "
    "text), content-type application/json, the event data as the JSON value, and the stream id (the "
    "consultation topic's id; the council's for CouncilCompositionChanged; the 12-digit division code "
    "for the registry's Division* and CommunitySettingsChanged) as the key, so one "
    "topic's events stay in order. A subscriber reads the four topics, ignores types it does not "
    "know (tolerant reader: newer optional fields and headers may appear) and deduplicates on "
    "ce_id. The Python package yishi-contracts reads a record into a typed event "
    "(yishi_contracts.wire.from_kafka) and ships this document and the JSON Schemas."
)


def _json(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def event_schema(cloudevent_type: str, model: type[Event]) -> dict[str, Any]:
    schema = model.model_json_schema()
    schema["$id"] = f"urn:yishi:event:{cloudevent_type}"
    schema["x-cloudevents-type"] = cloudevent_type
    return schema


def rendered() -> dict[Path, str]:
    from .cli import documentation_runtimes

    files = {
        SCHEMAS_DIR / f"{name}.json": _json(event_schema(name, model)) for name, model in sorted(EVENT_TYPES.items())
    }
    files[SCHEMAS_DIR / "envelope.json"] = _json(Envelope.model_json_schema())
    document = asyncapi_document(documentation_runtimes())
    files[ASYNCAPI_FILE] = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=110)
    return files


def unpublished() -> dict[Path, str]:
    """Baselines still to write: the current schema of every type not yet published."""
    return {
        PUBLISHED_DIR / f"{name}.json": _json(event_schema(name, model))
        for name, model in sorted(EVENT_TYPES.items())
        if not (PUBLISHED_DIR / f"{name}.json").exists()
    }


def export() -> list[Path]:
    files = rendered()
    SCHEMAS_DIR.mkdir(parents=True, exist_ok=True)
    for stale in set(SCHEMAS_DIR.glob("*.json")) - set(files):
        stale.unlink()
    baselines = unpublished()
    PUBLISHED_DIR.mkdir(parents=True, exist_ok=True)
    for path, text in {**files, **baselines}.items():
        path.write_text(text, encoding="utf-8")
    return sorted({**files, **baselines})


def check() -> list[str]:
    """What differs between the committed documents and the code; empty when in step."""
    files = rendered()
    drift = []
    for path, text in files.items():
        if not path.exists():
            drift.append(f"missing: {path.relative_to(CONTRACTS_DIR.parent)}")
        elif path.read_text(encoding="utf-8") != text:
            drift.append(f"out of date: {path.relative_to(CONTRACTS_DIR.parent)}")
    for stale in set(SCHEMAS_DIR.glob("*.json")) - set(files):
        drift.append(f"no longer produced: {stale.relative_to(CONTRACTS_DIR.parent)}")
    drift += [f"not yet published: {path.relative_to(CONTRACTS_DIR.parent)}" for path in unpublished()]
    if drift:
        drift.append("run: yishi contracts export")
    return drift


def asyncapi_document(runtimes: list[ServiceRuntime[Any]]) -> dict[str, Any]:
    """The AsyncAPI 3.0 document of the public topics, as the runtimes' settings name them."""
    kafka = runtimes[0].settings.kafka
    channels = {stream.topic: _channel(stream, kafka) for stream in STREAMS}
    by_address = {kafka.topic(stream.topic): stream for stream in STREAMS}
    operations: dict[str, Any] = {}
    for runtime in runtimes:
        operations.update(_operations(runtime, by_address))
    payloads, schemas = _payload_schemas()
    schemas[HEADERS_SCHEMA] = {**headers_schema(), "title": "CloudEvents headers of a Yishi record"}
    return {
        "asyncapi": "3.0.0",
        "id": "urn:yishi:events",
        "info": {"title": "Yishi (议事) events", "version": __version__, "description": DESCRIPTION},
        "defaultContentType": CONTENT_TYPE,
        "servers": _servers(kafka),
        "channels": channels,
        "operations": operations,
        "components": {
            "messages": {
                model.cloudevent_type(): _message(model, stream, payloads[model])
                for stream in STREAMS
                for model in stream.events
            },
            "schemas": schemas,
            "correlationIds": {
                "correlation": {
                    "description": "Shared by every event caused, directly or not, by one original request.",
                    "location": "$message.header#/ce_correlationid",
                }
            },
        },
    }


def _servers(kafka: KafkaSettings) -> dict[str, Any]:
    env = KafkaSettings.model_config.get("env_prefix", "")
    return {
        "kafka": {
            "host": kafka.bootstrap_servers,
            "protocol": "kafka",
            "title": "Yishi's Kafka cluster",
            "description": (
                f"The brokers the services connect to: {env}BOOTSTRAP_SERVERS. The address here comes from "
                f"the settings this document was generated with; a deployment has its own. Topic names carry "
                f"{env}TOPIC_PREFIX, empty in production."
            ),
        }
    }


def _channel(stream: Stream, kafka: KafkaSettings) -> dict[str, Any]:
    return {
        "address": kafka.topic(stream.topic),
        "title": f"{stream.service} events",
        "description": (
            f"Every event the {stream.service} service publishes, keyed by its stream id, in the order "
            f"recorded per key. Partitions: YISHI_KAFKA_PARTITIONS, {kafka.partitions} by default."
        ),
        "messages": {m.__name__: {"$ref": f"#/components/messages/{m.cloudevent_type()}"} for m in stream.events},
        "bindings": {"kafka": {"topic": kafka.topic(stream.topic), "partitions": kafka.partitions,
                               "bindingVersion": KAFKA_BINDING}},
    }


def _operations(runtime: ServiceRuntime[Any], by_address: dict[str, Stream]) -> dict[str, Any]:
    """The sends and receives the service's broker declares, on the public channels."""
    service = runtime.settings.service
    spec = AsyncAPI(runtime.broker, title=service, version=__version__).to_specification().to_jsonable()
    operations = {}
    for declared in spec.get("operations", {}).values():
        channel = spec["channels"][declared["channel"]["$ref"].removeprefix("#/channels/")]
        stream = by_address.get(channel["address"])
        if stream is None:
            raise ValueError(f"{service} declares {channel['address']!r}, which is not a public topic")
        receive = declared["action"] == "receive"
        operation: dict[str, Any] = {
            "action": declared["action"],
            "channel": {"$ref": f"#/channels/{stream.topic}"},
            "title": f"{service} {'reads' if receive else 'publishes'} {stream.topic}",
            **({"description": channel["description"]} if channel.get("description") else {}),
            # A subscriber receives every record on the topic, and skips the types it does not keep.
            "messages": [{"$ref": f"#/channels/{stream.topic}/messages/{m.__name__}"} for m in stream.events],
        }
        if receive:
            operation["bindings"] = {"kafka": {
                "groupId": {"type": "string", "const": runtime.settings.consumer_group},
                "bindingVersion": KAFKA_BINDING,
            }}
        name = f"{service}.{'receive' if receive else 'send'}.{stream.topic}"
        if name in operations:
            raise ValueError(f"{service} declares two {declared['action']} operations on {stream.topic}")
        operations[name] = operation
    return operations


def _message(model: type[Event], stream: Stream, payload: dict[str, str]) -> dict[str, Any]:
    summary, _, description = (inspect.getdoc(model) or model.__name__).partition("\n\n")
    if issubclass(model, TopicEvent):
        key = "The consultation topic's id (topic_id), equal to ce_subject."
    else:
        key = "The event's stream id, equal to ce_subject (see the event's description)."
    return {
        "name": model.__name__,
        "title": model.cloudevent_type(),
        "summary": " ".join(summary.split()),
        **({"description": description.strip()} if description.strip() else {}),
        "contentType": CONTENT_TYPE,
        "headers": {
            "allOf": [
                {"$ref": f"#/components/schemas/{HEADERS_SCHEMA}"},
                {"type": "object", "properties": {
                    "ce_type": {"type": "string", "const": model.cloudevent_type()},
                    "ce_source": {"type": "string", "const": stream.source},
                    "ce_schemaversion": {"type": "string", "const": str(model.version)},
                }},
            ]
        },
        "payload": payload,
        "correlationId": {"$ref": "#/components/correlationIds/correlation"},
        "bindings": {"kafka": {"key": {"type": "string", "format": "uuid", "description": key},
                               "bindingVersion": KAFKA_BINDING}},
    }


def _payload_schemas() -> tuple[dict[type[Event], dict[str, str]], dict[str, Any]]:
    """Every event's reference to its data schema, and the schemas (theirs and those they share)."""
    models = [model for stream in STREAMS for model in stream.events]
    refs, top = models_json_schema([(m, "validation") for m in models], ref_template="#/components/schemas/{model}")
    schemas = {name: _asyncapi_schema(schema) for name, schema in top.get("$defs", {}).items()}
    return {model: refs[(model, "validation")] for model in models}, schemas


def _asyncapi_schema(node: Any) -> Any:
    """An AsyncAPI Schema Object from pydantic's JSON Schema: its discriminator is the property name."""
    if isinstance(node, list):
        return [_asyncapi_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _asyncapi_schema(value) for key, value in node.items()}
    if isinstance(node.get("discriminator"), dict) and "propertyName" in node["discriminator"]:
        out["discriminator"] = node["discriminator"]["propertyName"]
    return out
