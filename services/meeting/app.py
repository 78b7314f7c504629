"""Composition root of the meeting service (组织协商)."""

from fastapi import FastAPI
from yishi_contracts import MEETING

from services.kit.runtime import ServiceRuntime
from services.kit.settings import ServiceSettings, load_settings

from .entrypoints.http import meeting_router
from .projection import agenda_candidates


def build_runtime(settings: ServiceSettings) -> ServiceRuntime:
    return ServiceRuntime(
        settings,
        stream=MEETING,
        projection=agenda_candidates,
        description="Meeting: meetings, attendance, minutes, votes, resolutions.",
    )


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    runtime = build_runtime(settings or load_settings("meeting"))
    return runtime.create_app(title="Yishi meeting 组织协商", routers=[meeting_router(runtime)])
