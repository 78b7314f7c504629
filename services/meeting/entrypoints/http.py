"""Meeting's HTTP API (issue 2 slice): researched topics ready for an agenda."""

from datetime import datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel
from yishi_contracts import CommunityId


class AgendaCandidate(BaseModel):
    topic_id: UUID
    title: str | None
    category: str | None
    feasibility: str
    consultation_plan: str
    researched_at: datetime


def meeting_router(runtime: Any) -> APIRouter:
    router = APIRouter(tags=["meeting"])

    @router.get(
        "/communities/{community_id}/ready-for-agenda",
        response_model=list[AgendaCandidate],
        summary="Researched topics that a meeting may take up (已完成议前调研)",
    )
    async def ready(community_id: CommunityId) -> list[AgendaCandidate]:
        async with runtime.pool.acquire() as conn:
            rows = await conn.fetch(
                """
                SELECT topic_id, title, category, feasibility, consultation_plan, researched_at
                FROM agenda_candidates WHERE community_id = $1 AND researched_at IS NOT NULL
                ORDER BY researched_at, topic_id
                """,
                community_id,
            )
        return [AgendaCandidate(**dict(r)) for r in rows]

    return router
