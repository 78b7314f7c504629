"""HTTP metrics keep counting per route, method and status when their series are looked up
once: every answer is counted in its own series, the first and every later one."""

import httpx
from fastapi import FastAPI, HTTPException

from services.kit.http_metrics import HttpMetrics
from services.kit.metrics import HTTP_DURATION, HTTP_REQUESTS

SERVICE = "metrics-unit-test"


def _count(route: str, status: str) -> float:
    return HTTP_REQUESTS.labels(SERVICE, route, "POST", status)._value.get()


async def test_every_answer_is_counted_in_its_route_method_and_status_series() -> None:
    app = FastAPI()

    @app.post("/things/{n}", status_code=201)
    async def make(n: int) -> dict[str, int]:
        if n < 0:
            raise HTTPException(409)
        return {"n": n}

    app.add_middleware(HttpMetrics, service=SERVICE)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        for n in (1, 2, -1, 3):
            await client.post(f"/things/{n}")
        await client.post("/nowhere")
    assert _count("/things/{n}", "201") == 3 and _count("/things/{n}", "409") == 1
    assert _count("unmatched", "404") == 1
    assert HTTP_DURATION.labels(SERVICE, "/things/{n}", "POST")._sum.get() > 0
