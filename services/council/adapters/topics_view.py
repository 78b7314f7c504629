"""SQL of the council's topics view: one ``screening_queue`` row per topic (read as ``council_topics``).

Each step of the topic's life writes its own columns, its time column keeping the latest
time it happened, so any arrival order of the same events gives the same row. The row's
``status`` is then derived in Python by ``yishi_contracts.lifecycle`` from the step times
(never by SQL of our own, never by arrival order) and stored so queries can filter on it.
"""

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import Any, NamedTuple
from uuid import UUID

import asyncpg
from yishi_contracts import Status, status_of

from services.kit.upsert import upsert_rows

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
_READ_FOR_STATUS = ("topic_id", "status", "screened_outcome", *dict.fromkeys(STEP_COLUMNS.values()))


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


class Step(NamedTuple):
    """One step of one topic: the status it marks, when, and the step's own columns."""

    topic_id: UUID
    community_id: str
    status: Status
    at: datetime
    values: Mapping[str, Any] = MappingProxyType({})


async def mark(conn: asyncpg.Connection, steps: Sequence[Step]) -> None:
    """Steps of topics, one statement per kind: each step's time (the latest kept) and its own
    values, then the status of every row whose steps now say another one.

    Column names come from code only, never from input."""
    kinds: dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]] = {}
    for step in steps:
        column = STEP_COLUMNS[step.status]
        row = {"topic_id": step.topic_id, "community_id": step.community_id, "status": step.status.value,
               column: step.at, **step.values}
        kinds.setdefault((column, tuple(step.values)), []).append(row)
    changed: dict[UUID, str] = {}
    for (column, _), rows in kinds.items():
        # A new row's status is the one step it was inserted with: only rows that were there
        # before come back to have their status derived again.
        written = await upsert_rows(conn, TABLE, rows, inserted=("community_id", "status"), latest=(column,),
                                    returning=_READ_FOR_STATUS, updated_only=True)
        for row in written:
            current = status_from(row)
            if current is not None and current != row["status"]:
                changed[row["topic_id"]] = current.value
            else:
                changed.pop(row["topic_id"], None)
    if changed:
        await conn.execute(
            f"UPDATE {TABLE} AS q SET status = s.status FROM unnest($1::uuid[], $2::text[]) AS s (topic_id, status) "
            "WHERE q.topic_id = s.topic_id",
            list(changed), list(changed.values()),
        )


def record(row: asyncpg.Record) -> TopicRecord:
    return TopicRecord(**{name: row[name] for name in TopicRecord.__dataclass_fields__ if name != "status"},
                       status=Status(row["status"]))
