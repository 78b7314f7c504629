"""The views port on PostgreSQL: publication's board, resolutions and disclosures, read.

A board row's status comes from ``yishi_contracts.lifecycle``: each step's time column is
one step seen, and the screening's step is its outcome; the latest step wins, ties going to
the step later in the procedure, so any arrival order of the same events reads the same.
"""

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

import asyncpg
from yishi_contracts import ResolutionAdopted
from yishi_contracts.lifecycle import Status, status_of
from yishi_contracts.settings import EffectiveSettings

from services.kit import registry
from services.kit.registry import CommunityNames

from ..domain.receipt import ReceiptCheck
from ..service_layer.ports import BoardRow
from ..service_layer.task_query import TaskPage, TaskQuery
from . import board, receipt_checks, tasks_view

STEP_COLUMNS: dict[str, Status] = {
    "submitted_at": Status.submitted,
    "resubmitted_at": Status.resubmitted,
    "researched_at": Status.researched,
    "research_reopened_at": Status.researching,
    "scheduled_at": Status.scheduled,
    "deferred_at": Status.deferred,
    "dropped_at": Status.dropped,
    "resolved_at": Status.resolved,
    "disclosed_at": Status.in_disclosure,
    "returned_to_council_at": Status.returned_to_council,
    "implementation_started_at": Status.implementing,
    "reopened_at": Status.reopened,
    "implemented_at": Status.implemented,
    "closed_at": Status.closed,
    "escalated_at": Status.escalated,
}
"""The board's time column of each step, and the status it marks (the screening's is its outcome)."""


def steps(row: Mapping[str, Any]) -> list[tuple[datetime, Status]]:
    seen = [(row[column], status) for column, status in STEP_COLUMNS.items() if row.get(column) is not None]
    if row.get("screened_at") is not None and row.get("screening_outcome"):
        seen.append((row["screened_at"], Status(row["screening_outcome"])))
    return seen


def board_status(row: Mapping[str, Any]) -> Status:
    """The topic's status from the steps its row saw (every row has one: each write dates a step)."""
    return status_of(steps(row)) or Status.submitted


def _with_status(row: asyncpg.Record) -> BoardRow:
    return {**dict(row), "status": board_status(row)}


class SqlPublicationViews:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def settings_at(self, community_id: str, at: datetime) -> EffectiveSettings:
        return await registry.effective_at(self.conn, community_id, at)

    async def community_names(self, codes: Sequence[str]) -> dict[str, CommunityNames]:
        return await registry.names_of(self.conn, codes)

    async def board_row(self, topic_id: UUID) -> BoardRow | None:
        row = await self.conn.fetchrow("SELECT * FROM board WHERE topic_id = $1", topic_id)
        return _with_status(row) if row else None

    async def community_board(self, community_id: str) -> list[BoardRow]:
        rows = await self.conn.fetch(
            "SELECT * FROM board WHERE community_id = $1 AND submitted_at IS NOT NULL ORDER BY submitted_at DESC, topic_id",
            community_id,
        )
        return [_with_status(r) for r in rows]

    async def latest_resolution(self, topic_id: UUID) -> ResolutionAdopted | None:
        data = await board.latest_resolution(self.conn, topic_id)
        return ResolutionAdopted.model_validate(data) if data else None

    async def current_disclosure(self, topic_id: UUID) -> UUID | None:
        return await self.conn.fetchval(
            "SELECT resolution_id FROM disclosures WHERE topic_id = $1 ORDER BY published_at DESC LIMIT 1", topic_id
        )

    async def disclosures_due(self, now: datetime, limit: int = 200) -> list[UUID]:
        rows = await self.conn.fetch(
            "SELECT resolution_id FROM disclosures WHERE state = 'open' AND ends_at <= $1 ORDER BY ends_at LIMIT $2",
            now, limit,
        )
        return [r["resolution_id"] for r in rows]

    async def task_page(self, query: TaskQuery, today: date) -> TaskPage:
        return await tasks_view.task_page(self.conn, query, today)

    async def receipt_checks(self, topic_id: UUID) -> list[ReceiptCheck]:
        return await receipt_checks.of_topic(self.conn, topic_id)
