"""Liveness, readiness and metrics endpoints for container orchestration, and the timer that
keeps the gauges true between requests and batches (readiness, outbox, lag, pool)."""

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from aiokafka.protocol.metadata import MetadataRequest
from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from . import outbox
from .metrics import DB_POOL_IN_USE, DB_POOL_SIZE, READY

if TYPE_CHECKING:
    from .runtime import ServiceRuntime

log = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 3.0
OBSERVE_SECONDS = 10.0


async def readiness(runtime: "ServiceRuntime") -> tuple[bool, dict[str, Any]]:
    """Whether the database and Kafka answer and the relay runs; sets ``yishi_ready``."""
    checks: dict[str, Any] = {}
    try:
        assert runtime.pool is not None
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS), runtime.pool.acquire() as conn:
            checks["outbox_pending"] = (await outbox.observe(conn, runtime.settings.service)).pending
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 — readiness reports, it does not raise
        checks["database"] = f"failed: {exc!r}"
    try:
        assert runtime.producer is not None
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
            await _kafka_answers(runtime)
        checks["kafka"] = "ok"
    except Exception as exc:  # noqa: BLE001
        checks["kafka"] = f"failed: {exc!r}"
    checks["relay"] = "ok" if runtime.relay_alive else "stopped"
    ok = checks["database"] == "ok" and checks["kafka"] == "ok" and checks["relay"] == "ok"
    READY.labels(runtime.settings.service).set(1 if ok else 0)
    return ok, checks


async def _kafka_answers(runtime: "ServiceRuntime") -> None:
    """A broker answers a metadata request for the service's own topic. Not the whole cluster's
    metadata: on a cluster of a thousand topics decoding it cost a busy service about a tenth of
    a millisecond of CPU per request, at one check every ten seconds."""
    assert runtime.producer is not None
    client = runtime.producer.client
    node = client.get_random_node()
    if node is None:  # no broker known yet (never connected): ask the bootstrap servers
        await client.fetch_all_metadata()
        return
    await client.send(node, MetadataRequest([runtime.topic], allow_auto_topic_creation=False))


def observe_pool(runtime: "ServiceRuntime") -> None:
    """The pool's gauges are read when scraped, from the pool itself."""
    service = runtime.settings.service

    def in_use() -> float:
        pool = runtime.pool
        return 0 if pool is None or pool.is_closing() else pool.get_size() - pool.get_idle_size()

    DB_POOL_IN_USE.labels(service).set_function(in_use)
    DB_POOL_SIZE.labels(service).set_function(lambda: runtime.pool.get_max_size() if runtime.pool else 0)


async def keep_observing(runtime: "ServiceRuntime", every: float = OBSERVE_SECONDS) -> None:
    """Refresh readiness, the outbox and the consumer's lag every few seconds while running,
    so the gauges stay true when nothing happens (or when Kafka or the database is away)."""
    while True:
        await asyncio.sleep(every)
        await readiness(runtime)
        try:
            await runtime.observe_lag()
        except Exception as exc:  # noqa: BLE001 — a rebalance or an absent broker: next round
            log.debug("consumer lag not refreshed: %r", exc)


def health_router(runtime: "ServiceRuntime") -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/health/live", summary="The process is alive")
    async def live() -> dict[str, str]:
        return {"status": "alive", "service": runtime.settings.service}

    @router.get("/health/ready", summary="The database and Kafka answer; the relay runs")
    async def ready() -> JSONResponse:
        ok, checks = await readiness(runtime)
        return JSONResponse(
            status_code=200 if ok else 503,
            content={"status": "ready" if ok else "not_ready", "service": runtime.settings.service, "checks": checks},
        )

    @router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router
