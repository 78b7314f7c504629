"""HTTP for the 1+7+X council (谁来协商): form it, chair, nominate, confirm, departures, roster."""

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from yishi_contracts import CommunityId

from services.kit.auth import Actor, Role, require
from services.kit.errors import Refusal

from ..adapters import topics
from ..domain.council import Council, MemberCategory
from ..domain.refusal import local_date
from ..service_layer import councils
from .refusals import refusals

MemberId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
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
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


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


def councils_router(runtime: Any) -> APIRouter:
    router = APIRouter(tags=["council"])

    def today() -> date:
        return local_date(runtime.clock.now())

    async def change(council_id: UUID, actor: Actor, decide: Any) -> dict[str, Any]:
        with refusals():
            council = await councils.change(runtime, council_id, actor, decide)
        return council_view(council, today())

    @router.post("/councils", status_code=201, summary="Form the community's council (组建协商议事会); one per community")
    async def form(
        body: NewCouncil, actor: Annotated[Actor, Depends(require(Role.party_committee, Role.staff))]
    ) -> dict[str, Any]:
        actor.ensure_community(body.community_id)
        with refusals():
            council = await councils.form(runtime, body.community_id)
        return council_view(council, today())

    @router.put("/councils/{council_id}/chair", summary="Appoint the chair (任命主席), party committee")
    async def chair(
        council_id: UUID, body: ChairBody, actor: Annotated[Actor, Depends(require(Role.party_committee))]
    ) -> dict[str, Any]:
        return await change(council_id, actor, lambda c, now: c.appoint_chair(body.member_id, body.name, now=now))

    @router.post("/councils/{council_id}/members", status_code=201, summary="Nominate a fixed member (民主推荐)")
    async def nominate(
        council_id: UUID, body: Nomination,
        actor: Annotated[Actor, Depends(require(Role.staff, Role.party_committee))],
    ) -> dict[str, Any]:
        return await change(
            council_id, actor,
            lambda c, now: c.nominate(body.member_id, body.name, body.category, body.term_start, body.term_end, now=now),
        )

    @router.post("/councils/{council_id}/members/{member_id}/confirmation", summary="Confirm a nominee (党委确认)")
    async def confirm(
        council_id: UUID, member_id: str, actor: Annotated[Actor, Depends(require(Role.party_committee))]
    ) -> dict[str, Any]:
        return await change(council_id, actor, lambda c, now: c.confirm(member_id, now=now))

    @router.post("/councils/{council_id}/members/{member_id}/departure", summary="A fixed member leaves (离任)")
    async def depart(
        council_id: UUID, member_id: str, body: Departure,
        actor: Annotated[Actor, Depends(require(Role.staff, Role.party_committee))],
    ) -> dict[str, Any]:
        return await change(
            council_id, actor, lambda c, now: c.leave(member_id, body.left_on or local_date(now), body.reason, now=now)
        )

    @router.get("/councils/{council_id}", summary="The roster and whether the council can act (what is missing)")
    async def show(council_id: UUID, actor: Annotated[Actor, Depends(require(*ANY_ROLE))]) -> dict[str, Any]:
        async with runtime.pool.acquire() as conn:
            council = await councils.load(runtime, conn, council_id)
        actor.ensure_community(council.community_id)
        return council_view(council, today())

    @router.get("/communities/{community_id}/council", summary="The council of a community")
    async def of_community(
        community_id: CommunityId, actor: Annotated[Actor, Depends(require(*ANY_ROLE))]
    ) -> dict[str, Any]:
        actor.ensure_community(community_id)
        async with runtime.pool.acquire() as conn:
            council_id = await topics.council_of(conn, community_id)
            if council_id is None:
                raise Refusal(
                    404, "council_unknown", "本社区尚未组建协商议事会", "this community has no council yet"
                )
            council = await councils.load(runtime, conn, council_id)
        return council_view(council, today())

    return router
