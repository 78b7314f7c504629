"""SQL of ``tasks_view``: every implementation task, kept from publication's own public events,
and the task lists read from it (落实任务清单).

Each event writes only its own columns (a round's tasks from ImplementationStarted; the percent
and the completion, greatest kept, from TaskProgressed), so any arrival order leaves the same
row. A list is one statement: the grace of each task's round read from the registry replica at
the round's start (the ledger's rule), overdue and days overdue against today in China time,
the most overdue first, counted and paged in SQL.
"""

from collections.abc import Sequence
from datetime import date

import asyncpg
import yishi_contracts as c

from services.kit.upsert import upsert_rows

from ..ledger.figures import grace_days
from ..service_layer.task_query import ListedTask, TaskPage, TaskQuery

TABLE = "tasks_view"


async def started(conn: asyncpg.Connection, events: Sequence[c.ImplementationStarted]) -> None:
    await upsert_rows(conn, TABLE, [
        {"task_id": t.task_id, "topic_id": e.topic_id, "community_id": e.community_id, "round": e.round,
         "description": t.description, "responsible_party": t.responsible_party, "deadline": t.deadline,
         "round_started_at": e.started_at}
        for e in events for t in e.tasks
    ], key=("task_id",), inserted=("topic_id", "community_id"))


async def progressed(conn: asyncpg.Connection, events: Sequence[c.TaskProgressed]) -> None:
    await upsert_rows(conn, TABLE, [
        {"task_id": e.task_id, "topic_id": e.topic_id, "community_id": e.community_id, "round": e.round,
         "percent": e.percent, "completed_at": e.completed_at, "progressed_at": e.reported_at}
        for e in events
    ], key=("task_id",), inserted=("topic_id", "community_id", "round"),
        latest=("percent", "completed_at", "progressed_at"))


_WITHIN = """t.community_id COLLATE "C" >= $1 AND t.community_id COLLATE "C" < ($1 || ':')"""

# A round's grace depends on the settings of its community's lineage effective by its start, so it
# is the same for every start between two consecutive effective_from of those settings: it is
# looked up once per community and such interval, not once per round.
_GRACES = f"""
communities AS MATERIALIZED (  -- only the open tasks already past their deadline need a grace
    SELECT DISTINCT t.community_id FROM tasks_view t
    WHERE {_WITHIN} AND t.deadline < $2::date AND t.completed_at IS NULL
), intervals AS MATERIALIZED (
    SELECT c.community_id, p.at AS round_started_at FROM communities c
    CROSS JOIN LATERAL (
        SELECT '-infinity'::timestamptz AS at
        UNION SELECT s.effective_from FROM registry_settings s
        WHERE s.code IN (left(c.community_id, 6) || '000000', left(c.community_id, 9) || '000', c.community_id)
    ) p
), graces AS MATERIALIZED (
    SELECT i.community_id, i.round_started_at AS since,
           lead(i.round_started_at) OVER (PARTITION BY i.community_id ORDER BY i.round_started_at) AS until,
           {grace_days("i")} AS grace
    FROM intervals i
)"""

_GRACE_OF_TASK = """LEFT JOIN graces g ON t.completed_at IS NULL AND t.deadline < $2::date AND g.community_id = t.community_id
        AND t.round_started_at >= g.since AND (g.until IS NULL OR t.round_started_at < g.until)"""

_LIST = f"""
WITH {_GRACES}, listed AS MATERIALIZED (
    SELECT t.*, COALESCE($2::date - (t.deadline + g.grace), 0) AS past_due FROM tasks_view t
    {_GRACE_OF_TASK}
    WHERE {_WITHIN} AND t.deadline IS NOT NULL
), page AS (
    SELECT l.*, l.past_due > 0 AS overdue, GREATEST(l.past_due, 0) AS days_overdue, count(*) OVER () AS total
    FROM listed l WHERE $3::boolean IS NULL OR (l.past_due > 0) = $3::boolean
    ORDER BY days_overdue DESC, l.deadline, l.community_id COLLATE "C", l.topic_id, l.round, l.task_id
    LIMIT $4 OFFSET $5
)
SELECT page.*, b.title FROM page LEFT JOIN board b ON b.topic_id = page.topic_id
ORDER BY page.days_overdue DESC, page.deadline, page.community_id COLLATE "C", page.topic_id, page.round, page.task_id
"""

_TOTAL = f"""
WITH {_GRACES}
SELECT count(*) FROM tasks_view t
{_GRACE_OF_TASK}
WHERE {_WITHIN} AND t.deadline IS NOT NULL
  AND ($3::boolean IS NULL OR (COALESCE($2::date - (t.deadline + g.grace), 0) > 0) = $3::boolean)
"""


async def task_page(conn: asyncpg.Connection, query: TaskQuery, today: date) -> TaskPage:
    """A page of the tasks within a community or division, ``today`` the day in China time."""
    rows = await conn.fetch(_LIST, query.within, today, query.overdue, query.limit, query.offset)
    total = rows[0]["total"] if rows else await conn.fetchval(_TOTAL, query.within, today, query.overdue)
    return TaskPage(total=total, tasks=[ListedTask(
        task_id=r["task_id"], topic_id=r["topic_id"], community_id=r["community_id"], title=r["title"],
        round=r["round"], description=r["description"], responsible_party=r["responsible_party"],
        deadline=r["deadline"], percent=r["percent"], completed_at=r["completed_at"], overdue=r["overdue"],
        days_overdue=r["days_overdue"],
    ) for r in rows])
