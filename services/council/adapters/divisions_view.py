"""SQL of the registry's projection: ``divisions`` (one row per code) and ``division_settings``
(one row per change, kept as history: what applies depends on the time asked about).

A division's events share its code as their Kafka key, so they arrive in order; each write
is still idempotent and keeps the latest by the event's own time.
"""

import asyncpg
from yishi_contracts import CommunitySettingsChanged, DivisionRegistered, DivisionRenamed, DivisionRetired, Envelope

TABLES = ("divisions", "division_settings")


async def registered(conn: asyncpg.Connection, e: DivisionRegistered) -> None:
    await conn.execute(
        "INSERT INTO divisions (code, level, name, parent_code, registered_at, registered_by) "
        "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (code) DO NOTHING",
        e.code, str(e.level), e.name, e.parent_code, e.registered_at, e.registered_by,
    )


async def renamed(conn: asyncpg.Connection, e: DivisionRenamed) -> None:
    await conn.execute(
        "UPDATE divisions SET name = $2, renamed_at = $3 WHERE code = $1 AND (renamed_at IS NULL OR renamed_at <= $3)",
        e.code, e.name, e.renamed_at,
    )


async def retired(conn: asyncpg.Connection, e: DivisionRetired) -> None:
    await conn.execute(
        "UPDATE divisions SET active = false, retired_at = $2, retire_reason = $3 WHERE code = $1",
        e.code, e.retired_at, e.reason,
    )


async def settings_changed(conn: asyncpg.Connection, envelope: Envelope[CommunitySettingsChanged]) -> None:
    e = envelope.data
    await conn.execute(
        """
        INSERT INTO division_settings (event_id, code, level, disclosure_days, quorum, adoption, overdue_grace_days,
                                       effective_from, changed_by, recorded_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (event_id) DO NOTHING
        """,
        envelope.id, e.code, str(e.level), e.disclosure_days, e.quorum, e.adoption, e.overdue_grace_days,
        e.effective_from, e.changed_by, envelope.time,
    )
