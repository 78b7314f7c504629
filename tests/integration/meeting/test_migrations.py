"""Meeting's migrations go down to the kit's tables and up again on a real PostgreSQL."""

import asyncpg

from services.system import migrate

TABLES = {"agenda_candidates", "council_rosters", "meetings", "meeting_outcomes", "registry_divisions",
          "registry_settings"}


async def _tables(url: str) -> set[str]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return {r["tablename"] for r in rows}
    finally:
        await conn.close()


async def test_meeting_migrations_downgrade_and_upgrade(make_database) -> None:
    url = make_database("meeting")
    assert TABLES <= await _tables(url)
    migrate.downgrade("meeting", url, "meeting_0001")
    assert not ({"council_rosters", "meeting_rules", "meetings", "meeting_outcomes"} & await _tables(url))
    migrate.upgrade("meeting", url)
    assert TABLES <= await _tables(url) and "meeting_rules" not in await _tables(url)
