"""HTTP for the lists of meetings (会议清单) of a community, a street, a district: paged, newest
first, each with its community's names (registry replica) and its agenda's titles and outcomes."""

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from yishi_contracts import CommunityId

from services.kit.auth import Actor, Role, require
from services.kit.ports import Service
from services.kit.registry import CommunityNames

from ..domain import MeetingStatus
from ..service_layer.meeting_lists import list_meetings
from ..service_layer.meeting_query import MAX_LIMIT, AgendaOutcome, ListedMeeting, MeetingPage, meeting_query
from ..service_layer.ports import MeetingViews

MEETING_STATUS_ZH = {
    MeetingStatus.unscheduled: "未安排", MeetingStatus.scheduled: "已召集",
    MeetingStatus.open: "会议进行中", MeetingStatus.closed: "已闭会",
}
OUTCOME_ZH = {
    AgendaOutcome.adopted: "形成决议", AgendaOutcome.deferred: "暂缓，退回调研",
    AgendaOutcome.dropped: "不再协商", AgendaOutcome.pending: "待议",
}


DivisionPrefix = Annotated[str, Path(pattern=r"^\d{6}(\d{3})?$", description="a district's 6 or a street's 9 digits")]


class MeetingListParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    held_from: date | None = Field(default=None, description="first day of the meetings' date, China time")
    held_to: date | None = Field(default=None, description="last day, China time (inclusive)")
    limit: int = Field(default=20, ge=1, le=MAX_LIMIT)
    offset: int = Field(default=0, ge=0)


class AgendaTopic(BaseModel):
    topic_id: UUID
    title: str | None
    outcome: AgendaOutcome
    outcome_zh: str


class MeetingRow(BaseModel):
    meeting_id: UUID
    community_id: str
    community_path: str | None = Field(default=None, description="清波门社区 · 清波街道 · 上城区 (registry)")
    council_id: UUID
    scheduled_for: datetime
    place: str
    status: MeetingStatus
    status_zh: str
    agenda: list[AgendaTopic]


class MeetingList(BaseModel):
    community_id: str
    total: int
    limit: int
    offset: int
    next_offset: int | None
    meetings: list[MeetingRow]


class DivisionMeetingList(BaseModel):
    within: str
    total: int
    limit: int
    offset: int
    next_offset: int | None
    meetings: list[MeetingRow]


def row(m: ListedMeeting, names: dict[str, CommunityNames]) -> MeetingRow:
    known = names.get(m.community_id)
    return MeetingRow(
        meeting_id=m.meeting_id, community_id=m.community_id,
        community_path=known.path if known and known.path else None, council_id=m.council_id, scheduled_for=m.scheduled_for, place=m.place,
        status=m.status, status_zh=MEETING_STATUS_ZH[m.status],
        agenda=[AgendaTopic(topic_id=a.topic_id, title=a.title, outcome=a.outcome, outcome_zh=OUTCOME_ZH[a.outcome])
                for a in m.agenda],
    )


def lists_router(service: Service[MeetingViews]) -> APIRouter:
    router = APIRouter(tags=["meeting: lists 会议清单"])
    Reader = Annotated[Actor, Depends(require(*Role))]

    async def page(within: str, params: MeetingListParams, actor: Actor) -> tuple[MeetingPage, list[MeetingRow]]:
        query = meeting_query(within, held_from=params.held_from, held_to=params.held_to,
                              limit=params.limit, offset=params.offset)
        found = await list_meetings(service, actor, query)
        async with service.reading() as views:
            names = await views.names_of([m.community_id for m in found.meetings])
        return found, [row(m, names) for m in found.meetings]

    def next_offset(params: MeetingListParams, found: MeetingPage) -> int | None:
        following = params.offset + len(found.meetings)
        return following if following < found.total else None

    @router.get("/communities/{community_id}/meetings", response_model=MeetingList,
                summary="The community's meetings, newest first: date, place, status, agenda titles and outcomes")
    async def community_meetings(
        community_id: CommunityId, params: Annotated[MeetingListParams, Query()],
        actor: Reader,
    ) -> MeetingList:
        found, rows = await page(community_id, params, actor)
        return MeetingList(community_id=community_id, total=found.total, limit=params.limit, offset=params.offset,
                           next_offset=next_offset(params, found), meetings=rows)

    @router.get("/divisions/{prefix}/meetings", response_model=DivisionMeetingList,
                summary="The meetings of every community under a street (9 digits) or district (6), newest first")
    async def division_meetings(
        prefix: DivisionPrefix, params: Annotated[MeetingListParams, Query()], actor: Reader,
    ) -> DivisionMeetingList:
        found, rows = await page(prefix, params, actor)
        return DivisionMeetingList(within=prefix, total=found.total, limit=params.limit, offset=params.offset,
                                   next_offset=next_offset(params, found), meetings=rows)

    return router
