"""HTTP for the lists of implementation tasks (落实任务清单): a community's, a street's, a district's."""

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from yishi_contracts import CommunityId

from services.kit.auth import Actor, Role, require
from services.kit.ports import Service
from services.kit.registry import CommunityNames

from ..service_layer.ports import PublicationViews
from ..service_layer.task_history import topic_tasks
from ..service_layer.task_lists import list_tasks
from ..service_layer.task_query import MAX_LIMIT, ListedTask, task_query

DivisionPrefix = Annotated[str, Path(pattern=r"^\d{6}(\d{3})?$", description="a district's 6 or a street's 9 digits")]


class TaskListParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    overdue: bool | None = Field(default=None, description="true: only overdue tasks; false: only the others")
    limit: int = Field(default=20, ge=1, le=MAX_LIMIT)
    offset: int = Field(default=0, ge=0)


class TaskRow(BaseModel):
    task_id: UUID
    topic_id: UUID
    community_id: str
    community_path: str | None = Field(default=None, description="清波门社区 · 清波街道 · 上城区 (registry)")
    title: str | None
    round: int
    description: str
    responsible_party: str
    deadline: date
    percent: int
    completed_at: datetime | None
    overdue: bool
    days_overdue: int


class TaskList(BaseModel):
    within: str
    total: int
    limit: int
    offset: int
    next_offset: int | None
    tasks: list[TaskRow]


class ProgressEntryOut(BaseModel):
    at: datetime
    by: str | None = Field(description="the reporting actor's id (the token names no one else); none for old reports")
    roles: list[str]
    percent: int
    note: str | None = Field(description="the report's words (staff only: they may name people); none for the completion")
    completed: bool


class TaskHistoryOut(BaseModel):
    task_id: UUID
    round: int
    description: str
    responsible_party: str
    deadline: date
    percent: int
    completed_at: datetime | None
    overdue: bool
    entries: list[ProgressEntryOut]


class TopicTasksOut(BaseModel):
    topic_id: UUID
    community_id: str
    round: int
    status: str
    tasks: list[TaskHistoryOut]


def _row(t: ListedTask, names: dict[str, CommunityNames]) -> TaskRow:
    known = names.get(t.community_id)
    return TaskRow(community_path=known.path if known and known.path else None,
                   **{name: getattr(t, name) for name in TaskRow.model_fields if name != "community_path"})


def lists_router(service: Service[PublicationViews]) -> APIRouter:
    router = APIRouter(tags=["publication: lists 落实任务清单"])
    Reader = Annotated[Actor, Depends(require(*Role))]

    async def page(within: str, p: TaskListParams, actor: Actor) -> TaskList:
        found = await list_tasks(service, actor, task_query(within, overdue=p.overdue, limit=p.limit, offset=p.offset))
        async with service.reading() as views:
            names = await views.community_names([t.community_id for t in found.tasks])
        following = p.offset + len(found.tasks)
        return TaskList(within=within, total=found.total, limit=p.limit, offset=p.offset,
                        next_offset=following if following < found.total else None,
                        tasks=[_row(t, names) for t in found.tasks])

    @router.get("/communities/{community_id}/tasks", response_model=TaskList,
                summary="A community's implementation tasks, the most overdue first (?overdue=true: only those)")
    async def community_tasks(community_id: CommunityId, params: Annotated[TaskListParams, Query()],
                              actor: Reader) -> TaskList:
        return await page(community_id, params, actor)

    @router.get("/divisions/{prefix}/tasks", response_model=TaskList,
                summary="The implementation tasks of every community under a street (9 digits) or district (6)")
    async def division_tasks(prefix: DivisionPrefix, params: Annotated[TaskListParams, Query()],
                             actor: Reader) -> TaskList:
        return await page(prefix, params, actor)

    @router.get("/topics/{topic_id}/tasks", response_model=TopicTasksOut,
                summary="A topic's tasks of every round with their progress entries (staff and offices over it)")
    async def tasks_of_topic(topic_id: UUID, actor: Reader) -> TopicTasksOut:
        found = await topic_tasks(service, actor, topic_id)
        return TopicTasksOut.model_validate(found, from_attributes=True)

    return router
