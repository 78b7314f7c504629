"""Liveness, readiness and metrics endpoints for container orchestration."""

import asyncio
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

if TYPE_CHECKING:
    from .runtime import ServiceRuntime

CHECK_TIMEOUT_SECONDS = 3.0


def health_router(runtime: "ServiceRuntime") -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/health/live", summary="The process is alive")
    async def live() -> dict[str, str]:
        return {"status": "alive", "service": runtime.settings.service}

    @router.get("/health/ready", summary="The database and Kafka answer; the relay runs")
    async def ready() -> JSONResponse:
        checks: dict[str, Any] = {}
        try:
            assert runtime.pool is not None
            async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
                checks["outbox_pending"] = await runtime.pool.fetchval("SELECT count(*) FROM outbox")
            checks["database"] = "ok"
        except Exception as exc:  # noqa: BLE001 — readiness reports, it does not raise
            checks["database"] = f"failed: {exc!r}"
        try:
            assert runtime.producer is not None
            async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
                await runtime.producer.client.fetch_all_metadata()
            checks["kafka"] = "ok"
        except Exception as exc:  # noqa: BLE001
            checks["kafka"] = f"failed: {exc!r}"
        checks["relay"] = "ok" if runtime.relay_alive else "stopped"
        ok = checks["database"] == "ok" and checks["kafka"] == "ok" and checks["relay"] == "ok"
        return JSONResponse(
            status_code=200 if ok else 503,
            content={"status": "ready" if ok else "not_ready", "service": runtime.settings.service, "checks": checks},
        )

    @router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router
