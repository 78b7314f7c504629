"""Composition root of the meeting service (组织协商)."""

from fastapi import FastAPI
from yishi_contracts import MEETING

from services.kit.clock import Clock
from services.kit.runtime import ServiceRuntime
from services.kit.settings import ServiceSettings, load_settings
from services.kit.streams import EventCodec

from .adapters.views import SqlMeetingViews
from .domain import PRIVATE_EVENTS
from .entrypoints.http import meeting_router
from .projection import build_projection
from .service_layer.ports import MeetingViews

CODEC = EventCodec("meeting", PRIVATE_EVENTS)


def build_runtime(settings: ServiceSettings, clock: Clock | None = None) -> ServiceRuntime[MeetingViews]:
    return ServiceRuntime(
        settings,
        stream=MEETING,
        projection=build_projection(),
        codec=CODEC,
        clock=clock,
        views=SqlMeetingViews,
        description="Meeting: meetings, attendance, minutes, votes, resolutions.",
    )


def create_app(settings: ServiceSettings | None = None, clock: Clock | None = None) -> FastAPI:
    runtime = build_runtime(settings or load_settings("meeting"), clock)
    return runtime.create_app(title="Yishi meeting 组织协商", routers=[meeting_router(runtime)])
