"""HTTP for pre-meeting research (议前调研) and the council's view of one topic."""

from dataclasses import asdict
from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from yishi_contracts import Feasibility, Invitee, ResearchCompleted
from yishi_contracts.base import OneLine, Paragraphs

from services.kit.auth import Actor, Role, authenticated, require
from services.kit.keyed_route import KeyedRoute
from services.kit.ports import Service

from ..domain.research import Research
from ..service_layer import research
from ..service_layer.ports import CouncilViews
from ..service_layer.research import ResearchDecision

MemberId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64), OneLine]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), Paragraphs]


class Assignment(BaseModel):
    model_config = ConfigDict(extra="forbid")
    member_ids: list[MemberId] = Field(min_length=1, max_length=20, description="经党委确认的在任固定成员")


class Visit(BaseModel):
    model_config = ConfigDict(extra="forbid")
    visited_on: date
    place: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), OneLine]
    notes: LongText


class Findings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    findings: LongText
    feasibility: Feasibility


class InviteeIn(Invitee):
    """An invitee as a request names it: the contract's, with its description checked as one line."""

    description: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=120), OneLine]


class Plan(BaseModel):
    """议事方案 and the X of 1+7+X to invite for this topic."""

    model_config = ConfigDict(extra="forbid")
    plan: LongText
    invitees: list[InviteeIn] = Field(default_factory=list, max_length=50)


def research_view(r: Research | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {
        "council_id": r.council_id, "researchers": list(r.researchers),
        "site_visits": [v.model_dump(mode="json") for v in r.site_visits],
        "findings": r.findings, "feasibility": r.feasibility, "consultation_plan": r.plan,
        "invitees": [i.model_dump(mode="json") for i in r.invitees], "completed": r.completed,
    }


TOPIC_KEYS = ("topic_id", "community_id", "title", "description", "location", "source", "channel", "submitted_at",
              "status", "resubmission_details", "decision", "screened_by", "screened_at", "council_id",
              "research_completed_at", "research_reopened_at", "reopen_cause")


def research_router(service: Service[CouncilViews]) -> APIRouter:
    router = APIRouter(tags=["council: research 议前调研"], route_class=KeyedRoute)
    Signed = Annotated[Actor, Depends(authenticated)]

    async def step(topic_id: UUID, actor: Actor, decide: ResearchDecision) -> dict[str, Any]:
        done = await research.research_step(service, actor, topic_id, decide)
        return {"topic_id": topic_id, "research": research_view(done.after)}

    @router.post("/topics/{topic_id}/research/researchers", summary="Assign fixed members to research the topic")
    async def assign(topic_id: UUID, body: Assignment, actor: Signed) -> dict[str, Any]:
        return await step(topic_id, actor, lambda r, council, now: r.assign(council, body.member_ids, now=now))

    @router.post("/topics/{topic_id}/research/visits", summary="Record a site visit (实地调研)")
    async def visit(topic_id: UUID, body: Visit, actor: Signed) -> dict[str, Any]:
        return await step(topic_id, actor, lambda r, _, now: r.record_visit(body.visited_on, body.place, body.notes, now=now))

    @router.post("/topics/{topic_id}/research/findings", summary="Record findings and feasibility (可行性分析)")
    async def findings(topic_id: UUID, body: Findings, actor: Signed) -> dict[str, Any]:
        return await step(topic_id, actor, lambda r, _, now: r.record_findings(body.findings, body.feasibility, now=now))

    @router.put("/topics/{topic_id}/research/plan", summary="Draft the consultation plan and its invitees (议事方案, X)")
    async def plan(topic_id: UUID, body: Plan, actor: Signed) -> dict[str, Any]:
        return await step(topic_id, actor, lambda r, _, now: r.draft_plan(body.plan, body.invitees, now=now))

    router.add_api_route(
        "/topics/{topic_id}/research/plan", plan, methods=["POST"], summary="Draft the consultation plan (POST alias)"
    )

    @router.post("/topics/{topic_id}/research/completion", status_code=201, summary="Complete the research")
    async def complete(topic_id: UUID, actor: Signed) -> dict[str, Any]:
        done = await research.research_step(service, actor, topic_id, lambda r, _, now: r.complete(now=now))
        [completed] = [e for e in done.events if isinstance(e, ResearchCompleted)]
        return completed.model_dump(mode="json")

    @router.get("/topics/{topic_id}", summary="The council's view of one topic, with its research so far")
    async def show(topic_id: UUID, actor: Annotated[Actor, Depends(require(*tuple(Role)))]) -> dict[str, Any]:
        record, found = await research.topic_with_research(service, topic_id)
        actor.ensure_community(record.community_id)
        shown = asdict(record)
        return {**{k: shown[k] for k in TOPIC_KEYS}, "research": research_view(found)}

    return router
