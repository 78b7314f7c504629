"""Composition root of the intake service (议题收集)."""

from fastapi import FastAPI
from yishi_contracts import INTAKE, TopicSubmitted

from services.kit.clock import Clock
from services.kit.receipt_secret import receipt_secret
from services.kit.registry_cache import KnownCommunities
from services.kit.runtime import ServiceRuntime
from services.kit.settings import ServiceSettings, load_settings

from .adapters.views import SqlIntakeViews
from .entrypoints.call_back_http import call_back_router
from .entrypoints.http import intake_router
from .projection import progress
from .service_layer.ports import IntakeViews


def build_runtime(settings: ServiceSettings, clock: Clock | None = None) -> ServiceRuntime[IntakeViews]:
    receipt_secret()  # read (and warned about when unset) at the start, not at the first submission
    known = KnownCommunities()  # every submission asks whether its community is open: one read per interval
    return ServiceRuntime(
        settings,
        stream=INTAKE,
        projection=progress,
        clock=clock,
        views=lambda conn: SqlIntakeViews(conn, known),
        description="Intake: topics from every channel, receipt codes, private contact data.",
        # The hot path: a receipt reads whole from the submission's own row until the consumer
        # has put the topic in the receipt view, many submissions in one statement.
        from_kafka=(TopicSubmitted,),
    )


def create_app(settings: ServiceSettings | None = None, clock: Clock | None = None) -> FastAPI:
    runtime = build_runtime(settings or load_settings("intake"), clock)
    return runtime.create_app(title="Yishi intake 议题收集", routers=[intake_router(runtime), call_back_router(runtime)])
