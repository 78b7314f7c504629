"""The composition root one service is built from: resources made in the app's lifespan.

A service hands over its own stream (what it publishes), its projection (what it keeps
from events) and its HTTP routers; the runtime builds the pool, the idempotent producer,
the outbox relay and the FastStream subscriber, and takes them down in reverse order on
SIGTERM (uvicorn runs the lifespan's shutdown): the subscriber finishes its batch and
commits, the relay finishes its batch, the producer flushes.
"""

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from contextlib import AbstractAsyncContextManager
from typing import Any, Generic, TypeVar, Union

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from fastapi import APIRouter, FastAPI
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.params import NoCast
from yishi_contracts import Stream, dead_letter_topic

from . import idempotency_store, tracing
from .clock import Clock, clock_from_env
from .commands import Commands
from .batches import Offsets, fetch_batches, undecoded_batches
from .consumer import RETRYABLE, ConsumerLag, ProjectionConsumer
from .db import create_pool
from .deadletter import DeadLetterPublisher
from .errors import install_error_handlers
from .health import health_router, keep_observing, observe_pool
from .idempotency import expired_before
from .http import MAX_BODY_BYTES, NOT_READY, BodyLimit, document, serve_docs
from .http_metrics import HttpMetrics
from .kafka_security import faststream_security
from .logs import RequestContext
from .projection import Projection
from .relay import OutboxRelay, build_producer
from .settings import ServiceSettings
from .streams import EventCodec, EventStream
from .topics import ensure_topics
from .unit_of_work import PostgresUnits, PostgresUnitOfWork

log = logging.getLogger(__name__)

V = TypeVar("V")


async def _raw_body(message: Any) -> Any:
    # Keep the bytes: parsing is ours (with undecoded_batches), so a malformed record reaches
    # the dead-letter path instead of failing inside the framework before the handler runs.
    return message.body


def _no_views(_conn: asyncpg.Connection) -> Any:
    return None


