"""SQL of the council's topics view: one ``screening_queue`` row per topic (read as ``council_topics``).

Each step of the topic's life writes its own columns, its time column keeping the latest
time it happened, so any arrival order of the same events gives the same row. The row's
``status`` is then derived in Python by ``yishi_contracts.lifecycle`` from the step times
(never by SQL of our own, never by arrival order) and stored so queries can filter on it.
"""

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
from yishi_contracts import Status, status_of

from ..service_layer.ports import TopicRecord

TABLE = "screening_queue"
SCREENED = (Status.returned, Status.rejected, Status.merged, Status.accepted)

STEP_COLUMNS: dict[Status, str] = {
    Status.submitted: "submitted_at",
    Status.resubmitted: "resubmitted_at",
    **{outcome: "screened_at" for outcome in SCREENED},
    Status.researched: "research_completed_at",
    Status.researching: "research_reopened_at",
    Status.scheduled: "scheduled_at",
    Status.deferred: "deferred_at",
    Status.dropped: "dropped_at",
    Status.resolved: "resolved_at",
    Status.in_disclosure: "disclosure_started_at",
    Status.returned_to_council: "returned_to_council_at",
    Status.implementing: "implementation_started_at",
    Status.reopened: "implementation_reopened_at",
    Status.implemented: "implemented_at",
    Status.closed: "closed_at",
    Status.escalated: "escalated_at",
}
"""The time column of each status; the four outcomes of a screening share ``screened_at``
(its outcome is in ``screened_outcome``)."""


def steps(row: asyncpg.Record | dict[str, Any]) -> Iterator[tuple[datetime, Status]]:
    """The steps a row has seen: (latest time, the status it marks)."""
    for status, column in STEP_COLUMNS.items():
        at = row[column]
        if at is None:
            continue
        if column != "screened_at":
            yield at, status
        elif status == row["screened_outcome"]:
            yield at, status


def status_from(row: asyncpg.Record | dict[str, Any]) -> Status | None:
    return status_of(steps(row))


async def mark(
    conn: asyncpg.Connection, topic_id: UUID, community_id: str, status: Status, at: datetime, **values: Any
) -> None:
    """One step of the topic: its time (the latest kept), the step's own ``values``, then the status.

    Column names come from code only, never from input."""
    column = STEP_COLUMNS[status]
    names = [column, *values]
    assignments = [f"{column} = GREATEST(q.{column}, EXCLUDED.{column})", *(f"{n} = EXCLUDED.{n}" for n in values)]
    row = await conn.fetchrow(
        f"INSERT INTO {TABLE} AS q (topic_id, community_id, status, {', '.join(names)}) "
        f"VALUES ($1, $2, $3, {', '.join(f'${i}' for i in range(4, 4 + len(names)))}) "
        f"ON CONFLICT (topic_id) DO UPDATE SET {', '.join(assignments)} RETURNING *",
        topic_id, community_id, status.value, at, *values.values(),
    )
    current = status_from(row)
    if current is not None and current != row["status"]:
        await conn.execute(f"UPDATE {TABLE} SET status = $2 WHERE topic_id = $1", topic_id, current.value)


def record(row: asyncpg.Record) -> TopicRecord:
    return TopicRecord(**{name: row[name] for name in TopicRecord.__dataclass_fields__ if name != "status"},
                       status=Status(row["status"]))
