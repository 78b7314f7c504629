"""Composition root of the council service (协商议事会: 谁来协商, 确定议题, 议前调研)."""

from fastapi import FastAPI
from yishi_contracts import COUNCIL

from services.kit.runtime import ServiceRuntime
from services.kit.settings import ServiceSettings, load_settings

from .adapters.codec import CODEC
from .adapters.views import SqlCouncilViews
from .entrypoints.http import council_router
from .projection import build_projection
from .service_layer.ports import CouncilViews


def build_runtime(settings: ServiceSettings) -> ServiceRuntime[CouncilViews]:
    return ServiceRuntime(
        settings,
        stream=COUNCIL,
        projection=build_projection,
        codec=CODEC,
        views=SqlCouncilViews,
        description="Council: councils and members (1+7+X), screening, research; the city's registry and settings.",
    )


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    runtime = build_runtime(settings or load_settings("council"))
    return runtime.create_app(title="Yishi council 协商议事会", routers=[council_router(runtime)])
