"""One service in-process on the session's real Kafka and PostgreSQL, shared by a test module:
its own migrated database and topic prefix, its HTTP app called through ASGI, a producer to
feed upstream events, and a way to read what it published."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI
from yishi_contracts import STREAMS, Envelope

from services.system import migrate
from services.kit.auth import AuthSettings, TokenVerifier, mint_token
from services.kit.binding import from_kafka, to_kafka
from services.kit.settings import KafkaSettings, ServiceSettings
from tests.support.kafka_reading import read_all

SOURCES = {stream.topic: stream.source for stream in STREAMS}


def module_settings(infra: Any, service: str, **over: Any) -> ServiceSettings:
    """A fresh migrated database and an isolated topic prefix for one service."""
    url = infra.create_database(f"{service}_{uuid.uuid4().hex[:10]}")
    migrate.upgrade(service, url)
    kafka = KafkaSettings(bootstrap_servers=infra.bootstrap_servers, topic_prefix=f"t{uuid.uuid4().hex[:8]}.",
                          partitions=3, session_timeout_ms=6_000, heartbeat_interval_ms=500)
    fields: dict[str, Any] = dict(service=service, database_url=url, kafka=kafka, relay_poll_seconds=0.3,
                                  shutdown_grace_seconds=5)
    return ServiceSettings(**{**fields, **over})


def bearer(key: str, sub: str, *roles: str, scope: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(key, sub=sub, roles=list(roles), scope=scope)}"}


@dataclass
class InProcess:
    runtime: Any
    client: httpx.AsyncClient
    producer: AIOKafkaProducer
    db: asyncpg.Connection
    bootstrap: str

    def topic(self, name: str) -> str:
        return self.runtime.settings.kafka.topic(name)

    async def feed(self, stream_topic: str, *events: Any, time: datetime | None = None) -> list[Envelope]:
        """Produce events as their service would: CloudEvents on the prefixed topic."""
        sent = []
        for event in events:
            envelope = Envelope.wrap(event, source=SOURCES[stream_topic], time=time)
            record = to_kafka(envelope)
            await self.producer.send_and_wait(self.topic(stream_topic), record.value, key=record.key, headers=record.headers)
            sent.append(envelope)
        return sent

    async def envelopes(self) -> list[Envelope]:
        """Everything this service has published so far."""
        records = await read_all(self.bootstrap, self.runtime.topic)
        return [from_kafka(r.headers, r.key, r.value) for r in records]

    async def published(self, type_name: str, key: str | None = None) -> list[Any]:
        """The data of the events of one type it published (for one stream, if given)."""
        return [e.data for e in await self.envelopes()
                if type(e.data).type_name == type_name and (key is None or e.data.subject() == str(key))]


@asynccontextmanager
async def running(
    infra: Any, runtime: Any, app: FastAPI, *, key: str
) -> AsyncIterator[tuple[httpx.AsyncClient, AIOKafkaProducer, asyncpg.Connection]]:
    """Start the runtime (its lifespan), a producer and a database connection; stop them after."""
    app.state.token_verifier = TokenVerifier(AuthSettings(jwt_key=key))
    producer = AIOKafkaProducer(bootstrap_servers=infra.bootstrap_servers, acks="all", enable_idempotence=True)
    await producer.start()
    await runtime.start()
    db = await asyncpg.connect(runtime.settings.database_url)
    try:
        base_url = f"http://{runtime.settings.service}"
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url) as client:
            yield client, producer, db
    finally:
        await db.close()
        await runtime.stop()
        await producer.stop()
