"""Real Kafka and PostgreSQL servers started by deploy.localstack (through tests/support/infra.py)."""

from __future__ import annotations

import asyncio
import socket
import sys
import time
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # plain `pytest` (not `python -m pytest`) does not put the repo on sys.path
    sys.path.insert(0, str(REPO))

from deploy.localstack import LocalKafka, LocalPostgres, PortInUseError, kafka_metadata  # noqa: E402
from deploy.localstack import cli  # noqa: E402
from tests.support.infra import Infra, infrastructure  # noqa: E402

asyncpg = pytest.importorskip("asyncpg")
aiokafka = pytest.importorskip("aiokafka")
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer  # noqa: E402
from aiokafka.admin import AIOKafkaAdminClient, NewTopic  # noqa: E402
from aiokafka.errors import KafkaTimeoutError, UnknownTopicOrPartitionError  # noqa: E402


@pytest.fixture(scope="module")
def stack() -> Infra:
    with infrastructure(backend="local") as infra:
        yield infra
    assert not infra.kafka.is_running() and not infra.postgres.is_running()


def _name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


async def _create_topic(bootstrap: str, topic: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name=topic, num_partitions=1, replication_factor=1)])
    finally:
        await admin.close()


async def _produce(bootstrap: str, topic: str, value: bytes) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        await producer.send_and_wait(topic, value, key=b"k")
    finally:
        await producer.stop()


async def _consume_all(bootstrap: str, topic: str, group: str | None = None, expect: int = 1) -> list[bytes]:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, group_id=group, auto_offset_reset="earliest",
        enable_auto_commit=False, session_timeout_ms=6000, heartbeat_interval_ms=500,
    )
    await consumer.start()
    try:
        values: list[bytes] = []
        deadline = time.monotonic() + 30
        while len(values) < expect and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            values += [m.value for msgs in batches.values() for m in msgs]
        if group:
            await consumer.commit()
        return values
    finally:
        await consumer.stop()


def test_postgres_database_and_select_one(stack: Infra) -> None:
    url = stack.create_database("yishi_select_test")
    assert url.endswith("/yishi_select_test")
    assert stack.create_database("yishi_select_test") == url  # idempotent

    async def check() -> None:
        conn = await asyncpg.connect(url)
        try:
            assert await conn.fetchval("SELECT 1") == 1
            assert await conn.fetchval("SHOW fsync") == "on"
            assert await conn.fetchval("SELECT current_database()") == "yishi_select_test"
        finally:
            await conn.close()

    asyncio.run(check())


def test_kafka_topic_produce_and_consume_with_group(stack: Infra) -> None:
    topic = _name("localstack_roundtrip")

    async def roundtrip() -> list[bytes]:
        await _create_topic(stack.bootstrap_servers, topic)
        await _produce(stack.bootstrap_servers, topic, b"hello yishi")
        return await _consume_all(stack.bootstrap_servers, topic, group=_name("g"))

    assert asyncio.run(roundtrip()) == [b"hello yishi"]


def test_topics_are_not_auto_created(stack: Infra) -> None:
    meta = kafka_metadata("127.0.0.1", stack.kafka.port)
    assert meta and meta["brokers"] == [(1, "127.0.0.1", stack.kafka.port)]

    async def produce_to_missing_topic() -> None:
        producer = AIOKafkaProducer(bootstrap_servers=stack.bootstrap_servers, request_timeout_ms=1500)
        await producer.start()
        try:
            await asyncio.wait_for(producer.send_and_wait(_name("missing"), b"x"), 5)
        finally:
            await producer.stop()

    with pytest.raises((UnknownTopicOrPartitionError, KafkaTimeoutError, asyncio.TimeoutError)):
        asyncio.run(produce_to_missing_topic())


def test_start_is_idempotent(stack: Infra) -> None:
    kafka_pid, pg_pid = stack.kafka.pid, stack.postgres.pid
    t0 = time.monotonic()
    stack.kafka.start()
    stack.postgres.start()
    assert time.monotonic() - t0 < 3
    assert (stack.kafka.pid, stack.postgres.pid) == (kafka_pid, pg_pid)
    # a second handle on the same state dir sees the running server too
    again = LocalPostgres(stack.postgres.state_dir, port=stack.postgres.port)
    assert again.is_running() and again.start().pid == pg_pid


def test_port_in_use_is_a_clear_error(stack: Infra, tmp_path: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        with pytest.raises(PortInUseError, match=rf"port {port}.*YISHI_PG_PORT"):
            LocalPostgres(tmp_path / "pg", port=port).start()
        with pytest.raises(PortInUseError, match=rf"port {port}.*YISHI_KAFKA_PORT"):
            LocalKafka(tmp_path / "kafka", port=port, controller_port=port + 1).start()
    # the port of the running Postgres, wanted by another state dir
    with pytest.raises(PortInUseError, match=str(stack.postgres.port)):
        LocalPostgres(tmp_path / "pg2", port=stack.postgres.port).start()


def test_postgres_kill_and_restart_keeps_committed_rows(stack: Infra) -> None:
    url = stack.create_database("yishi_crash_test")

    async def write() -> None:
        conn = await asyncpg.connect(url)
        await conn.execute("CREATE TABLE t (v text); INSERT INTO t VALUES ('kept')")
        await conn.close()

    async def read() -> list[str]:
        conn = await asyncpg.connect(url)
        try:
            return [r["v"] for r in await conn.fetch("SELECT v FROM t")]
        finally:
            await conn.close()

    asyncio.run(write())
    old_pid = stack.postgres.pid
    stack.postgres.kill()
    assert not stack.postgres.is_running()
    stack.postgres.start()
    assert stack.postgres.pid != old_pid
    assert asyncio.run(read()) == ["kept"]


def test_kafka_kill_and_restart_keeps_produced_message(stack: Infra) -> None:
    topic = _name("localstack_durable")
    asyncio.run(_create_topic(stack.bootstrap_servers, topic))
    asyncio.run(_produce(stack.bootstrap_servers, topic, b"before crash"))
    old_pid = stack.kafka.pid

    stack.kafka.kill()
    assert not stack.kafka.is_running()
    assert kafka_metadata("127.0.0.1", stack.kafka.port, timeout=0.5) is None

    stack.kafka.start()
    assert stack.kafka.pid != old_pid

    async def after() -> list[bytes]:
        await _produce(stack.bootstrap_servers, topic, b"after restart")
        return await _consume_all(stack.bootstrap_servers, topic, expect=2)

    assert asyncio.run(after()) == [b"before crash", b"after restart"]


def test_cli_env_and_status(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("YISHI_HOME", str(tmp_path))
    monkeypatch.setenv("YISHI_KAFKA_PORT", "19999")
    monkeypatch.setenv("YISHI_PG_PORT", "15999")
    assert cli.main(["env"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "export YISHI_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19999" in out
    for service in ("intake", "council", "meeting", "publication"):
        assert (f"export YISHI_{service.upper()}_DATABASE_URL="
                f"postgresql://postgres@127.0.0.1:15999/yishi_{service}") in out
    assert cli.main(["status"]) == 3  # nothing runs under this YISHI_HOME
    assert cli.main(["down"]) == 0  # harmless when nothing runs
