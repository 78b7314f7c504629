"""Council's HTTP API (issue 2 slice): the screening queue of a community."""

from datetime import datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel
from yishi_contracts import CommunityId


class AwaitingTopic(BaseModel):
    topic_id: UUID
    title: str
    description: str
    location: str | None
    source: str
    channel: str
    submitted_at: datetime


class ScreeningQueue(BaseModel):
    community_id: str
    total: int
    topics: list[AwaitingTopic]


def council_router(runtime: Any) -> APIRouter:
    router = APIRouter(tags=["council"])

    @router.get(
        "/communities/{community_id}/awaiting-screening",
        response_model=ScreeningQueue,
        summary="Topics of a community awaiting screening (待确定议题), oldest first",
    )
    async def awaiting(
        community_id: CommunityId,
        limit: int = Query(default=100, ge=1, le=500),
        offset: int = Query(default=0, ge=0),
    ) -> ScreeningQueue:
        async with runtime.pool.acquire() as conn:
            total = await conn.fetchval(
                "SELECT count(*) FROM screening_queue WHERE community_id = $1 "
                "AND submitted_at IS NOT NULL AND screened_outcome IS NULL",
                community_id,
            )
            rows = await conn.fetch(
                """
                SELECT topic_id, title, description, location, source, channel, submitted_at
                FROM screening_queue
                WHERE community_id = $1 AND submitted_at IS NOT NULL AND screened_outcome IS NULL
                ORDER BY submitted_at, topic_id LIMIT $2 OFFSET $3
                """,
                community_id, limit, offset,
            )
        return ScreeningQueue(
            community_id=community_id, total=total, topics=[AwaitingTopic(**dict(r)) for r in rows]
        )

    return router
