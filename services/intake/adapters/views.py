"""Intake's views port on PostgreSQL: the submissions table and the receipt view."""

from uuid import UUID

import asyncpg
from yishi_contracts import Status

from services.kit.registry import CommunityNames, names_of
from services.kit.registry_cache import KnownCommunities

from ..domain.contact import ContactRead, SubmitterContact
from ..domain.progress import submitted_step
from ..service_layer.ports import Filed, Filing, NewSubmission, ReceiptView
from . import contact_reads


class SqlIntakeViews:
    def __init__(self, conn: asyncpg.Connection, known: KnownCommunities | None = None) -> None:
        self.conn = conn
        self._known = known

    async def community(self, code: str) -> CommunityNames:
        if self._known is None:
            return await self._read_community(code)
        return await self._known.names(code, self._read_community)

    async def _read_community(self, code: str) -> CommunityNames:
        return (await names_of(self.conn, [code]))[code]

    async def add_submission(self, submission: NewSubmission) -> Filing:
        # DO NOTHING waits for a concurrent insert of the same key to commit or roll back, and
        # leaves this transaction usable either way. The second branch finds a key on file that
        # this statement's snapshot sees; one committed meanwhile is found by a retry.
        key = submission.idempotency
        row = await self.conn.fetchrow(
            """
            WITH kept AS (
                INSERT INTO submissions (topic_id, receipt_code, community_id, contact_name, contact_phone,
                                         idempotency_key, idempotency_caller, request_digest, submitted_at, title)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                ON CONFLICT DO NOTHING
                RETURNING topic_id
            )
            SELECT true AS kept, NULL::uuid AS topic_id, NULL AS receipt_code, NULL AS request_digest FROM kept
            UNION ALL
            SELECT false, s.topic_id, s.receipt_code, s.request_digest FROM submissions s
            WHERE $6::text IS NOT NULL AND s.community_id = $3 AND s.idempotency_caller = $7
              AND s.idempotency_key = $6 AND NOT EXISTS (SELECT 1 FROM kept)
            """,
            submission.topic_id,
            submission.receipt_code,
            submission.community_id,
            submission.contact_name,
            submission.contact_phone,
            key.key if key else None,
            key.caller if key else None,
            key.request_digest if key else None,
            submission.submitted_at,
            submission.title,
        )
        if row is None:
            return Filing(kept=False)
        if row["kept"]:
            return Filing(kept=True)
        earlier = Filed(row["topic_id"], row["receipt_code"], submission.community_id, row["request_digest"])
        return Filing(kept=False, earlier=earlier)

    async def submission_with_code(self, receipt_code: str) -> Filed | None:
        row = await self.conn.fetchrow(
            "SELECT topic_id, receipt_code, community_id FROM submissions WHERE receipt_code = $1", receipt_code
        )
        return Filed(row["topic_id"], row["receipt_code"], row["community_id"]) if row else None

    async def progress_status(self, topic_id: UUID) -> Status | None:
        status = await self.conn.fetchval("SELECT status FROM topic_progress WHERE topic_id = $1", topic_id)
        return Status(status) if status else None

    async def receipt(self, receipt_code: str) -> ReceiptView | None:
        row = await self.conn.fetchrow(
            """
            SELECT s.receipt_code, s.topic_id, s.community_id, s.submitted_at, coalesce(p.title, s.title) AS title,
                   p.status, p.history
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
            # Not in the receipt view yet (its consumer takes intake's own submissions in a moment later)
            history=row["history"] if row["history"] is not None else [submitted_step(row["submitted_at"])],
        )

    async def submitter_contact(self, topic_id: UUID) -> SubmitterContact | None:
        return await contact_reads.submitter_contact(self.conn, topic_id)

    async def record_contact_read(self, read: ContactRead) -> None:
        await contact_reads.record(self.conn, read)

    async def contact_reads(self, division: str, *, limit: int, offset: int) -> list[ContactRead]:
        return await contact_reads.within(self.conn, division, limit=limit, offset=offset)
