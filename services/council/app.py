"""Composition root of the council service (协商议事会: 确定议题, 议前调研)."""

from fastapi import FastAPI
from yishi_contracts import COUNCIL

from services.kit.runtime import ServiceRuntime
from services.kit.settings import ServiceSettings, load_settings

from .entrypoints.http import council_router
from .projection import screening_queue


def build_runtime(settings: ServiceSettings) -> ServiceRuntime:
    return ServiceRuntime(
        settings,
        stream=COUNCIL,
        projection=screening_queue,
        description="Council: councils and members (1+7+X), screening, research.",
    )


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    runtime = build_runtime(settings or load_settings("council"))
    return runtime.create_app(title="Yishi council 协商议事会", routers=[council_router(runtime)])
