"""yishi-contracts as an outside system gets it: the wheel built from contracts/, installed
alone (with aiokafka) in a fresh virtualenv, and its example subscriber run against the
real broker on events written the way the services write them."""

import asyncio
import json
import os
import subprocess
import sys
import time
import zipfile
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from uuid import uuid4

import pytest
from aiokafka import AIOKafkaProducer
from yishi_contracts import EVENT_TYPES, STREAMS, CouncilCompositionChanged, Envelope, Event, stream_of
from yishi_contracts.lifecycle import label, status_marked_by

from services.kit.binding import to_kafka
from services.kit.topics import ensure_topics
from services.system.contracts_export import ASYNCAPI_FILE, CONTRACTS_DIR
from tests.unit.factories import COMMUNITY, adopted, researched, screened, submitted

EXAMPLE = CONTRACTS_DIR / "examples" / "subscriber.py"


def _run(*args: object, cwd: Path | None = None) -> str:
    done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
    return done.stdout


def _clean_env(**extra: str) -> dict[str, str]:
    """An environment that knows nothing of this checkout (no PYTHONPATH, no project venv)."""
    return {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"), "PYTHONUTF8": "1", **extra}


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("contracts-dist")
    _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", CONTRACTS_DIR, "-w", out)
    (built,) = out.glob("yishi_contracts-*.whl")
    return built


@pytest.fixture(scope="session")
def outside_python(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv with the wheel and aiokafka only (pinned as here, so pip's cache serves them)."""
    venv = tmp_path_factory.mktemp("outside-venv")
    _run(sys.executable, "-m", "venv", venv)
    python = venv / "bin" / "python"
    _run(python, "-m", "pip", "install", "-q", "--disable-pip-version-check", wheel,
         f"aiokafka=={version('aiokafka')}", f"pydantic=={version('pydantic')}")
    return python


def test_the_wheel_ships_the_documents_and_not_the_baselines(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "yishi_contracts/asyncapi.yaml" in names and "yishi_contracts/wire.py" in names
    assert {f"yishi_contracts/schemas/{t}.json" for t in EVENT_TYPES} <= set(names)
    assert not [n for n in names if "/published/" in n or n.startswith(("services/", "tests/"))]


def test_alone_in_a_fresh_venv_it_imports_reads_its_documents_and_needs_no_service(outside_python: Path, tmp_path: Path) -> None:
    probe = """
import importlib.util, json, sys, yishi_contracts
from yishi_contracts import documents
print(json.dumps({
    "file": yishi_contracts.__file__,
    "absent": [m for m in ("services", "cloudevents", "faststream") if importlib.util.find_spec(m) is None],
    "types": sorted(documents.event_schemas()),
    "asyncapi": documents.asyncapi_yaml(),
    "envelope": documents.envelope_schema()["title"],
}))
"""
    found = json.loads(_run(outside_python, "-c", probe, cwd=tmp_path))
    assert found["file"].startswith(str(outside_python.parents[1]))
    assert found["absent"] == ["services", "cloudevents", "faststream"]
    assert found["types"] == sorted(EVENT_TYPES)
    assert found["asyncapi"] == ASYNCAPI_FILE.read_text(encoding="utf-8") and found["envelope"].startswith("Envelope")


def _events() -> list[Event]:
    topic = uuid4()
    roster = CouncilCompositionChanged(community_id=COMMUNITY, council_id=uuid4(), chair_id="member-chair",
                                       chair_name="李主席", changed_at=datetime(2026, 11, 2, tzinfo=UTC))
    return [submitted(topic), roster, screened(topic), researched(topic), adopted(topic)]


async def _publish(bootstrap: str, prefix: str) -> list[Envelope[Event]]:
    await ensure_topics(bootstrap, [prefix + s.topic for s in STREAMS], partitions=3, replication_factor=1)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    envelopes: list[Envelope[Event]] = []
    try:
        for event in _events():
            stream = next(s for s in STREAMS if type(event) in s.events)
            envelope = Envelope.wrap(event, source=stream.source, correlation_id=envelopes[0].id if envelopes else None)
            record = to_kafka(envelope)  # the services' own binding, as the outbox relay publishes it
            await producer.send_and_wait(prefix + stream.topic, record.value, key=record.key, headers=record.headers)
            envelopes.append(envelope)
        await producer.send_and_wait(prefix + stream_of("publication").topic, b"not an event", key=b"x")
    finally:
        await producer.stop()
    return envelopes


async def _lines(process: asyncio.subprocess.Process, count: int, within: float) -> list[str]:
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + within
    while len(lines) < count:
        line = await asyncio.wait_for(process.stdout.readline(), timeout=max(0.1, deadline - time.monotonic()))
        assert line, "the example ended early"
        lines.append(line.decode().rstrip("\n"))
    return lines


async def test_the_example_subscriber_prints_every_public_event(infra, topic_prefix: str, outside_python: Path,
                                                                tmp_path: Path) -> None:
    published = await _publish(infra.bootstrap_servers, topic_prefix)
    process = await asyncio.create_subprocess_exec(
        str(outside_python), str(EXAMPLE), cwd=tmp_path, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=_clean_env(YISHI_KAFKA_BOOTSTRAP_SERVERS=infra.bootstrap_servers, YISHI_KAFKA_TOPIC_PREFIX=topic_prefix,
                       SUBSCRIBER_GROUP=f"{topic_prefix}outside"),
    )
    try:
        lines = await _lines(process, len(published) + 1, within=90)
    finally:
        process.terminate()
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode()

    skipped = [line for line in lines if line.startswith("skipped ")]
    assert len(skipped) == 1 and skipped[0].startswith(f"skipped {topic_prefix}yishi.publication.v1/")
    assert skipped[0].endswith(": not_a_cloudevent")
    shown = {}
    for line in lines:
        if not line.startswith("skipped "):
            at, cloudevent_type, community, subject, status, data = line.split(" ", 5)
            shown[(cloudevent_type, subject)] = (datetime.fromisoformat(at), community, status, json.loads(data))
    assert shown == {
        (e.type, e.subject): (e.time, e.communityid, _status(e), e.data.model_dump(mode="json")) for e in published
    }


def _status(envelope: Envelope[Event]) -> str:
    status = status_marked_by(envelope.data)
    return label(status) if status else "-"
