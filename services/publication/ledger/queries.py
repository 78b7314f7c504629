"""SQL reading the ledger: one aggregate statement per request, over the fact rows of the
communities whose code starts with the division's prefix, grouped by a prefix of the code
(length 0: the division as a whole; 9: its streets side by side; 12: its communities)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import asyncpg

from services.kit import registry
from services.kit.ports import Service
from services.kit.refusal import CHINA_TIME

from .figures import FIGURES, deadline_passed
from .rollup import DISTRICT_DIGITS

_ALIAS = {"ledger_topics": "t", "ledger_meetings": "m", "ledger_objections": "o"}


def _of(table: str) -> str:
    return ",\n".join(f"{f.sql} AS {f.key}" for f in FIGURES if f.table == table)


_TOPICS, _MEETINGS, _OBJECTIONS = _of("ledger_topics"), _of("ledger_meetings"), _of("ledger_objections")

FIGURES_SQL = f"""
WITH t AS (
    SELECT left(community_id, $5::int) AS g,
{_TOPICS}
    FROM ledger_topics WHERE community_id COLLATE "C" >= $1 AND community_id COLLATE "C" < ($1 || ':') GROUP BY 1
), m AS (
    SELECT left(community_id, $5::int) AS g,
{_MEETINGS}
    FROM ledger_meetings WHERE community_id COLLATE "C" >= $1 AND community_id COLLATE "C" < ($1 || ':') AND held_at >= $2 AND held_at < $3 GROUP BY 1
), o AS (
    SELECT left(community_id, $5::int) AS g,
{_OBJECTIONS}
    FROM ledger_objections WHERE community_id COLLATE "C" >= $1 AND community_id COLLATE "C" < ($1 || ':') GROUP BY 1
)
SELECT g, {", ".join(f"{_ALIAS[f.table]}.{f.key}" for f in FIGURES)}
FROM t FULL JOIN m USING (g) FULL JOIN o USING (g) ORDER BY g
"""


ROLLUP_SQL = """
SELECT left(district, $2::int) AS g, figure, days, sum(n)::bigint AS n FROM ledger_months
WHERE district >= $1 AND district < ($1 || ':') AND month >= $3 AND month < $4 GROUP BY 1, 2, 3
"""
_IN_DIVISION = """community_id COLLATE "C" >= $1 AND community_id COLLATE "C" < ($1 || ':')"""
OVERDUE_SQL = f"""
SELECT g, sum(n)::bigint AS n FROM (
    SELECT left(community_id, $2::int) AS g, count(*) AS n FROM ledger_topics
    WHERE {_IN_DIVISION} AND implementation_deadline IS NOT NULL
      AND (completed_round IS NULL OR completed_round < implementation_round) AND {deadline_passed("$3")} GROUP BY 1
    UNION ALL
    SELECT left(community_id, $2::int), count(*) FROM ledger_topics
    WHERE {_IN_DIVISION} AND implementation_deadline IS NOT NULL
      AND completed_round >= implementation_round AND completed_at > $3 AND {deadline_passed("$3")} GROUP BY 1
) AS rounds GROUP BY g
"""
"""Overdue rounds: the open ones (a partial index holds them, with the columns the test needs, so
the index alone answers) and those completed after ``as_of``."""


def median(histogram: dict[int, int]) -> float | None:
    """The median of a multiset given as value → how many (as percentile_cont(0.5) reads it)."""
    total = sum(histogram.values())
    if not total:
        return None
    wanted, found, seen = ((total - 1) // 2, total // 2), [], 0
    for value in sorted(histogram):
        seen += histogram[value]
        found += [value for position in wanted if len(found) < 2 and position < seen and position >= seen - histogram[value]]
    return round(sum(found) / 2, 1)


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
        """Figures per group (the code prefix of ``group_length`` digits; '' for the whole):
        summed from the monthly rollup down to districts, counted from the fact rows below."""
        if len(prefix) > DISTRICT_DIGITS or group_length > DISTRICT_DIGITS:
            rows = await self.conn.fetch(FIGURES_SQL, prefix, start, end, as_of, group_length)
            return {row["g"]: _figures(row) for row in rows}
        months = (start.astimezone(CHINA_TIME).date(), end.astimezone(CHINA_TIME).date())
        groups: dict[str, dict[str, Any]] = {}
        histograms: dict[tuple[str, str], dict[int, int]] = {}
        for row in await self.conn.fetch(ROLLUP_SQL, prefix, group_length, *months):
            figures = groups.setdefault(row["g"], zero())
            if row["days"] < 0:
                figures[row["figure"]] += row["n"]
            elif row["n"]:
                histograms.setdefault((row["g"], row["figure"]), {})[row["days"]] = row["n"]
        for (g, figure), histogram in histograms.items():
            groups[g][figure] = median(histogram)
        for row in await self.conn.fetch(OVERDUE_SQL, prefix, group_length, as_of):
            groups.setdefault(row["g"], zero())["implementations_overdue"] = row["n"]
        return groups

    async def names(self, codes: list[str]) -> dict[str, str]:
        rows = await self.conn.fetch("SELECT code, name FROM ledger_divisions WHERE code = ANY($1::text[])", codes)
        return {r["code"]: r["name"] for r in rows}

    async def community_names(self, community_id: str) -> registry.CommunityNames:
        """The community's names with its street and district, from the registry's replica."""
        return (await registry.names_of(self.conn, [community_id]))[community_id]

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
