"""Council's migration 0004 on a real PostgreSQL: rows of 0003 get the lifecycle's status, and back."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import asyncpg

from services.system import migrate

T0 = datetime(2026, 6, 1, 9, tzinfo=UTC)
COMMUNITY = "330102001001"


async def _statuses(url: str) -> dict:
    conn = await asyncpg.connect(url)
    try:
        return {r["title"]: r["status"] for r in await conn.fetch("SELECT title, status FROM council_topics")}
    finally:
        await conn.close()


async def test_council_migration_0004_derives_existing_statuses_and_goes_down_and_up(make_database) -> None:
    url = make_database("council")
    migrate.downgrade("council", url, "council_0003")
    later = T0 + timedelta(days=1)
    rows = [  # title, resubmitted, outcome, researched, reopened (as revision 0003 counted them)
        ("submitted", None, None, None, None),
        ("returned", None, "returned", None, None),
        ("resubmitted", later + timedelta(hours=1), "returned", None, None),
        ("accepted", None, "accepted", None, None),
        ("researched", None, "accepted", later + timedelta(days=1), None),
        ("reopened", None, "accepted", later + timedelta(days=1), later + timedelta(days=2)),
        ("rejected", None, "rejected", None, None),
    ]
    conn = await asyncpg.connect(url)
    try:
        for title, resubmitted, outcome, completed, reopened in rows:
            await conn.execute(
                "INSERT INTO screening_queue (topic_id, community_id, title, submitted_at, resubmitted_at, "
                "times_resubmitted, screened_outcome, screened_at, times_returned, research_completed_at, "
                "times_researched, research_reopened_at, times_reopened) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                uuid4(), COMMUNITY, title, T0, resubmitted, int(resubmitted is not None), outcome,
                later if outcome else None, int(outcome == "returned"), completed, int(completed is not None),
                reopened, int(reopened is not None),
            )
    finally:
        await conn.close()
    before = await _statuses(url)
    assert before == {title: title for title, *_ in rows}

    migrate.upgrade("council", url)
    after = await _statuses(url)
    assert after == {**before, "reopened": "researching"}, "the lifecycle names a reopened research 'researching'"

    migrate.downgrade("council", url, "council_0003")
    assert await _statuses(url) == before
    migrate.upgrade("council", url)
    assert await _statuses(url) == after
