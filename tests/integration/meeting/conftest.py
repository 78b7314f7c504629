"""The meeting service started once per test module (real Kafka and PostgreSQL), the way
``make_database`` and ``settings_for`` set one up, but shared by the module's tests; each
test works in its own community, so tests do not see each other's data."""

from collections.abc import AsyncIterator

import pytest
from aiokafka import AIOKafkaProducer

from tests.support.in_process import module_settings

from .harness import Harness, build_app


@pytest.fixture(scope="module")
async def meeting(infra) -> AsyncIterator[Harness]:
    runtime, app = build_app(module_settings(infra, "meeting", relay_poll_seconds=0.5))
    await runtime.start()
    producer = AIOKafkaProducer(bootstrap_servers=infra.bootstrap_servers, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        yield Harness(runtime, app, producer, infra.bootstrap_servers)
    finally:
        await producer.stop()
        await runtime.stop()
