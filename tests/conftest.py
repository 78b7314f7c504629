"""Fixtures: real Kafka and PostgreSQL for the whole session (tests/support/infra.py picks
external servers, testcontainers where a Docker engine runs, or local processes here)."""

import os
import uuid
from collections.abc import Callable, Iterator

import pytest

from services.system import migrate
from services.kit.settings import KafkaSettings, ServiceSettings
from tests.support.infra import Infra, infrastructure


@pytest.fixture(scope="session")
def infra() -> Iterator[Infra]:
    with infrastructure() as running:
        yield running


@pytest.fixture
def make_database(infra: Infra) -> Callable[[str], str]:
    """A fresh, migrated database for one service: tests never share projection state."""

    def make(service: str) -> str:
        url = infra.create_database(f"{service}_{uuid.uuid4().hex[:10]}")
        migrate.upgrade(service, url)
        return url

    return make


@pytest.fixture
def topic_prefix() -> str:
    """Topics and consumer groups of one test, isolated on the shared broker."""
    return f"t{uuid.uuid4().hex[:8]}."


@pytest.fixture
def settings_for(infra: Infra, topic_prefix: str) -> Callable[..., ServiceSettings]:
    def make(service: str, database_url: str, **over: object) -> ServiceSettings:
        kafka = KafkaSettings(
            bootstrap_servers=infra.bootstrap_servers,
            topic_prefix=topic_prefix,
            partitions=3,
            session_timeout_ms=6_000,
            heartbeat_interval_ms=500,
        )
        fields: dict[str, object] = dict(
            service=service,
            database_url=database_url,
            kafka=kafka,
            relay_poll_seconds=0.5,
            shutdown_grace_seconds=5,
        )
        return ServiceSettings(**{**fields, **over})

    return make


def pytest_report_header() -> str:
    return f"yishi test infrastructure: {os.environ.get('YISHI_TEST_BACKEND') or 'auto'}"
