"""One publication runtime per test module on real Kafka and PostgreSQL, with a clock the tests move."""

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaProducer
from yishi_contracts import COUNCIL, INTAKE, MEETING, PUBLICATION, Envelope

from services.kit import migrate
from services.kit.auth import AuthSettings, TokenVerifier, mint_token
from services.kit.binding import from_kafka, to_kafka
from services.kit.settings import KafkaSettings, ServiceSettings
from services.publication.app import build_runtime
from services.publication.entrypoints.http import publication_router
from tests.support.kafka_reading import read_all

KEY = "publication-integration-test-key-0123456789"
SOURCES = {INTAKE.topic: "/yishi/intake", COUNCIL.topic: "/yishi/council", MEETING.topic: "/yishi/meeting"}


class MovableClock:
    """Real time plus an offset the test moves forward."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, by: timedelta) -> None:
        self.offset += by


@dataclass
class Publication:
    runtime: Any
    client: httpx.AsyncClient
    producer: AIOKafkaProducer
    clock: MovableClock
    db: asyncpg.Connection
    bootstrap: str

    def topic(self, name: str) -> str:
        return self.runtime.settings.kafka.topic(name)

    async def feed(self, stream_topic: str, *events: Any) -> None:
        """Produce upstream events as their service would: CloudEvents on the prefixed topic."""
        for event in events:
            record = to_kafka(Envelope.wrap(event, source=SOURCES[stream_topic], time=self.clock.now()))
            await self.producer.send_and_wait(self.topic(stream_topic), record.value, key=record.key, headers=record.headers)

    async def published(self, type_name: str, topic_id: uuid.UUID | None = None) -> list[Any]:
        """The events of one type publication put on its Kafka topic (for one topic, if given)."""
        records = await read_all(self.bootstrap, self.topic(PUBLICATION.topic))
        envelopes = [from_kafka(r.headers, r.key, r.value) for r in records]
        return [e.data for e in envelopes
                if type(e.data).type_name == type_name and (topic_id is None or e.data.topic_id == topic_id)]


def token(community: str, *roles: str, sub: str = "worker-1") -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(KEY, sub=sub, roles=list(roles), scope=community)}"}


@pytest.fixture(scope="module")
async def publication(infra) -> AsyncIterator[Publication]:
    url = infra.create_database(f"publication_{uuid.uuid4().hex[:10]}")
    migrate.upgrade("publication", url)
    kafka = KafkaSettings(bootstrap_servers=infra.bootstrap_servers, topic_prefix=f"t{uuid.uuid4().hex[:8]}.",
                          partitions=3, session_timeout_ms=6_000, heartbeat_interval_ms=500)
    settings = ServiceSettings(service="publication", database_url=url, kafka=kafka, relay_poll_seconds=0.3,
                               shutdown_grace_seconds=5, tick_seconds=0.3)
    clock = MovableClock()
    runtime = build_runtime(settings, clock=clock)
    app = runtime.create_app(title="publication under test", routers=[publication_router(runtime, runtime.publication_config)])
    app.state.token_verifier = TokenVerifier(AuthSettings(jwt_key=KEY))
    producer = AIOKafkaProducer(bootstrap_servers=infra.bootstrap_servers, acks="all", enable_idempotence=True)
    await producer.start()
    await runtime.start()
    db = await asyncpg.connect(url)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://publication") as client:
            yield Publication(runtime, client, producer, clock, db, infra.bootstrap_servers)
    finally:
        await db.close()
        await runtime.stop()
        await producer.stop()
