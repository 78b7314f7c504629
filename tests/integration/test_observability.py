"""Observability of the real system: the four services as OS processes on real Kafka and
PostgreSQL, exporting traces over OTLP/HTTP (the standard OTEL_* variables) to a collector
stand-in, logging JSON lines to their log files, and answering /metrics.

One resident's submission: one trace id in all four services; JSON log lines that carry it
and never the resident's name or phone; the metrics the dashboard and alerts are written
against, with the values that traffic gives them."""

import asyncio
import gzip
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from prometheus_client.parser import text_string_to_metric_families
from yishi_contracts import INTAKE

from deploy.localstack import free_port
from services.kit.binding import from_kafka
from tests.support.eventually import eventually
from tests.support.kafka_reading import read_all
from tests.support.processes import ServiceProcess, service_env, token, yishi
from tests.support.registry import seed_through_council

SERVICES = ("intake", "council", "meeting", "publication")
COMMUNITY = "330102003001"
NAME, PHONE = "王阿姨", "13800138000"
TRACE_ID = uuid.uuid4().hex  # the resident's app starts the trace; the system continues it
CALLER_SPAN = uuid.uuid4().hex[:16]


class Collector:
    """An OTLP/HTTP trace receiver: decodes what the services export, keeps every span."""

    def __init__(self) -> None:
        self.spans: list[dict] = []
        self._lock = threading.Lock()
        collector = self

        class Receive(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 — the http.server hook
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                request = ExportTraceServiceRequest()
                request.ParseFromString(body)
                collector.take(request)
                answer = ExportTraceServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *_: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Receive)
        self.endpoint = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def take(self, request: ExportTraceServiceRequest) -> None:
        for resource_spans in request.resource_spans:
            resource = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    with self._lock:
                        self.spans.append({
                            "service": resource.get("service.name"),
                            "trace_id": span.trace_id.hex(), "span_id": span.span_id.hex(),
                            "parent": span.parent_span_id.hex(), "name": span.name, "kind": span.kind,
                            "attributes": {a.key: a.value.string_value or a.value.int_value for a in span.attributes},
                            "links": [(link.trace_id.hex(), link.span_id.hex()) for link in span.links],
                        })

    def trace(self, trace_id: str) -> list[dict]:
        with self._lock:
            return [s for s in self.spans if s["trace_id"] == trace_id]


@pytest.fixture(scope="module")
def traced(infra, tmp_path_factory):
    collector = Collector()
    prefix = f"obs{uuid.uuid4().hex[:6]}."
    databases = {s: infra.create_database(f"obs_{s}_{uuid.uuid4().hex[:6]}") for s in SERVICES}
    work = Path(tmp_path_factory.mktemp("observed"))
    env = service_env(infra, prefix, databases, OTEL_EXPORTER_OTLP_ENDPOINT=collector.endpoint,
                      OTEL_BSP_SCHEDULE_DELAY="200", YISHI_LOG_FORMAT="json", YISHI_LOG_LEVEL="INFO")
    for service in SERVICES:
        yishi("migrate", service, env=env)
    running: dict[str, ServiceProcess] = {}
    try:
        for service in SERVICES:
            running[service] = ServiceProcess(service, env, work).start()
        asyncio.run(seed_through_council(running["council"].url, token("city", "city_office", scope="3301"),
                                         [COMMUNITY], databases=[databases["intake"]]))
        yield collector, running, prefix
    finally:
        for process in running.values():
            process.terminate()
        collector.server.shutdown()


@pytest.fixture(scope="module")
async def submitted(traced):
    """The resident's submission, sent in with the caller's own trace context."""
    _, running, _ = traced
    body = {"community_id": COMMUNITY, "title": "中山街环卫工人没有休息吃饭的地方",
            "description": "环卫工人中午只能在路边吃饭，希望有个歇脚的地方。",
            "contact": {"name": NAME, "phone": PHONE}}
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.post(f"{running['intake'].url}/topics", json=body,
                                     headers={"traceparent": f"00-{TRACE_ID}-{CALLER_SPAN}-01"})
    assert response.status_code == 201, response.text
    return response


def _handled_in(spans: list[dict], service: str) -> list[dict]:
    name = f"{service} handle yishi.TopicSubmitted.v1"
    return [s for s in spans if s["service"] == f"yishi-{service}" and s["name"] == name]


async def test_one_submission_is_one_trace_across_all_four_services(traced, submitted) -> None:
    collector, _, prefix = traced

    async def spans() -> list[dict]:
        return collector.trace(TRACE_ID)

    trace = await eventually(spans, lambda found: all(_handled_in(found, s) for s in SERVICES), timeout=60,
                             what="a handler span of TopicSubmitted in every service, in the caller's trace")
    assert {s["service"] for s in trace} >= {f"yishi-{s}" for s in SERVICES}
    (request,) = [s for s in trace if s["name"] == "POST /topics" and s["service"] == "yishi-intake"]
    assert request["parent"] == CALLER_SPAN, "the caller's traceparent is the parent of the request"
    (published,) = [s for s in trace if s["name"].endswith(f"{INTAKE.topic} publish")]
    assert published["parent"] == request["span_id"] and published["service"] == "yishi-intake"
    for service in ("council", "meeting", "publication"):
        (handled,) = _handled_in(trace, service)
        assert handled["parent"] == request["span_id"], f"{service}: the event's traceparent is the handler's parent"
        assert handled["attributes"]["cloudevents.event_type"] == "yishi.TopicSubmitted.v1"
        assert handled["links"], f"{service}: the handler links to the consumed batch's span"
        assert [s for s in trace if s["parent"] == handled["span_id"] and s["service"] == f"yishi-{service}"], (
            f"{service}: the projection's SQL is traced inside its handler span"
        )

    records = await read_all(_bootstrap(traced), f"{prefix}{INTAKE.topic}")
    (envelope,) = [from_kafka(r.headers, r.key, r.value) for r in records if dict(r.headers).get("ce_type")]
    assert envelope.traceparent == f"00-{TRACE_ID}-{request['span_id']}-01", "ce_traceparent carries it on Kafka"


