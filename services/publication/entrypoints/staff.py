"""Publication's staff commands: every one needs a token with the right role for the topic's community."""

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from yishi_contracts import Envelope, EscalationGround, EscalationKind, Measure
from yishi_contracts.base import OneLine, Paragraphs

from services.kit.auth import Actor, authenticated
from services.kit.keyed_route import KeyedRoute
from services.kit.ports import Service

from ..service_layer import disclosures, escalation, implementation
from ..service_layer.config import PublicationConfig
from ..service_layer.ports import PublicationViews

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=1000), Paragraphs]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), OneLine]
SignedIn = Annotated[Actor, Depends(authenticated)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AssessmentIn(_Body):
    substantive: bool
    reason: Reason


class ProgressIn(_Body):
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=2000), Paragraphs]
    percent: int = Field(ge=0, le=100)


class MeasureIn(_Body):
    description: Short
    responsible_party: Short
    deadline: date


class ReopeningIn(_Body):
    reason: Reason
    measures: list[MeasureIn] = Field(min_length=1, max_length=20)


class EscalationIn(_Body):
    kind: EscalationKind
    summary: Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=3000), Paragraphs]
    ground: EscalationGround | None = None
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000), Paragraphs] | None = None


def _events(envelopes: list[Envelope[Any]]) -> list[dict[str, Any]]:
    return [{"id": e.id, "type": e.type} for e in envelopes]


def staff_router(service: Service[PublicationViews], config: PublicationConfig) -> APIRouter:
    """Each command says which roles may run it; the command path checks them and the community."""
    router = APIRouter(tags=["publication staff"], route_class=KeyedRoute)

    @router.post("/topics/{topic_id}/objections/{objection_id}/assessment",
                 summary="Assess an objection (异议认定); a substantive one returns the topic to the council")
    async def assess(topic_id: UUID, objection_id: UUID, body: AssessmentIn, actor: SignedIn) -> dict[str, Any]:
        envelopes = await disclosures.assess_objection(service, actor, topic_id, objection_id,
                                                       substantive=body.substantive, reason=body.reason)
        return {"substantive": body.substantive, "events": _events(envelopes)}

    @router.post("/topics/{topic_id}/tasks/{task_id}/progress", status_code=201, summary="Report a task's progress (进展)")
    async def progress(topic_id: UUID, task_id: UUID, body: ProgressIn, actor: SignedIn) -> dict[str, Any]:
        reported = await implementation.report_progress(service, actor, topic_id, task_id, body.text, body.percent)
        return {"task_id": task_id, "percent": reported.percent, "reported_at": reported.reported_at}

    @router.post("/topics/{topic_id}/tasks/{task_id}/completion", summary="A task is done; the last one completes the round")
    async def completion(topic_id: UUID, task_id: UUID, actor: SignedIn) -> dict[str, Any]:
        return {"events": _events(await implementation.complete_task(service, actor, topic_id, task_id))}

    @router.post("/topics/{topic_id}/closing", summary="Close the topic (办结) when the residents' ratings allow it")
    async def closing(topic_id: UUID, actor: SignedIn) -> dict[str, Any]:
        return {"events": _events(await implementation.close(service, config, actor, topic_id))}

    @router.post("/topics/{topic_id}/reopening", summary="Reopen (重新办理) with new measures when residents are not satisfied")
    async def reopening(topic_id: UUID, body: ReopeningIn, actor: SignedIn) -> dict[str, Any]:
        measures = [Measure(**m.model_dump()) for m in body.measures]
        return {"events": _events(await implementation.reopen(service, config, actor, topic_id, body.reason, measures))}

    @router.post("/topics/{topic_id}/escalation", summary="Escalate to the county CPPCC (成果转化)")
    async def escalate(topic_id: UUID, body: EscalationIn, actor: SignedIn) -> dict[str, Any]:
        envelopes = await escalation.escalate(service, actor, topic_id, kind=body.kind, summary=body.summary,
                                              ground=body.ground, note=body.note)
        return {"events": _events(envelopes)}

    return router
