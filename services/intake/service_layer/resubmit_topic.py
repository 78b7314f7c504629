"""Use case: a resident adds the details the council asked for, using their receipt code."""

from typing import Any

from services.kit.errors import Refusal

from ..domain.submission import SubmissionRefused, resubmit


async def resubmit_topic(runtime: Any, receipt_code: str, details: str) -> str:
    async with runtime.pool.acquire() as conn, conn.transaction():
        row = await conn.fetchrow(
            """
            SELECT s.topic_id, s.community_id, coalesce(p.status, 'submitted') AS status
            FROM submissions s LEFT JOIN topic_progress p USING (topic_id)
            WHERE s.receipt_code = $1
            FOR UPDATE OF s
            """,
            receipt_code,
        )
        if row is None:
            raise Refusal(404, "receipt_not_found", "没有找到该回执码对应的议题", "no topic has this receipt code")
        try:
            event = resubmit(
                topic_id=row["topic_id"],
                community_id=row["community_id"],
                status=row["status"],
                details=details,
                now=runtime.clock.now(),
            )
        except SubmissionRefused as exc:
            raise Refusal(409, exc.error, exc.message_zh, exc.message_en) from exc
        loaded = await runtime.load(conn, str(row["topic_id"]))
        await runtime.record(
            conn,
            stream_id=str(row["topic_id"]),
            expected_version=loaded.version,
            events=[event],
            community_id=row["community_id"],
        )
        return "resubmitted"
