"""The receipt checks publication keeps from TopicSubmitted (its own table, never on the board)."""

from collections.abc import Sequence
from uuid import UUID

import asyncpg

from ..domain.receipt import ReceiptCheck


async def keep(conn: asyncpg.Connection, checks: Sequence[ReceiptCheck]) -> None:
    """A check never changes: a redelivered or replayed submission keeps the one on file."""
    if checks:
        await conn.executemany(
            "INSERT INTO receipt_checks (topic_id, receipt_check) VALUES ($1, $2) ON CONFLICT (topic_id) DO NOTHING",
            checks,
        )


async def of_topic(conn: asyncpg.Connection, topic_id: UUID) -> list[ReceiptCheck]:
    """The checks of the topic and of the topics merged into it."""
    rows = await conn.fetch(
        """
        SELECT topic_id, receipt_check FROM receipt_checks
        WHERE topic_id = $1 OR topic_id IN (SELECT topic_id FROM board WHERE merged_into = $1)
        """,
        topic_id,
    )
    return [(r["topic_id"], r["receipt_check"]) for r in rows]
