"""HTTP for the staff lists of topics: a community's, and a street's or district's."""

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field, field_validator
from yishi_contracts import STATUSES, Category, Channel, CommunityId, Status, TopicSource, label_zh

from services.kit.auth import Actor, require
from services.kit.ports import Service

from ..service_layer import registry_reading
from ..service_layer.ports import CouncilViews
from ..service_layer.registry_reading import DivisionView
from ..service_layer.topic_lists import list_topics
from ..service_layer.topic_query import LIST_READERS, MAX_LIMIT, TopicListRow, TopicSort, topic_query

DivisionPrefix = Annotated[str, Path(pattern=r"^\d{6}(\d{3})?$", description="a district's 6 or a street's 9 digits")]


def split_codes(value: Any) -> list[str]:
    """A list given as repeated parameters (``status=a&status=b``), comma-separated, or both."""
    items = value if isinstance(value, list) else [value]
    return [part.strip() for item in items if item is not None for part in str(item).split(",") if part.strip()]


class TopicListParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: list[Status] = []
    title: str | None = Field(default=None, max_length=100, description="part of the title, any case or width")
    source: list[TopicSource] = []
    channel: list[Channel] = []
    category: list[Category] = []
    submitted_from: date | None = Field(default=None, description="first day, China time")
    submitted_to: date | None = Field(default=None, description="last day, China time (inclusive)")
    sort: TopicSort = TopicSort.newest
    limit: int = Field(default=20, ge=1, le=MAX_LIMIT)
    offset: int = Field(default=0, ge=0)

    _lists = field_validator("status", "source", "channel", "category", mode="before")(split_codes)


class ListedTopic(BaseModel):
    topic_id: UUID
    community_id: str
    community_name: str | None = None
    community_path: str | None = Field(default=None, description="清波门社区 · 清波街道 · 上城区 (registry)")
    title: str
    status: Status
    status_zh: str
    source: str
    source_zh: str
    channel: str
    channel_zh: str
    category: str | None
    category_zh: str | None
    submitted_at: datetime
    last_step_at: datetime


class TopicList(BaseModel):
    within: str
    total: int
    limit: int
    offset: int
    next_offset: int | None
    topics: list[ListedTopic]


def _zh(kind: type[StrEnum], code: str | None) -> str | None:
    return None if code is None else label_zh(kind(code))


def listed(row: TopicListRow, community: DivisionView | None = None) -> ListedTopic:
    return ListedTopic(
        topic_id=row.topic_id, community_id=row.community_id, title=row.title, status=row.status,
        community_name=community.division.name if community else None, community_path=community.path if community else None,
        status_zh=STATUSES[row.status].label_zh, source=row.source, source_zh=label_zh(TopicSource(row.source)),
        channel=row.channel, channel_zh=label_zh(Channel(row.channel)), category=row.category,
        category_zh=_zh(Category, row.category), submitted_at=row.submitted_at, last_step_at=row.last_step_at,
    )


def lists_router(service: Service[CouncilViews]) -> APIRouter:
    router = APIRouter(tags=["council: lists 议题清单"])
    Reader = Annotated[Actor, Depends(require(*LIST_READERS))]

    async def page(within: str, p: TopicListParams, actor: Actor) -> TopicList:
        query = topic_query(
            within, statuses=frozenset(p.status), title=p.title, sources=frozenset(p.source),
            channels=frozenset(p.channel), categories=frozenset(p.category), submitted_from=p.submitted_from,
            submitted_to=p.submitted_to, sort=p.sort, limit=p.limit, offset=p.offset,
        )
        found = await list_topics(service, actor, query)
        communities = await registry_reading.names(service, [r.community_id for r in found.rows])
        following = p.offset + len(found.rows)
        return TopicList(within=within, total=found.total, limit=p.limit, offset=p.offset,
                         next_offset=following if following < found.total else None,
                         topics=[listed(r, communities.get(r.community_id)) for r in found.rows])

    @router.get("/communities/{community_id}/topics", response_model=TopicList,
                summary="A community's topics (议题清单): by status, source, channel, category, dates; title search")
    async def community_topics(
        community_id: CommunityId, params: Annotated[TopicListParams, Query()], actor: Reader
    ) -> TopicList:
        return await page(community_id, params, actor)

    @router.get("/divisions/{prefix}/topics", response_model=TopicList,
                summary="The topics of every community under a street (9 digits) or district (6 digits)")
    async def division_topics(
        prefix: DivisionPrefix, params: Annotated[TopicListParams, Query()], actor: Reader
    ) -> TopicList:
        return await page(prefix, params, actor)

    return router
