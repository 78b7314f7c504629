"""SQL reading the ledger: one aggregate statement per request, over the fact rows of the
communities whose code starts with the division's prefix, grouped by a prefix of the code
(length 0: the division as a whole; 9: its streets side by side; 12: its communities)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import asyncpg

from services.kit.ports import Service

from .figures import FIGURES

_TOPICS = ",\n".join(f"{f.sql} AS {f.key}" for f in FIGURES if not f.meetings)
_MEETINGS = ",\n".join(f"{f.sql} AS {f.key}" for f in FIGURES if f.meetings)

FIGURES_SQL = f"""
WITH t AS (
    SELECT left(community_id, $5::int) AS g,
{_TOPICS}
    FROM ledger_topics WHERE community_id COLLATE "C" >= $1 AND community_id COLLATE "C" < ($1 || ':') GROUP BY 1
), m AS (
    SELECT left(community_id, $5::int) AS g,
{_MEETINGS}
    FROM ledger_meetings WHERE community_id COLLATE "C" >= $1 AND community_id COLLATE "C" < ($1 || ':') AND held_at >= $2 AND held_at < $3 GROUP BY 1
)
SELECT g, {", ".join(f"{'m' if f.meetings else 't'}.{f.key}" for f in FIGURES)}
FROM t FULL JOIN m USING (g) ORDER BY g
"""


def zero() -> dict[str, Any]:
    """The figures of a division with nothing recorded: counts 0, medians none."""
    return {f.key: None if f.key.startswith("median_") else 0 for f in FIGURES}


def _figures(row: asyncpg.Record) -> dict[str, Any]:
    out = zero()
    for f in FIGURES:
        value = row[f.key]
        if value is not None:
            out[f.key] = float(value) if f.key.startswith("median_") else int(value)
    return out


class SqlLedgerViews:
    """The ledger's reads on one pooled connection."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    @classmethod
    @asynccontextmanager
    async def reading(cls, service: Service[Any]) -> AsyncIterator["SqlLedgerViews"]:
        async with service.reading() as views:
            yield cls(views.conn)

    async def figures(self, prefix: str, start: datetime, end: datetime, as_of: datetime,
                      group_length: int) -> dict[str, dict[str, Any]]:
        """Figures per group (the code prefix of ``group_length`` digits; '' for the whole)."""
        rows = await self.conn.fetch(FIGURES_SQL, prefix, start, end, as_of, group_length)
        return {row["g"]: _figures(row) for row in rows}

    async def names(self, codes: list[str]) -> dict[str, str]:
        rows = await self.conn.fetch("SELECT code, name FROM ledger_divisions WHERE code = ANY($1::text[])", codes)
        return {r["code"]: r["name"] for r in rows}

    async def public_records(self, community_id: str, start: datetime, end: datetime) -> list[asyncpg.Record]:
        """The community's public records with a step in the period: what the board shows."""
        return await self.conn.fetch(
            """
            SELECT b.topic_id, b.title, b.source, b.channel, b.category, b.exclusion_reason, b.screening_outcome,
                   b.submitted_at, b.screened_at, b.resolved_at, b.resolution_text, b.disclosed_at,
                   b.implementation_started_at, b.implemented_at, b.implemented_on_time, b.closed_at,
                   b.escalated_at, b.escalation_kind,
                   l.satisfied, l.basically_satisfied, l.dissatisfied, l.deferred_at, l.dropped_at
            FROM board b LEFT JOIN ledger_topics l USING (topic_id)
            WHERE b.community_id = $1 AND b.title IS NOT NULL
              AND GREATEST(b.submitted_at, b.screened_at, b.resolved_at, b.disclosed_at, b.implementation_started_at,
                           b.implemented_at, b.closed_at, b.escalated_at, l.deferred_at, l.dropped_at) >= $2
              AND b.submitted_at < $3
            ORDER BY b.submitted_at, b.topic_id
            """,
            community_id, start, end,
        )
