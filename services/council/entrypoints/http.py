"""Council's HTTP API: the council (1+7+X), screening (确定议题), research (议前调研)."""

from typing import Any

from fastapi import APIRouter

from .councils_http import councils_router
from .research_http import research_router
from .screening_http import queue_router, screening_router


def council_router(runtime: Any) -> APIRouter:
    router = APIRouter()
    for part in (queue_router, councils_router, screening_router, research_router):
        router.include_router(part(runtime))
    return router
