"""SQL of the staff lists of topics, read from the council's topics view (``council_topics``).

The filters arrive checked (``service_layer.topic_query``); values travel as parameters,
and the only text put into the SQL comes from this module's own constants.
"""

from typing import Any

import asyncpg
from yishi_contracts import Status

from ..service_layer.topic_query import TopicListRow, TopicPage, TopicQuery, TopicSort
from .topics_view import STEP_COLUMNS

LAST_STEP_AT = f"GREATEST({', '.join(dict.fromkeys(STEP_COLUMNS.values()))})"
"""The time of the topic's latest step, whatever it was (GREATEST skips the steps not seen)."""

ORDER = {
    TopicSort.newest: "submitted_at DESC, topic_id",
    TopicSort.oldest: "submitted_at, topic_id",
    TopicSort.last_step: "last_step_at DESC, topic_id",
}


class _Where:
    def __init__(self) -> None:
        self.conditions = ["submitted_at IS NOT NULL"]
        self.args: list[Any] = []

    def add(self, condition: str, value: Any) -> None:
        """``condition`` with ``$?`` standing for ``value``'s parameter."""
        self.args.append(value)
        self.conditions.append(condition.replace("$?", f"${len(self.args)}"))

    def sql(self) -> str:
        return " AND ".join(self.conditions)


def _texts(codes: frozenset[Any]) -> list[str]:
    return sorted(str(code) for code in codes)


def _where(q: TopicQuery) -> _Where:
    where = _Where()
    # A full code is one community (the index's first column); a shorter one, a division.
    where.add("community_id = $?" if len(q.within) == 12 else "community_id LIKE $? || '%'", q.within)
    if q.statuses:
        where.add("status = ANY($?::text[])", _texts(q.statuses))
    if q.title_contains:
        where.add("strpos(lower(normalize(coalesce(title, ''), NFKC)), $?) > 0", q.title_contains)
    if q.sources:
        where.add("source = ANY($?::text[])", _texts(q.sources))
    if q.channels:
        where.add("channel = ANY($?::text[])", _texts(q.channels))
    if q.categories:
        where.add("screened_outcome = 'accepted' AND decision->>'category' = ANY($?::text[])", _texts(q.categories))
    if q.submitted_from:
        where.add("submitted_at >= $?", q.submitted_from)
    if q.submitted_before:
        where.add("submitted_at < $?", q.submitted_before)
    return where


def _row(r: asyncpg.Record) -> TopicListRow:
    return TopicListRow(
        topic_id=r["topic_id"], community_id=r["community_id"], title=r["title"], status=Status(r["status"]),
        source=r["source"], channel=r["channel"], category=r["category"], submitted_at=r["submitted_at"],
        last_step_at=r["last_step_at"],
    )


async def topic_page(conn: asyncpg.Connection, q: TopicQuery) -> TopicPage:
    where = _where(q)
    total = await conn.fetchval(f"SELECT count(*) FROM council_topics WHERE {where.sql()}", *where.args)
    n = len(where.args)
    rows = await conn.fetch(
        f"""
        SELECT topic_id, community_id, title, status, source, channel, submitted_at,
               CASE WHEN screened_outcome = 'accepted' THEN decision->>'category' END AS category,
               {LAST_STEP_AT} AS last_step_at
        FROM council_topics WHERE {where.sql()}
        ORDER BY {ORDER[q.sort]} LIMIT ${n + 1} OFFSET ${n + 2}
        """,
        *where.args, q.limit, q.offset,
    )
    return TopicPage(total=total, rows=[_row(r) for r in rows])
