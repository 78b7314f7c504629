"""SQL for publication's own tables: the board, resolutions and disclosures.

Each step of a topic's life writes its own columns; a step's time column keeps the latest
time it happened (GREATEST), so any arrival order of the same events gives the same row.
The status is the step with the latest time; ties go to the step later in the procedure.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

# (status, time column) in the order of the procedure: on equal times the later one wins.
STEPS: tuple[tuple[str, str], ...] = (
    ("submitted", "submitted_at"),
    ("submitted", "resubmitted_at"),
    ("screened", "screened_at"),
    ("researched", "researched_at"),
    ("research_reopened", "research_reopened_at"),
    ("scheduled", "scheduled_at"),
    ("deferred", "deferred_at"),
    ("dropped", "dropped_at"),
    ("resolved", "resolved_at"),
    ("in_disclosure", "disclosed_at"),
    ("returned_to_council", "returned_to_council_at"),
    ("implementing", "implementation_started_at"),
    ("reopened", "reopened_at"),
    ("implemented", "implemented_at"),
    ("closed", "closed_at"),
    ("escalated", "escalated_at"),
)

STATUS_ZH = {
    "submitted": "已收集，待确定议题",
    "returned": "退回补充材料",
    "accepted": "已立项，议前调研中",
    "rejected": "不予协商",
    "merged": "已合并到其他议题",
    "researched": "已完成议前调研",
    "scheduled": "已安排协商会议",
    "resolved": "已形成协商意见",
    "in_disclosure": "公示中",
    "returned_to_council": "异议成立，退回议事会",
    "implementing": "组织落实中",
    "implemented": "已落实，待群众评价",
    "closed": "已办结",
    "reopened": "重新办理中",
    "deferred": "暂缓协商，退回调研",
    "dropped": "不再协商",
    "escalated": "已转化上报县政协",
}


def status_of(row: dict[str, Any]) -> str:
    """The status of a board row: the step that happened last."""
    best: tuple[datetime, int] | None = None
    status = "submitted"
    for rank, (step, column) in enumerate(STEPS):
        at = row.get(column)
        if at is not None and (best is None or (at, rank) >= best):
            best, status = (at, rank), step
    if status == "screened":
        return row.get("screening_outcome") or "submitted"
    if status == "research_reopened":
        return "returned_to_council" if row.get("research_reopen_cause") == "objection_upheld" else "deferred"
    return status


async def mark(
    conn: asyncpg.Connection, topic_id: UUID, community_id: str, *, latest: dict[str, datetime] | None = None, **values: Any
) -> None:
    """Upsert a topic's board row: ``latest`` time columns keep their greatest value, ``values`` are set.

    Column names come from code only, never from input.
    """
    latest = latest or {}
    cols = [*latest, *values]
    sets = [f"{c} = GREATEST(board.{c}, EXCLUDED.{c})" for c in latest] + [f"{c} = EXCLUDED.{c}" for c in values]
    sql = (
        f"INSERT INTO board (topic_id, community_id, {', '.join(cols)}) "
        f"VALUES ($1, $2, {', '.join(f'${i + 3}' for i in range(len(cols)))}) "
        f"ON CONFLICT (topic_id) DO UPDATE SET {', '.join(sets)}"
    )
    await conn.execute(sql, topic_id, community_id, *latest.values(), *values.values())


async def community_board(conn: asyncpg.Connection, community_id: str) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT * FROM board WHERE community_id = $1 AND submitted_at IS NOT NULL ORDER BY submitted_at DESC, topic_id",
        community_id,
    )
    return [dict(r) for r in rows]


async def topic_row(conn: asyncpg.Connection, topic_id: UUID) -> dict[str, Any] | None:
    row = await conn.fetchrow("SELECT * FROM board WHERE topic_id = $1", topic_id)
    return dict(row) if row else None


async def save_resolution(conn: asyncpg.Connection, resolution_id: UUID, topic_id: UUID, community_id: str,
                          adopted_at: datetime, data: dict[str, Any]) -> None:
    await conn.execute(
        "INSERT INTO resolutions VALUES ($1, $2, $3, $4, $5) ON CONFLICT (resolution_id) DO NOTHING",
        resolution_id, topic_id, community_id, adopted_at, data,
    )


async def latest_resolution(conn: asyncpg.Connection, topic_id: UUID) -> dict[str, Any] | None:
    return await conn.fetchval(
        "SELECT data FROM resolutions WHERE topic_id = $1 ORDER BY adopted_at DESC LIMIT 1", topic_id
    )


async def open_disclosure(conn: asyncpg.Connection, resolution_id: UUID, topic_id: UUID, community_id: str,
                          published_at: datetime, ends_at: datetime) -> None:
    await conn.execute(
        "INSERT INTO disclosures VALUES ($1, $2, $3, $4, $5, 'open') ON CONFLICT (resolution_id) DO NOTHING",
        resolution_id, topic_id, community_id, published_at, ends_at,
    )


async def end_disclosure(conn: asyncpg.Connection, topic_id: UUID, state: str, resolution_id: UUID | None = None) -> None:
    """Close the topic's open disclosure (or the named one) as ``returned`` or ``concluded``."""
    await conn.execute(
        "UPDATE disclosures SET state = $2 WHERE topic_id = $1 AND state = 'open' AND ($3::uuid IS NULL OR resolution_id = $3)",
        topic_id, state, resolution_id,
    )


async def current_disclosure(conn: asyncpg.Connection, topic_id: UUID) -> UUID | None:
    return await conn.fetchval(
        "SELECT resolution_id FROM disclosures WHERE topic_id = $1 ORDER BY published_at DESC LIMIT 1", topic_id
    )


async def disclosures_due(conn: asyncpg.Connection, now: datetime, limit: int = 200) -> list[UUID]:
    rows = await conn.fetch(
        "SELECT resolution_id FROM disclosures WHERE state = 'open' AND ends_at <= $1 ORDER BY ends_at LIMIT $2",
        now, limit,
    )
    return [r["resolution_id"] for r in rows]
