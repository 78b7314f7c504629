"""One publication runtime per test module on real Kafka and PostgreSQL, with a clock the tests move."""

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from services.publication.app import build_runtime
from services.publication.entrypoints.http import publication_router
from services.publication.service_layer.config import PublicationConfig
from tests.support.in_process import InProcess, bearer, module_settings, running

KEY = "publication-integration-test-key-0123456789"


class MovableClock:
    """Real time plus an offset the test moves forward."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, by: timedelta) -> None:
        self.offset += by


@dataclass
class Publication(InProcess):
    clock: MovableClock = None  # type: ignore[assignment]

    async def feed(self, stream_topic: str, *events: Any, time: datetime | None = None) -> list[Any]:
        """Upstream events stamped with the test's clock, as their services would stamp them."""
        return await super().feed(stream_topic, *events, time=time or self.clock.now())

    async def published(self, type_name: str, topic_id: uuid.UUID | None = None) -> list[Any]:
        """The events of one type publication put on its Kafka topic (for one topic, if given)."""
        return await super().published(type_name, str(topic_id) if topic_id else None)


def token(community: str, *roles: str, sub: str = "worker-1") -> dict[str, str]:
    return bearer(KEY, sub, *roles, scope=community)


@pytest.fixture(scope="module")
async def publication(infra) -> AsyncIterator[Publication]:
    clock = MovableClock()
    config = PublicationConfig.from_env()
    runtime = build_runtime(module_settings(infra, "publication", tick_seconds=0.3), clock=clock, config=config)
    app = runtime.create_app(title="publication under test", routers=[publication_router(runtime, config)])
    async with running(infra, runtime, app, key=KEY) as (client, producer, db):
        yield Publication(runtime, client, producer, db, infra.bootstrap_servers, clock)
