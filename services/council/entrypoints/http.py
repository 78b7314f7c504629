"""Council's HTTP API: the council (1+7+X), screening (确定议题), research (议前调研), and the
city's registry (行政区划) with the settings per division."""

from fastapi import APIRouter

from services.kit.ports import Service

from ..service_layer.ports import CouncilViews
from .councils_http import councils_router
from .lists_http import lists_router
from .registry_http import registry_router
from .research_http import research_router
from .screening_http import queue_router, screening_router
from .settings_http import settings_router


def council_router(service: Service[CouncilViews]) -> APIRouter:
    router = APIRouter()
    for part in (queue_router, councils_router, screening_router, research_router, registry_router, settings_router,
                 lists_router):
        router.include_router(part(service))
    return router
