"""Composition root of the meeting service (组织协商)."""

from fastapi import FastAPI
from yishi_contracts import MEETING

from services.kit.clock import Clock
from services.kit.runtime import ServiceRuntime
from services.kit.settings import ServiceSettings, load_settings
from services.kit.streams import EventCodec

from .domain import events as e
from .entrypoints.http import meeting_router
from .projection import build_projection

PRIVATE_EVENTS = [
    e.MeetingScheduled, e.TopicPutOnAgenda, e.ParticipantsInvited, e.AttendanceRecorded, e.MeetingOpened,
    e.MinutesEntryRecorded, e.DissentRecorded, e.VoteOpened, e.VoteCast, e.VoteClosed, e.TopicDeferred, e.TopicDropped,
    e.MeetingClosed,
]
"""The meeting's private domain events, stored as ``meeting.<ClassName>.v1``."""


def build_runtime(settings: ServiceSettings, clock: Clock | None = None) -> ServiceRuntime:
    return ServiceRuntime(
        settings,
        stream=MEETING,
        projection=build_projection,
        codec=EventCodec("meeting", PRIVATE_EVENTS),
        clock=clock,
        description="Meeting: meetings, attendance, minutes, votes, resolutions.",
    )


def create_app(settings: ServiceSettings | None = None, clock: Clock | None = None) -> FastAPI:
    runtime = build_runtime(settings or load_settings("meeting"), clock)
    return runtime.create_app(title="Yishi meeting 组织协商", routers=[meeting_router(runtime)])
