"""HTTP for pre-meeting research (议前调研) and the council's view of one topic."""

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from yishi_contracts import Feasibility, Invitee, ResearchCompleted

from services.kit.auth import Actor, Role, require
from services.kit.errors import Refusal

from ..adapters import topics
from ..domain.research import Research
from ..service_layer import research
from .refusals import refusals

RESEARCHERS = (Role.council_chair, Role.council_member)
MemberId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class Assignment(BaseModel):
    model_config = ConfigDict(extra="forbid")
    member_ids: list[MemberId] = Field(min_length=1, max_length=20, description="经党委确认的在任固定成员")


class Visit(BaseModel):
    model_config = ConfigDict(extra="forbid")
    visited_on: date
    place: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    notes: LongText


class Findings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    findings: LongText
    feasibility: Feasibility


class Plan(BaseModel):
    """议事方案 and the X of 1+7+X to invite for this topic."""

    model_config = ConfigDict(extra="forbid")
    plan: LongText
    invitees: list[Invitee] = Field(default_factory=list, max_length=50)


def research_view(r: Research | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {
        "council_id": r.council_id, "researchers": list(r.researchers),
        "site_visits": [v.model_dump(mode="json") for v in r.site_visits],
        "findings": r.findings, "feasibility": r.feasibility, "consultation_plan": r.plan,
        "invitees": [i.model_dump(mode="json") for i in r.invitees], "completed": r.completed,
    }


def research_router(runtime: Any) -> APIRouter:
    router = APIRouter(tags=["council: research 议前调研"])
    Researcher = Annotated[Actor, Depends(require(*RESEARCHERS))]

    async def step(topic_id: UUID, actor: Actor, decide: Any) -> dict[str, Any]:
        with refusals():
            done = await research.research_step(runtime, topic_id, actor, decide)
        return {"topic_id": topic_id, "research": research_view(done)}

    @router.post("/topics/{topic_id}/research/researchers", summary="Assign fixed members to research the topic")
    async def assign(topic_id: UUID, body: Assignment, actor: Researcher) -> dict[str, Any]:
        return await step(topic_id, actor, lambda r, council, now: r.assign(council, body.member_ids, now=now))

    @router.post("/topics/{topic_id}/research/visits", summary="Record a site visit (实地调研)")
    async def visit(topic_id: UUID, body: Visit, actor: Researcher) -> dict[str, Any]:
        return await step(topic_id, actor, lambda r, _, now: r.record_visit(body.visited_on, body.place, body.notes, now=now))

    @router.post("/topics/{topic_id}/research/findings", summary="Record findings and feasibility (可行性分析)")
    async def findings(topic_id: UUID, body: Findings, actor: Researcher) -> dict[str, Any]:
        return await step(topic_id, actor, lambda r, _, now: r.record_findings(body.findings, body.feasibility, now=now))

    @router.put("/topics/{topic_id}/research/plan", summary="Draft the consultation plan and its invitees (议事方案, X)")
    async def plan(topic_id: UUID, body: Plan, actor: Researcher) -> dict[str, Any]:
        return await step(topic_id, actor, lambda r, _, now: r.draft_plan(body.plan, body.invitees, now=now))

    router.add_api_route(
        "/topics/{topic_id}/research/plan", plan, methods=["POST"], summary="Draft the consultation plan (POST alias)"
    )

    @router.post("/topics/{topic_id}/research/completion", status_code=201, summary="Complete the research")
    async def complete(topic_id: UUID, actor: Researcher) -> dict[str, Any]:
        completed: list[ResearchCompleted] = []

        def decide(r: Research, _: Any, now: Any) -> ResearchCompleted:
            completed.append(r.complete(now=now))
            return completed[0]

        await step(topic_id, actor, decide)
        return completed[0].model_dump(mode="json")

    @router.get("/topics/{topic_id}", summary="The council's view of one topic, with its research so far")
    async def show(topic_id: UUID, actor: Annotated[Actor, Depends(require(*tuple(Role)))]) -> dict[str, Any]:
        async with runtime.pool.acquire() as conn:
            row = await topics.topic_row(conn, topic_id)
            if row is None:
                raise Refusal(404, "topic_unknown", "找不到该议题", "no such topic")
            actor.ensure_community(row["community_id"])
            found, _ = await research.load(runtime, conn, topic_id)
        keys = ("topic_id", "community_id", "title", "description", "location", "source", "channel", "submitted_at",
                "status", "resubmission_details", "decision", "screened_by", "screened_at", "council_id",
                "research_completed_at", "research_reopened_at", "reopen_cause")
        return {**{k: row[k] for k in keys}, "research": research_view(found)}

    return router
