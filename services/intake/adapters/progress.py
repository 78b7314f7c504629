"""The receipt view's table (topic_progress), kept by the projection one step at a time."""

import asyncpg
from yishi_contracts.lifecycle import procedure_rank

from ..domain.progress import ProgressStep, current_status


async def record(conn: asyncpg.Connection, step: ProgressStep) -> None:
    """Add a step to its topic's history (kept in time order), then derive where it stands.

    The upsert locks the topic's row, so the status set next is that of the history it returned.
    """
    history = await conn.fetchval(
        """
        INSERT INTO topic_progress (topic_id, community_id, title, status, status_rank, history, updated_at)
        VALUES ($1, $2, $3, $4, $5, jsonb_build_array($6::jsonb), $7)
        ON CONFLICT (topic_id) DO UPDATE SET
            title = coalesce(EXCLUDED.title, topic_progress.title),
            history = (SELECT jsonb_agg(h ORDER BY h->>'at')
                       FROM jsonb_array_elements(topic_progress.history || $6::jsonb) h),
            updated_at = greatest(EXCLUDED.updated_at, topic_progress.updated_at)
        RETURNING history
        """,
        step.topic_id,
        step.community_id,
        step.title,
        step.status.value,
        procedure_rank(step.status),
        step.entry,
        step.at,
    )
    status = current_status(history) or step.status
    await conn.execute(
        "UPDATE topic_progress SET status = $2, status_rank = $3 WHERE topic_id = $1",
        step.topic_id,
        status.value,
        procedure_rank(status),
    )
