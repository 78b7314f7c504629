"""The meeting service started once per test module (real Kafka and PostgreSQL), the way
``make_database`` and ``settings_for`` set one up, but shared by the module's tests; each
test works in its own community, so tests do not see each other's data."""

import uuid
from collections.abc import AsyncIterator

import pytest
from aiokafka import AIOKafkaProducer

from services.kit import migrate
from services.kit.settings import KafkaSettings, ServiceSettings

from .harness import Harness, build_app


@pytest.fixture(scope="module")
async def meeting(infra) -> AsyncIterator[Harness]:
    url = infra.create_database(f"meeting_{uuid.uuid4().hex[:10]}")
    migrate.upgrade("meeting", url)
    kafka = KafkaSettings(
        bootstrap_servers=infra.bootstrap_servers, topic_prefix=f"t{uuid.uuid4().hex[:8]}.", partitions=3,
        session_timeout_ms=6_000, heartbeat_interval_ms=500,
    )
    settings = ServiceSettings(
        service="meeting", database_url=url, kafka=kafka, relay_poll_seconds=0.5, shutdown_grace_seconds=5
    )
    runtime, app = build_app(settings)
    await runtime.start()
    producer = AIOKafkaProducer(bootstrap_servers=infra.bootstrap_servers, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        yield Harness(runtime, app, producer, infra.bootstrap_servers)
    finally:
        await producer.stop()
        await runtime.stop()
