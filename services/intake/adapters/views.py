"""Intake's views port on PostgreSQL: the submissions table and the receipt view."""

from uuid import UUID

import asyncpg
from yishi_contracts import Status

from ..service_layer.ports import Filed, NewSubmission, ReceiptView


class SqlIntakeViews:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def add_submission(self, submission: NewSubmission) -> bool:
        # DO NOTHING waits for a concurrent insert of the same key to commit or roll back, and
        # leaves this transaction usable either way.
        kept = await self.conn.fetchval(
            """
            INSERT INTO submissions (topic_id, receipt_code, community_id, contact_name, contact_phone,
                                     idempotency_key, submitted_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT DO NOTHING
            RETURNING true
            """,
            submission.topic_id,
            submission.receipt_code,
            submission.community_id,
            submission.contact_name,
            submission.contact_phone,
            submission.idempotency_key,
            submission.submitted_at,
        )
        return bool(kept)

    async def submission_with_key(self, idempotency_key: str) -> Filed | None:
        return await self._filed("idempotency_key", idempotency_key)

    async def submission_with_code(self, receipt_code: str) -> Filed | None:
        return await self._filed("receipt_code", receipt_code)

    async def _filed(self, column: str, value: str) -> Filed | None:
        row = await self.conn.fetchrow(
            f"SELECT topic_id, receipt_code, community_id FROM submissions WHERE {column} = $1", value
        )
        return Filed(row["topic_id"], row["receipt_code"], row["community_id"]) if row else None

    async def progress_status(self, topic_id: UUID) -> Status | None:
        status = await self.conn.fetchval("SELECT status FROM topic_progress WHERE topic_id = $1", topic_id)
        return Status(status) if status else None

    async def receipt(self, receipt_code: str) -> ReceiptView | None:
        row = await self.conn.fetchrow(
            """
            SELECT s.receipt_code, s.topic_id, s.community_id, s.submitted_at, p.title, p.status, p.history
            FROM submissions s LEFT JOIN topic_progress p USING (topic_id)
            WHERE s.receipt_code = $1
            """,
            receipt_code,
        )
        if row is None:
            return None
        return ReceiptView(
            receipt_code=row["receipt_code"],
            topic_id=row["topic_id"],
            community_id=row["community_id"],
            title=row["title"],
            status=Status(row["status"] or Status.submitted),
            submitted_at=row["submitted_at"],
            history=row["history"] or [],
        )
