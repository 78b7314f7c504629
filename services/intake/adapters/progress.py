"""The receipt view's table (topic_progress), kept by the projection a batch of steps at a time."""

from collections.abc import Sequence
from typing import Any
from uuid import UUID

import asyncpg
from yishi_contracts.lifecycle import Status, procedure_rank

from services.kit.upsert import as_json

from ..domain.progress import ProgressStep, current_status


async def record(conn: asyncpg.Connection, steps: Sequence[ProgressStep]) -> None:
    """Add steps to their topics' histories (kept in time order), then derive where each stands.

    One upsert for all the topics (their steps in this batch folded together first, since a
    statement updates a row once), one update of the statuses that changed. The upsert locks
    the rows, so a status set next is that of the history it returned.
    """
    if not steps:
        return
    by_topic: dict[UUID, dict[str, Any]] = {}
    last_status: dict[UUID, Status] = {}
    for step in steps:
        row = by_topic.setdefault(step.topic_id, {
            "topic_id": step.topic_id, "community_id": step.community_id, "title": None, "status": step.status.value,
            "status_rank": procedure_rank(step.status), "history": [], "updated_at": step.at,
        })
        row["title"] = step.title if step.title is not None else row["title"]
        row["history"].append(step.entry)
        row["updated_at"] = max(row["updated_at"], step.at)
        last_status[step.topic_id] = step.status
    rows = list(by_topic.values())
    written = await conn.fetch(
        """
        INSERT INTO topic_progress AS p (topic_id, community_id, title, status, status_rank, history, updated_at)
        SELECT s.topic_id, s.community_id, s.title, s.status, s.status_rank,
               (SELECT jsonb_agg(h ORDER BY h->>'at', h::text) FROM jsonb_array_elements(s.history::jsonb) h),
               s.updated_at
        FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::timestamptz[])
             AS s (topic_id, community_id, title, status, status_rank, history, updated_at)
        ON CONFLICT (topic_id) DO UPDATE SET
            title = coalesce(EXCLUDED.title, p.title),
            history = (SELECT jsonb_agg(h ORDER BY h->>'at', h::text)
                       FROM jsonb_array_elements(p.history || EXCLUDED.history) h),
            updated_at = greatest(EXCLUDED.updated_at, p.updated_at)
        RETURNING topic_id, history, status
        """,
        *([row[c] for row in rows] for c in ("topic_id", "community_id", "title", "status", "status_rank")),
        [as_json(row["history"]) for row in rows], [row["updated_at"] for row in rows],
    )
    changed: dict[UUID, Status] = {}
    for row in written:
        status = current_status(row["history"]) or last_status[row["topic_id"]]
        if status.value != row["status"]:
            changed[row["topic_id"]] = status
    if changed:
        await conn.execute(
            "UPDATE topic_progress AS p SET status = s.status, status_rank = s.status_rank "
            "FROM unnest($1::uuid[], $2::text[], $3::int[]) AS s (topic_id, status, status_rank) "
            "WHERE p.topic_id = s.topic_id",
            list(changed), [s.value for s in changed.values()], [procedure_rank(s) for s in changed.values()],
        )