class ServiceRuntime(Generic[V]):
    """One service's resources, and the typed port (``services.kit.ports.Service``) its use
    cases run on: ``commands``, ``reading()``, ``on(conn)`` and ``clock``.

    ``views`` builds the service's views port on a connection (its SQL adapters);
    ``from_kafka``, the own event types not applied inline (``PostgresUnits``)."""

    def __init__(
        self,
        settings: ServiceSettings,
        *,
        stream: Stream,
        projection: "Projection | Callable[[ServiceRuntime[V]], Projection] | None" = None,
        codec: EventCodec | None = None,
        clock: Clock | None = None,
        views: Callable[[asyncpg.Connection], V] = _no_views,
        description: str = "",
        from_kafka: Iterable[type] = (),
    ) -> None:
        self.settings = settings
        self.stream = stream
        self.clock = clock or clock_from_env()
        self._periodic: list[tuple[str, Callable[[], Awaitable[None]]]] = []
        self._periodic_tasks: list[asyncio.Task[None]] = []
        self.pool: asyncpg.Pool | None = None
        self.producer: AIOKafkaProducer | None = None
        self.relay: OutboxRelay | None = None
        self._relay_task: asyncio.Task[None] | None = None
        self.consumer: ProjectionConsumer | None = None
        self.lag = ConsumerLag(service=settings.service, group=settings.consumer_group)
        self._subscriber: Any = None
        self._offsets = Offsets()
        self.broker = KafkaBroker(
            settings.kafka.bootstrap_servers,
            client_id=f"yishi-{settings.service}",
            security=faststream_security(settings.kafka.security),
            graceful_timeout=settings.shutdown_grace_seconds,
            description=description or None,
            middlewares=tracing.broker_middlewares(),
            logger=logging.getLogger("faststream.kafka"),  # through the process's one log handler
            log_level=logging.DEBUG,  # one line per batch is for debugging; metrics count them
        )
        self.topic = settings.kafka.topic(stream.topic)
        self.events = EventStream(codec=codec or EventCodec(settings.service, ()), source=stream.source, topic=self.topic)
        self.units: PostgresUnits[V] = PostgresUnits(
            pool=self._require_pool, events=self.events, views=views, now=self.clock.now,
            projection=lambda: self.projection, service=settings.service, from_kafka=from_kafka,
        )
        self.commands: Commands[V] = Commands(self.units, self.clock)
        # A projection may need the runtime (a handler that records events of its own).
        self.projection = projection(self) if callable(projection) else projection
        if stream.events:
            # Publishing itself goes through the outbox relay; this declaration documents the
            # topic and its messages in the AsyncAPI document generated from this code.
            self.broker.publisher(
                self.topic,
                schema=Union[tuple(stream.events)],  # type: ignore[arg-type]  # noqa: UP007
                title=f"{stream.topic}:publish",
                description=f"Events the {stream.service} service publishes, CloudEvents binary mode, key = topic id.",
            )
        if self.projection is not None:
            self._subscribe(self.projection)
        self.every_tick(self.forget_expired_keys)

    async def forget_expired_keys(self) -> None:
        """Prune the idempotency keys past their retention: on the runtime's timer rather than in
        a request (no answer waits on it) or in the relay's loop (which wakes for the outbox,
        and idles when nothing is published); one indexed DELETE per tick."""
        async with self._require_pool().acquire() as conn:
            forgotten = await idempotency_store.prune(conn, service=self.settings.service,
                                                      expired_before=expired_before(self.clock.now()))
        if forgotten:
            log.info("forgot %d idempotency keys past their retention", forgotten)

    def _require_pool(self) -> asyncpg.Pool:
        if self.pool is None:
            raise RuntimeError(f"{self.settings.service} has not started: no database pool yet")
        return self.pool

    def reading(self) -> AbstractAsyncContextManager[V]:
        return self.units.reading()

    def on(self, conn: asyncpg.Connection) -> PostgresUnitOfWork[V]:
        return self.units.on(conn)

    @property
    def dead_letter_topic(self) -> str:
        return self.settings.kafka.topic(dead_letter_topic(self.settings.service))

    def _subscribe(self, projection: Projection) -> None:
        kafka = self.settings.kafka
        subscriber = self.broker.subscriber(
            *(kafka.topic(t) for t in projection.topics),
            batch=True,
            group_id=self.settings.consumer_group,
            auto_offset_reset="earliest",
            ack_policy=AckPolicy.NACK_ON_ERROR,
            max_records=kafka.consumer_batch_size,
            session_timeout_ms=kafka.session_timeout_ms,
            heartbeat_interval_ms=kafka.heartbeat_interval_ms,
            decoder=_raw_body,
            title=f"{self.settings.consumer_group}:{projection.name}",
            description=(
                f"Keeps the {projection.name} projection from "
                f"{', '.join(t.cloudevent_type() for t in projection.event_types)}; other types are "
                f"skipped, unreadable records go to {self.dead_letter_topic}."
            ),
        )

        @subscriber(parser=undecoded_batches(subscriber, self._offsets))
        async def on_batch(body: NoCast[list[bytes]], message: KafkaMessage) -> None:
            records = message.raw_message if isinstance(message.raw_message, tuple) else (message.raw_message,)
            assert self.consumer is not None
            try:
                await self.consumer.handle(records)
            except (*RETRYABLE, KafkaError):
                await asyncio.sleep(1.0)  # back off (a letter not sent counts too), then the batch is redelivered
                raise
            self.lag.handled(records, subscriber.consumer)

        fetch_batches(subscriber)
        self._subscriber = subscriber

    async def observe_lag(self) -> None:
        if self._subscriber is not None:
            await self.lag.refresh(self._subscriber.consumer)

    async def start(self) -> None:
        s = self.settings
        self.pool = await create_pool(s.database_url)
        topics = {self.topic, self.dead_letter_topic}
        if self.projection is not None:
            topics.update(s.kafka.topic(t) for t in self.projection.topics)
        await ensure_topics(
            s.kafka.bootstrap_servers, topics, partitions=s.kafka.partitions, replication_factor=s.kafka.replication_factor,
            security=s.kafka.security,
        )
        self.producer = build_producer(s.kafka.bootstrap_servers, f"yishi-{s.service}-relay", s.kafka.security)
        await self.producer.start()
        self.relay = OutboxRelay(
            service=s.service,
            database_url=s.database_url,
            producer=self.producer,
            batch_size=s.relay_batch_size,
            poll_seconds=s.relay_poll_seconds,
        )
        self._relay_task = asyncio.create_task(self.relay.run(), name=f"{s.service}-outbox-relay")
        if self.projection is not None:
            self.consumer = ProjectionConsumer(
                service=s.service,
                pool=self.pool,
                projection=self.projection,
                dead_letters=DeadLetterPublisher(self.producer, topic=self.dead_letter_topic, service=s.service),
                max_record_bytes=s.kafka.max_record_bytes,
            )
            await self.broker.start()
        self._periodic_tasks = [asyncio.create_task(self._repeat(name, duty), name=name) for name, duty in self._periodic]
        observe_pool(self)
        self._periodic_tasks.append(asyncio.create_task(keep_observing(self), name=f"{s.service}-observe"))
        log.info("%s started", s.service)

    async def stop(self) -> None:
        for task in self._periodic_tasks:
            task.cancel()
        await asyncio.gather(*self._periodic_tasks, return_exceptions=True)
        if self.projection is not None:
            if self._subscriber is not None:
                # the batch in hand then commits as it ends
                await self._offsets.close(self._subscriber.consumer, within=self.settings.shutdown_grace_seconds)
            await self.broker.stop()
        if self.relay is not None and self._relay_task is not None:
            self.relay.stop()
            try:
                await asyncio.wait_for(self._relay_task, timeout=self.settings.shutdown_grace_seconds)
            except TimeoutError:
                self._relay_task.cancel()
        if self.producer is not None:
            await self.producer.stop()
        if self.pool is not None:
            await self.pool.close()
        log.info("%s stopped", self.settings.service)

    def every_tick(self, duty: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[None]]:
        """Register a periodic duty, run every ``tick_seconds`` while the service runs."""
        self._periodic.append((f"{self.settings.service}-{duty.__name__}", duty))
        return duty

    async def _repeat(self, name: str, duty: Callable[[], Awaitable[None]]) -> None:
        while True:
            await asyncio.sleep(self.settings.tick_seconds)
            try:
                await duty()
            except Exception:  # noqa: BLE001 — a failed round is logged and tried again next tick
                log.exception("periodic duty %s failed", name)

    @property
    def relay_alive(self) -> bool:
        return self._relay_task is not None and not self._relay_task.done()

    def create_app(self, *, title: str, routers: Iterable[APIRouter] = (), version: str = "1.0.0") -> FastAPI:
        @asynccontextmanager
        async def lifespan(_: FastAPI) -> AsyncIterator[None]:
            await self.start()
            try:
                yield
            finally:
                await self.stop()

        app = FastAPI(title=title, version=version, lifespan=lifespan, docs_url=None, redoc_url=None)
        app.state.runtime = self
        install_error_handlers(app)
        tracing.instrument_app(app)
        app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)
        app.add_middleware(RequestContext)
        app.add_middleware(HttpMetrics, service=self.settings.service)  # outermost: counts every answer
        app.include_router(health_router(self))
        for router in routers:
            app.include_router(router)
        serve_docs(app)
        document(app, own_answers={"/health/ready": NOT_READY})
        return app
