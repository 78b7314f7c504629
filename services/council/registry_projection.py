"""The registry's views in council's projection: divisions and their settings, kept from
council's own registry events (inline as they are recorded, and again from Kafka on a rebuild)."""

import asyncpg
from yishi_contracts import CommunitySettingsChanged, DivisionRegistered, DivisionRenamed, DivisionRetired, Envelope

from services.kit.projection import Projection

from .adapters import divisions_view

Conn = asyncpg.Connection
TABLES = divisions_view.TABLES


def keep_registry(view: Projection) -> None:
    @view.on(DivisionRegistered)
    async def on_division_registered(conn: Conn, envelope: Envelope[DivisionRegistered]) -> None:
        await divisions_view.registered(conn, envelope.data)

    @view.on(DivisionRenamed)
    async def on_division_renamed(conn: Conn, envelope: Envelope[DivisionRenamed]) -> None:
        await divisions_view.renamed(conn, envelope.data)

    @view.on(DivisionRetired)
    async def on_division_retired(conn: Conn, envelope: Envelope[DivisionRetired]) -> None:
        await divisions_view.retired(conn, envelope.data)

    @view.on(CommunitySettingsChanged)
    async def on_community_settings_changed(conn: Conn, envelope: Envelope[CommunitySettingsChanged]) -> None:
        await divisions_view.settings_changed(conn, envelope)
