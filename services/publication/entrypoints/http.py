"""Publication's HTTP API (issue 2 slice): the public board as JSON."""

from datetime import datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel
from yishi_contracts import CommunityId

from ..projection import STATUS_SQL


class BoardEntry(BaseModel):
    topic_id: UUID
    title: str | None
    status: str
    category: str | None
    exclusion_reason: str | None
    submitted_at: datetime | None
    resolution_text: str | None


def publication_router(runtime: Any) -> APIRouter:
    router = APIRouter(tags=["publication"])

    @router.get(
        "/communities/{community_id}/board",
        response_model=list[BoardEntry],
        summary="The public board of a community (公开栏): topics and their status, no personal data",
    )
    async def public_board(community_id: CommunityId) -> list[BoardEntry]:
        async with runtime.pool.acquire() as conn:
            rows = await conn.fetch(
                f"""
                SELECT topic_id, title, {STATUS_SQL} AS status, category, exclusion_reason, submitted_at,
                       resolution_text
                FROM board WHERE community_id = $1 AND submitted_at IS NOT NULL
                ORDER BY submitted_at DESC, topic_id
                """,
                community_id,
            )
        return [BoardEntry(**dict(r)) for r in rows]

    return router
