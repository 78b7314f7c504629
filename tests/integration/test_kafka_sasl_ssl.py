"""The kit against a broker that only speaks SASL_SSL (a second, own broker: TLS with a CA made
at start, SCRAM-SHA-512 / SCRAM-SHA-256 / PLAIN), configured the way an operator would, by
YISHI_KAFKA_* variables: topics created, events published through the outbox relay,
consumed by a ServiceRuntime's FastStream subscriber and replayed by the rebuild reader."""

import asyncio
import logging
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from aiokafka.errors import KafkaConnectionError
from faststream.kafka import KafkaBroker
from yishi_contracts import INTAKE

from deploy.localstack import LocalKafka, free_port
from services.council.app import build_runtime as council_runtime
from services.kit.kafka_reading import read_to_end
from services.kit.kafka_security import faststream_security
from services.kit.rebuild import rebuild
from services.kit.relay import build_producer
from services.kit.runtime import ServiceRuntime
from services.kit.settings import KafkaSecurity, KafkaSettings, ServiceSettings
from services.kit.topics import ensure_topics
from tests.support.eventually import eventually

from .events import append_submissions

REFUSAL_SECONDS = 15.0


@pytest.fixture(scope="module")
def secured() -> Iterator[LocalKafka]:
    root = Path(tempfile.mkdtemp(prefix="yishi-sasl-ssl-"))
    kafka = LocalKafka(root, port=free_port(), controller_port=free_port(), heap="256m", security="sasl_ssl")
    try:
        kafka.start(timeout=120)
        yield kafka
    finally:
        kafka.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def secured_env(secured: LocalKafka, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    env = secured.kit_env("SCRAM-SHA-512")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


def _settings(service: str, database_url: str, topic_prefix: str) -> ServiceSettings:
    # Bootstrap servers and security come from the YISHI_KAFKA_* environment.
    kafka = KafkaSettings(topic_prefix=topic_prefix, partitions=3, session_timeout_ms=6_000, heartbeat_interval_ms=500)
    return ServiceSettings(service=service, database_url=database_url, kafka=kafka,
                           relay_poll_seconds=0.5, shutdown_grace_seconds=5)


async def test_relay_subscriber_and_rebuild_all_connect_over_sasl_ssl(
    secured_env, make_database, topic_prefix
) -> None:
    intake = ServiceRuntime(_settings("intake", make_database("intake"), topic_prefix), stream=INTAKE)
    council_url = make_database("council")
    council = council_runtime(_settings("council", council_url, topic_prefix))
    assert council.settings.kafka.security.security_protocol == "SASL_SSL"
    assert council.settings.kafka.bootstrap_servers == secured_env["YISHI_KAFKA_BOOTSTRAP_SERVERS"]
    await council.start()  # creates its topics (admin client), starts the relay producer and the subscriber
    await intake.start()
    conn = await asyncpg.connect(council_url)
    try:
        assert intake.pool is not None
        await append_submissions(intake.pool, intake.topic, 30, per_tx=10)
        queued = await eventually(
            lambda: conn.fetch("SELECT topic_id FROM screening_queue"), lambda rows: len(rows) == 30,
            what="30 submissions relayed by intake and consumed by council over SASL_SSL",
        )
        assert await intake.pool.fetchval("SELECT count(*) FROM outbox") == 0, "the relay got its acks"
        assert len({r["topic_id"] for r in queued}) == 30
    finally:
        await intake.stop()
        await council.stop()

    try:
        report = await rebuild(
            service="council", projection=council.projection, database_url=council_url,
            bootstrap_servers=council.settings.kafka.bootstrap_servers, topic_prefix=topic_prefix,
            security=council.settings.kafka.security,
        )
        assert (report.records_read, report.events_applied) == (30, 30)
        assert await conn.fetchval("SELECT count(*) FROM screening_queue") == 30
    finally:
        await conn.close()


@pytest.mark.parametrize("mechanism", ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"])
async def test_each_sasl_mechanism_authenticates(secured: LocalKafka, topic_prefix: str, mechanism: str) -> None:
    security = KafkaSecurity(security_protocol="SASL_SSL", ssl_cafile=secured.ca_file, sasl_mechanism=mechanism,
                             sasl_username=secured.sasl_username, sasl_password=secured.sasl_password)
    topic = f"{topic_prefix}{mechanism.lower()}"
    created = await ensure_topics(secured.bootstrap_servers, [topic], partitions=1, replication_factor=1,
                                  security=security)
    assert created == [topic]
    producer = build_producer(secured.bootstrap_servers, "mechanism-test", security)
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"hello over " + mechanism.encode())
    finally:
        await producer.stop()
    batches = [b async for b in read_to_end(secured.bootstrap_servers, [topic], security=security)]
    assert [r.value for batch in batches for r in batch] == [b"hello over " + mechanism.encode()]


async def _refused(connect) -> float:
    """Seconds until connect() failed; fails the test if it succeeds or needs longer than REFUSAL_SECONDS."""
    started = time.monotonic()
    with pytest.raises(KafkaConnectionError):
        async with asyncio.timeout(REFUSAL_SECONDS):
            await connect()
    return time.monotonic() - started


async def test_a_wrong_password_or_an_unknown_ca_is_refused_without_hanging(
    secured: LocalKafka, topic_prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "not-the-password"
    security = KafkaSecurity(security_protocol="SASL_SSL", ssl_cafile=secured.ca_file, sasl_mechanism="SCRAM-SHA-512",
                             sasl_username=secured.sasl_username, sasl_password=wrong)
    bootstrap = secured.bootstrap_servers

    async def admin() -> None:
        await ensure_topics(bootstrap, [f"{topic_prefix}never"], partitions=1, replication_factor=1, security=security)

    async def producer() -> None:
        p = build_producer(bootstrap, "wrong-password", security)
        try:
            await p.start()
        finally:
            await p.stop()

    async def reader() -> None:
        async for _ in read_to_end(bootstrap, [f"{topic_prefix}never"], security=security):
            pass

    async def subscriber() -> None:  # what a ServiceRuntime's FastStream broker does on start
        broker = KafkaBroker(bootstrap, security=faststream_security(security))
        try:
            await broker.connect()
        finally:
            await broker.stop()

    for connect in (admin, producer, reader, subscriber):
        caplog.clear()
        assert await _refused(connect) < REFUSAL_SECONDS
        assert "SaslAuthenticationFailed" in caplog.text, f"{connect.__name__}: refused for its credentials"

    # The right password, but a client that trusts only the system's CAs: TLS verification fails.
    untrusted = KafkaSecurity(security_protocol="SASL_SSL", sasl_mechanism="SCRAM-SHA-512",
                              sasl_username=secured.sasl_username, sasl_password=secured.sasl_password)
    caplog.clear()
    assert await _refused(lambda: ensure_topics(bootstrap, [f"{topic_prefix}never"], partitions=1,
                                                replication_factor=1, security=untrusted)) < REFUSAL_SECONDS
    assert "CERTIFICATE_VERIFY_FAILED" in caplog.text, "refused by the certificate check"
    assert wrong not in caplog.text and secured.sasl_password not in caplog.text
