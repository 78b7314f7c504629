"""Composition root of the publication service (公开公示, 组织落实, 成果转化)."""

from functools import partial

from fastapi import FastAPI
from yishi_contracts import PUBLICATION

from services.kit.clock import Clock
from services.kit.runtime import ServiceRuntime
from services.kit.settings import ServiceSettings, load_settings
from services.kit.streams import EventCodec

from .entrypoints.http import publication_router
from .projection import build_projection
from .service_layer.common import PRIVATE_EVENTS, PublicationConfig
from .service_layer.disclosures import conclude_due


def build_runtime(settings: ServiceSettings, *, clock: Clock | None = None,
                  config: PublicationConfig | None = None) -> ServiceRuntime:
    config = config or PublicationConfig.from_env()
    runtime = ServiceRuntime(
        settings,
        stream=PUBLICATION,
        projection=partial(build_projection, config=config),
        codec=EventCodec("publication", PRIVATE_EVENTS),
        clock=clock,
        description="Publication: public board, disclosure and objections, implementation, satisfaction, escalation.",
    )
    runtime.publication_config = config  # type: ignore[attr-defined]  # the routers read the same settings

    @runtime.every_tick
    async def conclude_disclosures() -> None:
        await conclude_due(runtime)

    return runtime


def create_app(settings: ServiceSettings | None = None, *, clock: Clock | None = None) -> FastAPI:
    runtime = build_runtime(settings or load_settings("publication"), clock=clock)
    return runtime.create_app(
        title="Yishi publication 公开公示",
        routers=[publication_router(runtime, runtime.publication_config)],  # type: ignore[attr-defined]
    )
