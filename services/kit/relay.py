"""The outbox relay: publishes committed outbox rows to Kafka, in order, at least once.

One relay per service database publishes at a time (a PostgreSQL advisory lock held on
its own connection; a killed relay's lock dies with its connection). It is woken by
LISTEN/NOTIFY and polls slowly as a safety net. Rows are deleted only after Kafka has
acknowledged them (acks=all, idempotent producer), so a relay killed at any point
publishes again on restart what it may have published already: consumers deduplicate.
Each row's publish is a span in the trace its event was recorded in.
"""

import asyncio
import logging
import time
import zlib

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from opentelemetry.trace import StatusCode

from . import tracing
from .db import connect
from .kafka_security import aiokafka_options
from .metrics import OUTBOX_OLDEST_AGE, OUTBOX_PENDING, RELAY_PUBLISH_DURATION, RELAY_PUBLISHED
from .outbox import observe
from .schema import OUTBOX_CHANNEL
from .settings import KafkaSecurity

log = logging.getLogger(__name__)


def _lock_key(service: str) -> int:
    return zlib.crc32(f"yishi-outbox-relay:{service}".encode())


class OutboxRelay:
    def __init__(
        self,
        *,
        service: str,
        database_url: str,
        producer: AIOKafkaProducer,
        batch_size: int = 500,
        poll_seconds: float = 2.0,
    ) -> None:
        self.service = service
        self._url = database_url
        self._producer = producer
        self._batch_size = batch_size
        self._poll_seconds = poll_seconds
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self.is_leader = False

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    async def run(self) -> None:
        backoff = 0.5
        while not self._stopping.is_set():
            conn: asyncpg.Connection | None = None
            try:
                conn = await connect(self._url)
                await self._lead(conn)
                backoff = 0.5
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, KafkaError) as exc:
                log.warning("outbox relay for %s interrupted: %r; retrying in %.1fs", self.service, exc, backoff)
                await self._sleep(backoff)
                backoff = min(backoff * 2, 10.0)
            finally:
                self.is_leader = False
                if conn is not None:
                    await conn.close(timeout=2)

    async def _lead(self, conn: asyncpg.Connection) -> None:
        while not await conn.fetchval("SELECT pg_try_advisory_lock($1)", _lock_key(self.service)):
            if self._stopping.is_set():
                return
            await self._sleep(self._poll_seconds)  # another replica's relay publishes; stand by
        self.is_leader = True
        await conn.add_listener(OUTBOX_CHANNEL, lambda *_: self._wake.set())
        while not self._stopping.is_set():
            self._wake.clear()
            published = await self.publish_batch(conn)
            if published < self._batch_size:
                await self._sleep(self._poll_seconds)

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)
        except TimeoutError:
            pass

    async def publish_batch(self, conn: asyncpg.Connection) -> int:
        """Publish the oldest pending rows and delete them once Kafka has acknowledged all."""
        rows = await conn.fetch(
            "SELECT id, topic, key, headers, value, extract(epoch FROM now() - created_at) AS waited"
            " FROM outbox ORDER BY id LIMIT $1",
            self._batch_size,
        )
        if not rows:
            OUTBOX_PENDING.labels(self.service).set(0)
            OUTBOX_OLDEST_AGE.labels(self.service).set(0)
            return 0
        started = time.perf_counter()
        spans = []
        try:
            deliveries = []
            for row in rows:
                spans.append(tracing.start_publish_span(row["topic"], row["headers"], waited=float(row["waited"])))
                headers = [(name, value.encode("utf-8")) for name, value in row["headers"].items()]
                deliveries.append(
                    await self._producer.send(row["topic"], value=row["value"], key=row["key"], headers=headers)
                )
            await asyncio.gather(*deliveries)
        except BaseException as exc:
            for span in spans:
                span.record_exception(exc)
                span.set_status(StatusCode.ERROR)
            raise
        finally:
            for span in spans:
                span.end()
        RELAY_PUBLISH_DURATION.labels(self.service).observe(time.perf_counter() - started)
        await self._forget(conn, [r["id"] for r in rows])
        RELAY_PUBLISHED.labels(self.service).inc(len(rows))
        await observe(conn, self.service)
        return len(rows)

    async def _forget(self, conn: asyncpg.Connection, ids: list[int]) -> None:
        """Delete what Kafka acknowledged. A crash just before this means those rows go out again."""
        await conn.execute("DELETE FROM outbox WHERE id = ANY($1::bigint[])", ids)


def build_producer(bootstrap_servers: str, client_id: str, security: KafkaSecurity | None = None) -> AIOKafkaProducer:
    """acks=all and idempotence: no loss and no broker-side duplicates on retry, order kept per key."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
        request_timeout_ms=30_000,
        **aiokafka_options(security),
    )
