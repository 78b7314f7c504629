"""The outbox relay: publishes committed outbox rows to Kafka, in order, at least once.

One relay per service database publishes at a time (a PostgreSQL advisory lock held on
its own connection; a killed relay's lock dies with its connection). It is woken by
LISTEN/NOTIFY and polls slowly as a safety net. Rows are deleted only after Kafka has
acknowledged them (acks=all, idempotent producer), so a relay killed at any point
publishes again on restart what it may have published already: consumers deduplicate.

The relay is pipelined: it reads and sends the next batch while the previous ones wait for
their acknowledgement (up to ``max_in_flight`` batches; a row committed meanwhile is sent at
once), and settles batches oldest first.
Rows are sent in id order, and the producer keeps the order of what it was given per
partition, so one key's events stay in order. The outbox gauges are read at most once per
``observe_seconds`` while rows flow, and set to zero when a read finds nothing to send.
Each row's publish is a span in the trace its event was recorded in.
"""

import asyncio
import logging
import time
import zlib
from collections import deque
from dataclasses import dataclass

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from opentelemetry.trace import Span, StatusCode

from . import tracing
from .db import connect
from .kafka_security import aiokafka_options
from .metrics import OUTBOX_OLDEST_AGE, OUTBOX_PENDING, RELAY_PUBLISH_DURATION, RELAY_PUBLISHED
from .outbox import observe
from .schema import OUTBOX_CHANNEL
from .settings import KafkaSecurity

log = logging.getLogger(__name__)

PRODUCER_BATCH_BYTES = 256 * 1024
PRODUCER_LINGER_MS = 2


def _lock_key(service: str) -> int:
    return zlib.crc32(f"yishi-outbox-relay:{service}".encode())


@dataclass
class _Flight:
    """One batch of rows sent to the producer and not yet settled."""

    ids: list[int]
    acknowledged: asyncio.Future[list[object]]
    spans: list[Span]
    started: float

    def end_spans(self, error: BaseException | None = None) -> None:
        _end(self.spans, error)


def _end(spans: list[Span], error: BaseException | None = None) -> None:
    for span in spans:
        if error is not None:
            span.record_exception(error)
            span.set_status(StatusCode.ERROR)
        span.end()


def _quiet(future: asyncio.Future[list[object]]) -> None:
    """An abandoned flight's failure is handled by publishing its rows again, not logged."""
    if not future.cancelled():
        future.exception()