def _bootstrap(traced) -> str:
    return traced[1]["intake"].env["YISHI_KAFKA_BOOTSTRAP_SERVERS"]


def _lines(process: ServiceProcess) -> list[dict]:
    text = process.log_path.read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


async def test_log_lines_are_json_with_trace_and_correlation_and_no_resident_contact(traced, submitted) -> None:
    _, running, _ = traced
    correlation = submitted.headers["x-correlation-id"]
    for service, process in running.items():
        text = process.log_path.read_text(encoding="utf-8")
        assert NAME not in text and PHONE not in text, f"{service} logged the resident's contact"
        lines = _lines(process)  # every line is one JSON object
        assert lines and all({"time", "level", "service", "logger", "message"} <= set(line) for line in lines)
        assert {line["service"] for line in lines} == {service}
        assert any(line["logger"].startswith("uvicorn") for line in lines), "uvicorn's lines go the same way"
    (access,) = [line for line in _lines(running["intake"]) if "POST /topics" in line["message"]]
    assert access["trace_id"] == TRACE_ID and access["correlation_id"] == correlation and access["span_id"]


def _samples(text: str) -> dict[str, list[tuple[dict, float]]]:
    found: dict[str, list[tuple[dict, float]]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found.setdefault(sample.name, []).append((sample.labels, sample.value))
    return found


def _has(samples: dict, name: str, **labels: str) -> bool:
    return any(all(got.get(k) == want for k, want in labels.items()) for got, _ in samples.get(name, []))


def _value(samples: dict, name: str, **labels: str) -> float:
    return sum(v for got, v in samples.get(name, []) if all(got.get(k) == want for k, want in labels.items()))


async def test_metrics_carry_http_events_lag_outbox_relay_dead_letters_pool_and_readiness(traced, submitted) -> None:
    _, running, prefix = traced
    async with httpx.AsyncClient(timeout=10) as client:
        await client.get(f"{running['intake'].url}/receipts/{submitted.json()['receipt_code']}")
        await client.get(f"{running['intake'].url}/no/such/page")
        producer = AIOKafkaProducer(bootstrap_servers=_bootstrap(traced))
        await producer.start()
        try:  # something that is not a CloudEvent, for council to park
            await producer.send_and_wait(f"{prefix}{INTAKE.topic}", b"not an event", key=b"x")
        finally:
            await producer.stop()

        async def scrape(service: str) -> dict:
            return _samples((await client.get(f"{running[service].url}/metrics")).text)

        council = await eventually(lambda: scrape("council"), lambda m: _value(
            m, "yishi_dead_letters_total", service="council", reason="not_a_cloudevent") == 1, what="a dead letter")
        # Intake's own submissions reach its receipt view from Kafka, through its consumer.
        own = dict(service="intake", type="yishi.TopicSubmitted.v1")
        intake = await eventually(lambda: scrape("intake"), lambda m: _value(
            m, "yishi_events_handled_total", **own, outcome="applied") == 1, what="own event applied from Kafka")

    post = dict(service="intake", route="/topics", method="POST")
    assert _value(intake, "yishi_http_requests_total", **post, status="201") == 1
    assert _value(intake, "yishi_http_request_duration_seconds_count", **post) == 1
    assert _value(intake, "yishi_http_requests_total", service="intake", route="/receipts/{code}", status="200") == 1
    assert _value(intake, "yishi_http_requests_total", service="intake", route="unmatched", status="404") == 1
    code = submitted.json()["receipt_code"]
    assert not [labels for labels, _ in intake["yishi_http_requests_total"] if code in labels["route"]], "raw path"
    assert _value(intake, "yishi_relay_publish_duration_seconds_count", service="intake") >= 1
    assert _value(intake, "yishi_outbox_pending", service="intake") == 0
    assert _value(intake, "yishi_outbox_oldest_age_seconds", service="intake") == 0
    assert _value(intake, "yishi_db_pool_size", service="intake") >= 1
    assert _has(intake, "yishi_db_pool_in_use", service="intake")
    assert _value(intake, "yishi_ready", service="intake") == 1
    handled = dict(service="council", type="yishi.TopicSubmitted.v1")
    assert _value(council, "yishi_events_handled_total", **handled, outcome="applied") == 1
    assert _value(council, "yishi_events_handled_total", service="council", type="unknown", outcome="dead_lettered") == 1
    assert _value(council, "yishi_event_handler_duration_seconds_count", **handled) == 1
    lag = dict(service="council", group=f"{prefix}yishi.council", topic=f"{prefix}{INTAKE.topic}")
    assert _has(council, "yishi_consumer_lag_records", **lag) and _has(council, "yishi_consumer_lag_seconds", **lag)
    assert _value(council, "yishi_consumer_lag_records", **lag) == 0, "caught up after the batch"
    assert _value(council, "yishi_consumer_lag_seconds", **lag) == 0
