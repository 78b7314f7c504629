"""Composition root of the publication service (公开公示, 组织落实, 成果转化)."""

from functools import partial

from fastapi import FastAPI
from yishi_contracts import PUBLICATION

from services.kit.clock import Clock
from services.kit.runtime import ServiceRuntime
from services.kit.settings import ServiceSettings, load_settings

from .adapters.views import SqlPublicationViews
from .entrypoints.http import publication_router
from .ledger.http import ledger_router
from .projection import build_projection
from .service_layer.conclusion import conclude_due
from .service_layer.config import CODEC, PublicationConfig
from .service_layer.ports import PublicationViews


def build_runtime(settings: ServiceSettings, *, clock: Clock | None = None,
                  config: PublicationConfig | None = None) -> ServiceRuntime[PublicationViews]:
    config = config or PublicationConfig.from_env()
    runtime: ServiceRuntime[PublicationViews] = ServiceRuntime(
        settings,
        stream=PUBLICATION,
        projection=partial(build_projection, config=config),
        codec=CODEC,
        clock=clock,
        views=SqlPublicationViews,
        description="Publication: public board, disclosure and objections, implementation, satisfaction, escalation.",
    )

    @runtime.every_tick
    async def conclude_disclosures() -> None:
        await conclude_due(runtime)

    return runtime


def create_app(settings: ServiceSettings | None = None, *, clock: Clock | None = None,
               config: PublicationConfig | None = None) -> FastAPI:
    config = config or PublicationConfig.from_env()
    runtime = build_runtime(settings or load_settings("publication"), clock=clock, config=config)
    return runtime.create_app(title="Yishi publication 公开公示", routers=[publication_router(runtime, config), ledger_router(runtime)])