class OutboxRelay:
    def __init__(
        self,
        *,
        service: str,
        database_url: str,
        producer: AIOKafkaProducer,
        batch_size: int = 500,
        poll_seconds: float = 2.0,
        max_in_flight: int = 4,
        observe_seconds: float = 1.0,
    ) -> None:
        self.service = service
        self._url = database_url
        self._producer = producer
        self._batch_size = batch_size
        self._poll_seconds = poll_seconds
        self._max_in_flight = max_in_flight
        self._observe_seconds = observe_seconds
        self._observed_at = float("-inf")
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
            # InternalClientError: PostgreSQL shut down in the middle of a statement ("cannot switch
            # to state ..."); without it the relay task would die and never publish again.
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, asyncpg.InternalClientError,
                    KafkaError) as exc:
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
        flights: deque[_Flight] = deque()
        try:
            while True:
                self._wake.clear()
                if not self._stopping.is_set():  # once stopping, only settle what is in flight
                    await self._fill(conn, flights)
                if flights and await self._acknowledged_or_woken(flights):
                    await self._settle(conn, flights.popleft())
                    await self._observe_now_and_then(conn)
                elif flights:
                    continue  # new rows while the oldest batch is on its way: send them along
                elif self._stopping.is_set():
                    return
                else:
                    OUTBOX_PENDING.labels(self.service).set(0)  # the read just found nothing to send
                    OUTBOX_OLDEST_AGE.labels(self.service).set(0)
                    await self._sleep(self._poll_seconds)
        finally:
            for flight in flights:  # interrupted: these rows stay in the outbox and go out again
                flight.acknowledged.add_done_callback(_quiet)
                flight.end_spans(ConnectionAbortedError("relay interrupted before the acknowledgement"))

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)
        except TimeoutError:
            pass

    async def _acknowledged_or_woken(self, flights: deque[_Flight]) -> bool:
        """Wait for the oldest flight's acknowledgement; with room in the pipeline, a row
        committed meanwhile ends the wait early (so it need not wait for that ack)."""
        oldest = flights[0].acknowledged
        if len(flights) >= self._max_in_flight or oldest.done() or self._stopping.is_set():
            return True
        woken = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait((oldest, woken), return_when=asyncio.FIRST_COMPLETED)
        finally:
            woken.cancel()
        return oldest.done()

    async def _fill(self, conn: asyncpg.Connection, flights: deque[_Flight]) -> None:
        """Send batches until ``max_in_flight`` are on their way or nothing is left to send."""
        while len(flights) < self._max_in_flight:
            flight = await self._send_next(conn, [i for f in flights for i in f.ids])
            if flight is None:
                return
            flights.append(flight)
            if len(flight.ids) < self._batch_size:
                return

    async def _send_next(self, conn: asyncpg.Connection, in_flight: list[int]) -> _Flight | None:
        """Send the oldest rows not already on their way. A row committed late with a smaller
        id than those in flight is found too: nothing but the flights is skipped."""
        rows = await conn.fetch(
            "SELECT id, topic, key, headers, value, extract(epoch FROM now() - created_at) AS waited"
            " FROM outbox WHERE id NOT IN (SELECT unnest($2::bigint[])) ORDER BY id LIMIT $1",
            self._batch_size,
            in_flight,
        )
        if not rows:
            return None
        spans: list[Span] = []
        deliveries = []
        try:
            for row in rows:
                spans.append(tracing.start_publish_span(row["topic"], row["headers"], waited=float(row["waited"])))
                headers = [(name, value.encode("utf-8")) for name, value in row["headers"].items()]
                deliveries.append(
                    await self._producer.send(row["topic"], value=row["value"], key=row["key"], headers=headers)
                )
        except BaseException as exc:
            for delivery in deliveries:
                delivery.add_done_callback(_quiet)
            _end(spans, exc)
            raise
        return _Flight([r["id"] for r in rows], asyncio.gather(*deliveries), spans, time.perf_counter())

    async def _settle(self, conn: asyncpg.Connection, flight: _Flight) -> None:
        """Wait for Kafka's acknowledgement of every row of the flight, then delete them."""
        try:
            await flight.acknowledged
        except BaseException as exc:
            flight.end_spans(exc)
            raise
        flight.end_spans()
        RELAY_PUBLISH_DURATION.labels(self.service).observe(time.perf_counter() - flight.started)
        await self._forget(conn, flight.ids)
        RELAY_PUBLISHED.labels(self.service).inc(len(flight.ids))

    async def _forget(self, conn: asyncpg.Connection, ids: list[int]) -> None:
        """Delete what Kafka acknowledged. A crash just before this means those rows go out again."""
        await conn.execute("DELETE FROM outbox WHERE id = ANY($1::bigint[])", ids)

    async def _observe_now_and_then(self, conn: asyncpg.Connection) -> None:
        now = time.monotonic()
        if now - self._observed_at >= self._observe_seconds:
            self._observed_at = now
            await observe(conn, self.service)


def build_producer(bootstrap_servers: str, client_id: str, security: KafkaSecurity | None = None) -> AIOKafkaProducer:
    """acks=all and idempotence: no loss and no broker-side duplicates on retry, order kept per key.
    A 256 KiB batch per partition carries a drain's many rows in few requests; the short
    linger is the most a lone row waits for company."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        max_batch_size=PRODUCER_BATCH_BYTES,
        linger_ms=PRODUCER_LINGER_MS,
        request_timeout_ms=30_000,
        **aiokafka_options(security),
    )
