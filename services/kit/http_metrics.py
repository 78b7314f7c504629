"""HTTP metrics as a plain ASGI middleware (no task group per request, unlike
``@app.middleware("http")``): requests by route template, method and status, and latency.

The route is the path template the router matched (``/topics/{topic_id}/screening``), never
the raw path, so residents' ids do not become label values; a request no route matched is
``unmatched``.
"""

import time
from typing import Any

from .metrics import HTTP_DURATION, HTTP_REQUESTS

UNMATCHED = "unmatched"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class HttpMetrics:
    def __init__(self, app: Any, *, service: str) -> None:
        self.app = app
        self.service = service
        # Each answer's counter and histogram children, looked up once per route, method and
        # status: prometheus_client's labels() builds, checks and locks on every call.
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the server answers if the app fails before it responds

        async def send_noting_status(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            route = getattr(scope.get("route"), "path", None) or UNMATCHED  # set by the router on this scope
            method = scope.get("method", "") if scope.get("method") in _METHODS else "other"
            children = self._children.get((route, method, status))
            if children is None:
                children = self._children.setdefault((route, method, status), (
                    HTTP_REQUESTS.labels(self.service, route, method, str(status)),
                    HTTP_DURATION.labels(self.service, route, method),
                ))
            children[0].inc()
            children[1].observe(time.perf_counter() - started)
