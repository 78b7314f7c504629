"""HTTP for screening (确定议题): one topic, several at once, templates, the awaiting queue."""

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError
from yishi_contracts import CommunityId, ExclusionReason, Referral
from yishi_contracts.base import OneLine, Paragraphs
from yishi_contracts.events.council import Accepted, Explanation, Merged, Rejected, Returned

from services.kit.auth import Actor, Role, authenticated, require
from services.kit.errors import status_of
from services.kit.keyed_route import KeyedRoute
from services.kit.ports import Service

from ..domain.screening import Decision, ScreeningTemplate
from ..service_layer import screening
from ..service_layer.ports import CouncilViews
from ..service_layer.screening import SECRETARIES, ScreeningRequest

TemplateName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60), OneLine]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500), Paragraphs]


# The contract's decisions, with the text a person writes in them checked as it comes in.
class RejectedIn(Rejected):
    explanation: Annotated[Explanation, Paragraphs]
    referral_note: Note | None = None


class MergedIn(Merged):
    note: Note | None = None


class ReturnedIn(Returned):
    details_requested: Annotated[Explanation, Paragraphs]


_DECISION: TypeAdapter[Decision] = TypeAdapter(
    Annotated[Accepted | RejectedIn | MergedIn | ReturnedIn, Field(discriminator="outcome")]
)


class Screening(BaseModel):
    """The decision (outcome + its fields, as in TopicScreened.decision), or a template's name."""

    model_config = ConfigDict(extra="allow")
    outcome: Literal["accepted", "rejected", "merged", "returned"] | None = None
    template: TemplateName | None = None


class BatchItem(Screening):
    topic_id: UUID


class Batch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    screenings: list[BatchItem] = Field(min_length=1, max_length=100)


class TemplateBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: TemplateName
    kind: Literal["rejection", "return"]
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=2000), Paragraphs]
    reason: ExclusionReason | None = None
    referral: Referral | None = None


def _request(topic_id: UUID, body: Screening, where: tuple[Any, ...] = ("body",)) -> ScreeningRequest:
    if body.template is not None:
        return ScreeningRequest(topic_id, template=body.template)
    fields = body.model_dump(exclude={"template", "topic_id"}, exclude_none=True)
    try:
        return ScreeningRequest(topic_id, decision=_DECISION.validate_python(fields))
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": (*where, *e["loc"])} for e in exc.errors()]) from exc


def _template_view(t: ScreeningTemplate) -> dict[str, Any]:
    return {"name": t.name, "kind": t.kind, "text": t.text, "reason": t.reason, "referral": t.referral}


def screening_router(service: Service[CouncilViews]) -> APIRouter:
    router = APIRouter(tags=["council: screening 确定议题"], route_class=KeyedRoute)
    Signed = Annotated[Actor, Depends(authenticated)]

    @router.post("/topics/{topic_id}/screening", status_code=201, summary="Screen one topic (确定议题)")
    async def screen(topic_id: UUID, body: Screening, actor: Signed) -> dict[str, Any]:
        event = await screening.screen_topic(service, actor, _request(topic_id, body))
        return event.model_dump(mode="json")

    @router.post("/communities/{community_id}/screenings", summary="Screen several topics at once (批量确定)")
    async def screen_batch(community_id: CommunityId, body: Batch, actor: Signed) -> dict[str, Any]:
        requests = [_request(s.topic_id, s, ("body", "screenings", i)) for i, s in enumerate(body.screenings)]
        results = await screening.screen_topics(service, actor, community_id, requests)
        out = []
        for r in results:
            if r.event is not None:
                out.append({"topic_id": r.topic_id, "screened": True, "decision": r.event.decision.model_dump(mode="json")})
            elif r.refusal is not None:
                out.append({"topic_id": r.topic_id, "screened": False, "status": status_of(r.refusal), **r.refusal.body()})
        screened = sum(1 for r in out if r["screened"])
        return {"community_id": community_id, "screened": screened, "refused": len(out) - screened, "results": out}

    @router.post("/communities/{community_id}/screening-templates", status_code=201, summary="Save an answer template")
    async def save_template(community_id: CommunityId, body: TemplateBody, actor: Signed) -> dict[str, Any]:
        template = ScreeningTemplate(body.name, body.kind, body.text, body.reason, body.referral)
        return _template_view(await screening.save_template(service, actor, community_id, template))

    @router.get("/communities/{community_id}/screening-templates", summary="The community's answer templates")
    async def list_templates(
        community_id: CommunityId, actor: Annotated[Actor, Depends(require(*SECRETARIES))]
    ) -> dict[str, Any]:
        actor.ensure_community(community_id)
        found = await screening.templates(service, community_id)
        return {"community_id": community_id, "templates": [_template_view(t) for t in found]}

    return router


class Duplicate(BaseModel):
    topic_id: UUID
    title: str
    score: float


class AwaitingTopic(BaseModel):
    topic_id: UUID
    title: str
    description: str
    location: str | None
    source: str
    channel: str
    submitted_at: datetime
    status: str
    resubmission_details: str | None = None
    possible_duplicates: list[Duplicate] = []


class ScreeningQueue(BaseModel):
    community_id: str
    total: int
    topics: list[AwaitingTopic]


QUEUE_READERS = (Role.council_chair, Role.council_member, Role.staff, Role.party_committee)


def queue_router(service: Service[CouncilViews]) -> APIRouter:
    router = APIRouter(tags=["council: screening 确定议题"])

    @router.get(
        "/communities/{community_id}/awaiting-screening",
        response_model=ScreeningQueue,
        summary="Topics of a community awaiting screening (待确定议题), oldest first, with possible duplicates",
    )
    async def awaiting(
        community_id: CommunityId,
        actor: Annotated[Actor, Depends(require(*QUEUE_READERS))],
        limit: int = Query(default=100, ge=1, le=500),
        offset: int = Query(default=0, ge=0),
    ) -> ScreeningQueue:
        # Residents' own words may name people and places: the queue is for the council and staff.
        actor.ensure_community(community_id)
        total, page = await screening.awaiting(service, community_id, limit, offset)
        listed = [
            AwaitingTopic(
                **{k: getattr(record, k) for k in AwaitingTopic.model_fields if k != "possible_duplicates"},
                possible_duplicates=[Duplicate(topic_id=d.topic_id, title=d.title, score=d.score) for d in dupes],
            )
            for record, dupes in page
        ]
        return ScreeningQueue(community_id=community_id, total=total, topics=listed)

    return router
