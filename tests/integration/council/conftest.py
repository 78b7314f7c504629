"""One council runtime per test module on real Kafka and PostgreSQL, called in-process over HTTP."""

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

from typing import Any

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaProducer
from yishi_contracts import COUNCIL, INTAKE, MEETING, PUBLICATION, Envelope

from services.council.app import create_app
from services.kit import migrate
from services.kit.auth import AuthSettings, TokenVerifier, mint_token
from services.kit.binding import from_kafka, to_kafka
from services.kit.settings import KafkaSettings, ServiceSettings
from tests.support.eventually import eventually
from tests.support.kafka_reading import read_all
from tests.unit.factories import submitted

KEY = "council-integration-test-key-0123456789abcdef"
SOURCES = {INTAKE.topic: "/yishi/intake", COUNCIL.topic: "/yishi/council", MEETING.topic: "/yishi/meeting",
           PUBLICATION.topic: "/yishi/publication"}
TERM = {"term_start": "2026-01-01", "term_end": "2028-12-31"}
CATEGORIES = ["cppcc_member", "two_committees", "two_committees", "owners_committee",
              "resident_representative", "resident_representative", "health_station"]
_next_community = iter(range(1, 10_000))


def new_community() -> str:
    """A fresh community per test, so tests sharing the module's runtime do not meet."""
    return f"3301020{uuid.uuid4().int % 100:02d}{next(_next_community):03d}"


def token(community: str, *roles: str, sub: str = "worker-1") -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(KEY, sub=sub, roles=list(roles), scope=community)}"}


@dataclass
class Council:
    runtime: Any
    client: httpx.AsyncClient
    producer: AIOKafkaProducer
    db: asyncpg.Connection
    bootstrap: str

    def topic(self, name: str) -> str:
        return self.runtime.settings.kafka.topic(name)

    async def feed(self, stream_topic: str, *events: Any) -> None:
        """Produce events as their service would: CloudEvents on the prefixed topic."""
        for event in events:
            record = to_kafka(Envelope.wrap(event, source=SOURCES[stream_topic]))
            await self.producer.send_and_wait(self.topic(stream_topic), record.value, key=record.key, headers=record.headers)

    async def published(self, type_name: str, key: str | None = None) -> list[Any]:
        """The events of one type council put on its Kafka topic (for one topic or council, if given)."""
        records = await read_all(self.bootstrap, self.topic(COUNCIL.topic))
        envelopes = [from_kafka(r.headers, r.key, r.value) for r in records]
        return [e.data for e in envelopes
                if type(e.data).type_name == type_name and (key is None or e.data.subject() == key)]

    async def submit(self, community: str, title: str, **over: Any) -> uuid.UUID:
        """A topic submitted through intake's Kafka topic, waited for until council has it."""
        event = submitted(community_id=community, title=title, **over)
        await self.feed(INTAKE.topic, event)
        await eventually(lambda: self.status(event.topic_id), lambda s: s is not None, what=f"{title} received")
        return event.topic_id

    async def status(self, topic_id: uuid.UUID) -> str | None:
        return await self.db.fetchval(
            "SELECT status FROM council_topics WHERE topic_id = $1 AND submitted_at IS NOT NULL", topic_id
        )

    async def form(self, community: str, *, members: list[str] = CATEGORIES, chair: bool = True) -> str:
        """A council formed over HTTP: the chair, then each member nominated and confirmed."""
        party = token(community, "party_committee", sub="party-1")
        response = await self.client.post("/councils", json={"community_id": community}, headers=party)
        assert response.status_code == 201, response.text
        council_id = response.json()["council_id"]
        if chair:
            r = await self.client.put(f"/councils/{council_id}/chair", json={"member_id": "chair", "name": "王书记"},
                                      headers=party)
            assert r.status_code == 200, r.text
        for i, category in enumerate(members):
            body = {"member_id": f"m{i}", "name": f"成员{i}", "category": category, **TERM}
            r = await self.client.post(f"/councils/{council_id}/members", json=body, headers=token(community, "staff"))
            assert r.status_code == 201, r.text
            r = await self.client.post(f"/councils/{council_id}/members/m{i}/confirmation", headers=party)
            assert r.status_code == 200, r.text
        return council_id


@pytest.fixture(scope="module")
async def council(infra) -> AsyncIterator[Council]:
    url = infra.create_database(f"council_{uuid.uuid4().hex[:10]}")
    migrate.upgrade("council", url)
    kafka = KafkaSettings(bootstrap_servers=infra.bootstrap_servers, topic_prefix=f"t{uuid.uuid4().hex[:8]}.",
                          partitions=3, session_timeout_ms=6_000, heartbeat_interval_ms=500)
    settings = ServiceSettings(service="council", database_url=url, kafka=kafka, relay_poll_seconds=0.3,
                               shutdown_grace_seconds=5)
    app = create_app(settings)
    app.state.token_verifier = TokenVerifier(AuthSettings(jwt_key=KEY))
    runtime = app.state.runtime
    producer = AIOKafkaProducer(bootstrap_servers=infra.bootstrap_servers, acks="all", enable_idempotence=True)
    await producer.start()
    await runtime.start()
    db = await asyncpg.connect(url)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://council") as client:
            yield Council(runtime, client, producer, db, infra.bootstrap_servers)
    finally:
        await db.close()
        await runtime.stop()
        await producer.stop()




@pytest.fixture
def community() -> str:
    return new_community()
