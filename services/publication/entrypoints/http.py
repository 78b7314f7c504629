"""Publication's public HTTP API: the board (JSON and a zh-CN page), a topic's detail, and the two
things a resident does without a login — object during disclosure, rate after completion."""

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from yishi_contracts import CommunityId, Satisfaction
from yishi_contracts.base import OneLine, Paragraphs

from services.kit.ports import Service

from ..domain import CHINA_TIME
from ..service_layer import detail, disclosures, implementation
from ..service_layer.config import PublicationConfig
from ..service_layer.ports import PublicationViews
from .lists_http import lists_router
from .staff import staff_router

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent.parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
)
TEMPLATES.filters["china_time"] = lambda at, fmt="%Y-%m-%d %H:%M": at.astimezone(CHINA_TIME).strftime(fmt) if at else ""


class BoardEntry(BaseModel):
    topic_id: UUID
    title: str | None
    status: str
    status_zh: str
    category: str | None
    category_zh: str | None
    exclusion_reason: str | None
    exclusion_reason_zh: str | None
    submitted_at: datetime | None
    resolution_text: str | None
    disclosure_ends_at: datetime | None
    implementation_round: int | None


class ObjectionIn(BaseModel):
    """异议: text only — no name, no contact (it is shown on the board)."""

    model_config = ConfigDict(extra="forbid")
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=1000), Paragraphs]


class RatingIn(BaseModel):
    """满意度评价 by receipt code: the submitter of the topic (or of a duplicate merged into it) rates
    once per implementation round; the code is checked, and only a keyed hash of it is kept."""

    model_config = ConfigDict(extra="forbid")
    rating: Satisfaction
    receipt_code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32), OneLine] = Field(
        description="提交议题时收到的回执码（受理编号），如 7K3MQ-9XD4P")


RATING_REFUSALS = {
    404: {"description": "该议题尚未开始落实 / no implementation of this topic (not_found)"},
    409: {"description": "尚未完成、已办结、本轮已评价或议题无回执码校验 / not completed, closed, already rated this "
                         "round with this code, or the topic predates receipt checks "
                         "(not_completed, implementation_closed, already_rated, receipt_check_unavailable)"},
    422: {"description": "回执码不正确或评价无效 / a wrong receipt code or rating (wrong_receipt_code, invalid_input)"},
}


def publication_router(service: Service[PublicationViews], config: PublicationConfig) -> APIRouter:
    router = APIRouter(tags=["publication"])

    @router.get("/communities/{community_id}/board", response_model=list[BoardEntry],
                summary="The public board of a community (公开栏): topics and their status, no personal data")
    async def public_board(community_id: CommunityId) -> list[dict[str, Any]]:
        return await detail.community_board(service, community_id)

    @router.get("/communities/{community_id}/board.html", response_class=HTMLResponse,
                summary="The public board as a zh-CN web page (公开栏)")
    async def public_board_page(community_id: CommunityId) -> HTMLResponse:
        rows = await detail.community_board(service, community_id)
        html = TEMPLATES.get_template("board.html").render(community_id=community_id, entries=rows)
        return HTMLResponse(html)

    @router.get("/topics/{topic_id}", summary="One topic in public: resolution, disclosure, tasks, ratings")
    async def topic(topic_id: UUID) -> dict[str, Any]:
        return await detail.topic_detail(service, topic_id)

    @router.post("/topics/{topic_id}/objections", status_code=201,
                 summary="A resident objects during the disclosure period (提出异议), no login")
    async def object_to(topic_id: UUID, body: ObjectionIn) -> dict[str, Any]:
        raised = await disclosures.raise_objection(service, topic_id, body.text)
        return {"objection_id": raised.objection_id, "raised_at": raised.raised_at}

    @router.post("/topics/{topic_id}/ratings", status_code=201, responses=RATING_REFUSALS,
                 summary="A resident rates the completed implementation with the receipt code (满意度评价), "
                         "once per round, no login")
    async def rate(topic_id: UUID, body: RatingIn) -> dict[str, Any]:
        rated = await implementation.rate(service, config, topic_id, body.rating, body.receipt_code)
        return {"round": rated.round, "rating": rated.rating.value, "rated_at": rated.rated_at}

    router.include_router(staff_router(service, config))
    router.include_router(lists_router(service))
    return router
