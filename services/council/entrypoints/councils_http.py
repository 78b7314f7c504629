"""HTTP for the 1+7+X council (谁来协商): form it, chair, nominate, confirm, departures, roster."""

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from yishi_contracts import CommunityId
from yishi_contracts.base import OneLine, Paragraphs

from services.kit.auth import Actor, Role, authenticated, require
from services.kit.keyed_route import KeyedRoute
from services.kit.ports import Service

from ..domain.council import Council, MemberCategory
from ..domain.refusal import local_date
from ..service_layer import councils
from ..service_layer.ports import CouncilViews

MemberId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64), OneLine]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40), OneLine]
ANY_ROLE = tuple(Role)


class NewCouncil(BaseModel):
    model_config = ConfigDict(extra="forbid")
    community_id: CommunityId = Field(description="社区12位统计用区划代码")


class ChairBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    member_id: MemberId
    name: Name


class Nomination(BaseModel):
    """民主推荐: a person put forward as a fixed member for a term."""

    model_config = ConfigDict(extra="forbid")
    member_id: MemberId
    name: Name
    category: MemberCategory
    term_start: date
    term_end: date


class Departure(BaseModel):
    model_config = ConfigDict(extra="forbid")
    left_on: date | None = Field(default=None, description="离任日期，默认今天")
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), Paragraphs]


def council_view(council: Council, today: date) -> dict[str, Any]:
    ready = council.readiness(today)
    return {
        "council_id": council.council_id,
        "community_id": council.community_id,
        "chair": {"member_id": council.chair.member_id, "name": council.chair.name} if council.chair else None,
        "members": [
            {
                "member_id": m.member_id, "name": m.name, "category": m.category, "term_start": m.term_start,
                "term_end": m.term_end, "confirmed": m.confirmed, "left_on": m.left_on, "serving": m.serves_on(today),
            }
            for m in sorted(council.members.values(), key=lambda m: m.member_id)
        ],
        "readiness": {
            "on": today, "can_act": ready.can_act, "has_chair": ready.has_chair,
            "confirmed_members": ready.confirmed_members, "cppcc_members": ready.cppcc_members,
            "members_missing": ready.members_missing, "missing_zh": ready.missing_zh(), "missing_en": ready.missing_en(),
        },
    }


def councils_router(service: Service[CouncilViews]) -> APIRouter:
    router = APIRouter(tags=["council"], route_class=KeyedRoute)
    Signed = Annotated[Actor, Depends(authenticated)]

    def view(council: Council) -> dict[str, Any]:
        return council_view(council, local_date(service.clock.now()))

    @router.post("/councils", status_code=201, summary="Form the community's council (组建协商议事会); one per community")
    async def form(body: NewCouncil, actor: Signed) -> dict[str, Any]:
        return view(await councils.form(service, actor, body.community_id))

    @router.put("/councils/{council_id}/chair", summary="Appoint the chair (任命主席), party committee")
    async def chair(council_id: UUID, body: ChairBody, actor: Signed) -> dict[str, Any]:
        return view(await councils.appoint_chair(service, actor, council_id, body.member_id, body.name))

    @router.post("/councils/{council_id}/members", status_code=201, summary="Nominate a fixed member (民主推荐)")
    async def nominate(council_id: UUID, body: Nomination, actor: Signed) -> dict[str, Any]:
        term = (body.term_start, body.term_end)
        return view(await councils.nominate(service, actor, council_id, body.member_id, body.name, body.category, term))

    @router.post("/councils/{council_id}/members/{member_id}/confirmation", summary="Confirm a nominee (党委确认)")
    async def confirm(council_id: UUID, member_id: MemberId, actor: Signed) -> dict[str, Any]:
        return view(await councils.confirm(service, actor, council_id, member_id))

    @router.post("/councils/{council_id}/members/{member_id}/departure", summary="A fixed member leaves (离任)")
    async def depart(council_id: UUID, member_id: MemberId, body: Departure, actor: Signed) -> dict[str, Any]:
        return view(await councils.leave(service, actor, council_id, member_id, body.left_on, body.reason))

    @router.get("/councils/{council_id}", summary="The roster and whether the council can act (what is missing)")
    async def show(council_id: UUID, actor: Annotated[Actor, Depends(require(*ANY_ROLE))]) -> dict[str, Any]:
        council = await councils.council(service, council_id)
        actor.ensure_community(council.community_id)
        return view(council)

    @router.get("/communities/{community_id}/council", summary="The council of a community")
    async def of_community(
        community_id: CommunityId, actor: Annotated[Actor, Depends(require(*ANY_ROLE))]
    ) -> dict[str, Any]:
        actor.ensure_community(community_id)
        return view(await councils.council_of_community(service, community_id))

    return router
