"""The AsyncAPI document: valid for the official parser (npm @asyncapi/parser, run by
tests/tools/asyncapi/validate.mjs), and a true description of the wire: what the services'
binding writes validates against the message of its type, every operation has a payload,
and servers and topic names follow the settings."""

import hashlib
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
import yaml
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7
from yishi_contracts import EVENT_TYPES, STREAMS, Envelope
from yishi_contracts.wire import HEADERS

from services.kit import binding
from services.kit.settings import KafkaSettings, ServiceSettings
from services.system.catalog import SERVICES, app_module
from services.system.contracts_export import ASYNCAPI_FILE, asyncapi_document

from .factories import adopted, researched, screened, submitted

TOOL = Path(__file__).resolve().parents[1] / "tools" / "asyncapi"
Validate = Callable[[Path], dict[str, Any]]


@pytest.fixture(scope="session")
def parse_asyncapi() -> Validate:
    """The parser's verdict on a document; installs the pinned parser (npm ci) when missing or stale."""
    node, npm = shutil.which("node"), shutil.which("npm")
    assert node and npm, "node and npm are needed to validate the AsyncAPI document"
    lock = hashlib.sha256((TOOL / "package-lock.json").read_bytes()).hexdigest()
    stamp = TOOL / "node_modules" / ".yishi-lock"
    if not stamp.exists() or stamp.read_text() != lock:
        subprocess.run([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=TOOL, check=True,
                       capture_output=True, timeout=600)
        stamp.write_text(lock)

    def parse(path: Path) -> dict[str, Any]:
        done = subprocess.run([node, "validate.mjs", str(path)], cwd=TOOL, capture_output=True, text=True, timeout=120)
        assert done.stdout, done.stderr
        return {**json.loads(done.stdout), "exit": done.returncode}

    return parse


def _errors(verdict: dict[str, Any]) -> list[dict[str, Any]]:
    return [d for d in verdict["diagnostics"] if d["severity"] == "error"]


def test_the_committed_document_parses_without_an_error(parse_asyncapi: Validate) -> None:
    verdict = parse_asyncapi(ASYNCAPI_FILE)
    assert _errors(verdict) == [] and verdict["parsed"] and verdict["exit"] == 0, verdict["diagnostics"]
    assert verdict["version"] == "3.0.0" and verdict["messages"] == len(EVENT_TYPES)
    assert [d for d in verdict["diagnostics"] if d["severity"] == "warning"] == []


def test_the_parser_refuses_a_broken_document(parse_asyncapi: Validate, tmp_path: Path) -> None:
    document = _document()
    document["components"]["messages"]["yishi.TopicSubmitted.v1"]["payload"] = {"$ref": "#/components/schemas/Nope"}
    document["operations"]["intake.send.yishi.intake.v1"]["action"] = "publish"
    broken = tmp_path / "asyncapi.yaml"
    broken.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    verdict = parse_asyncapi(broken)
    assert verdict["exit"] == 1 and {d["path"] for d in _errors(verdict)} >= {
        "components/messages/yishi.TopicSubmitted.v1/payload/$ref",
        "operations/intake.send.yishi.intake.v1/action",
    }


def _document() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(ASYNCAPI_FILE.read_text(encoding="utf-8"))
    return loaded


def _at(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def test_every_operation_names_its_messages_and_every_message_has_a_payload() -> None:
    document = _document()
    for name, operation in document["operations"].items():
        channel = _at(document, operation["channel"]["$ref"])
        assert operation["messages"], name
        for ref in operation["messages"]:
            message = _at(document, _at(document, ref["$ref"])["$ref"])
            payload = _at(document, message["payload"]["$ref"])
            assert payload.get("type") == "object" and payload["properties"], (name, ref)
            assert ref["$ref"].startswith(operation["channel"]["$ref"] + "/messages/")
        assert channel["address"] in {s.topic for s in STREAMS}
    sends = {op["channel"]["$ref"] for op in document["operations"].values() if op["action"] == "send"}
    assert sends == {f"#/channels/{s.topic}" for s in STREAMS}
    receivers = {name.split(".")[0] for name, op in document["operations"].items() if op["action"] == "receive"}
    assert receivers == set(SERVICES)


def test_the_headers_are_the_wire_s_and_the_correlation_id_is_one_of_them() -> None:
    document = _document()
    headers = document["components"]["schemas"]["CloudEventsHeaders"]
    assert list(headers["properties"]) == [h.name for h in HEADERS]
    assert set(headers["required"]) == {h.name for h in HEADERS if h.always}
    assert {"ce_traceparent", "ce_tracestate", "ce_causationid"} <= set(headers["properties"]) - set(headers["required"])
    location = document["components"]["correlationIds"]["correlation"]["location"]
    assert location == "$message.header#/ce_correlationid" and "ce_correlationid" in headers["required"]


@pytest.mark.parametrize("make", [submitted, lambda: screened(uuid4()), lambda: researched(uuid4()), lambda: adopted(uuid4())])
def test_what_the_services_write_is_what_the_document_describes(make) -> None:
    document = _document()
    registry: Registry[Any] = Registry().with_resource("urn:yishi:asyncapi", Resource.from_contents(document, DRAFT7))

    def valid(pointer: str, instance: Any) -> list[str]:
        validator = Draft7Validator({"$ref": f"urn:yishi:asyncapi#{pointer}"}, registry=registry)
        return [e.message for e in validator.iter_errors(instance)]

    event = make()
    stream = next(s for s in STREAMS if type(event) in s.events)
    record = binding.to_kafka(Envelope.wrap(event, source=stream.source, causation_id=uuid4()))
    message = f"/components/messages/{event.cloudevent_type()}"
    headers = {name: value.decode() for name, value in record.headers}
    assert valid(f"{message}/headers", headers) == []
    assert valid(f"{message}/payload", json.loads(record.value)) == []
    assert valid(f"{message}/bindings/kafka/key", record.key.decode()) == []
    other = next(t for t in EVENT_TYPES if t != event.cloudevent_type())
    assert valid(f"/components/messages/{other}/headers", headers), "ce_type names one message only"
    assert valid(f"{message}/payload", {**json.loads(record.value), "community_id": "12"})


def test_servers_and_topic_names_follow_the_settings() -> None:
    kafka = KafkaSettings(bootstrap_servers="broker-1.city.example:9093", topic_prefix="staging.", partitions=24)
    runtimes = [
        app_module(s).build_runtime(ServiceSettings(service=s, database_url="postgresql://unused", kafka=kafka))
        for s in SERVICES
    ]
    document = asyncapi_document(runtimes)
    assert [server["host"] for server in document["servers"].values()] == ["broker-1.city.example:9093"]
    assert {c["address"] for c in document["channels"].values()} == {f"staging.{s.topic}" for s in STREAMS}
    assert {c["bindings"]["kafka"]["partitions"] for c in document["channels"].values()} == {24}
    groups = {op["bindings"]["kafka"]["groupId"]["const"] for op in document["operations"].values() if op["action"] == "receive"}
    assert groups == {f"staging.yishi.{s}" for s in SERVICES}
