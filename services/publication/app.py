"""Composition root of the publication service (公开公示, 组织落实, 成果转化)."""

from fastapi import FastAPI
from yishi_contracts import PUBLICATION

from services.kit.runtime import ServiceRuntime
from services.kit.settings import ServiceSettings, load_settings

from .entrypoints.http import publication_router
from .projection import board


def build_runtime(settings: ServiceSettings) -> ServiceRuntime:
    return ServiceRuntime(
        settings,
        stream=PUBLICATION,
        projection=board,
        description="Publication: public board, disclosure and objections, implementation, figures.",
    )


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    runtime = build_runtime(settings or load_settings("publication"))
    return runtime.create_app(title="Yishi publication 公开公示", routers=[publication_router(runtime)])
