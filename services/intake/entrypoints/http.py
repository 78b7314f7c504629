"""Intake's HTTP API: residents submit online, staff enter topics collected elsewhere."""

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from yishi_contracts import Channel, CommunityId, SubmitterKind, TopicSource
from yishi_contracts.base import OneLine, Paragraphs
from yishi_contracts.events import intake as events

from services.kit.auth import Actor, authenticated
from services.kit.idempotency import KEY_MAX_LENGTH, KEY_PATTERN, REPLAYED
from services.kit.ports import Service

from ..domain.receipt import normalise_receipt_code, unreadable_receipt_code
from ..domain.submission import SubmitTopic
from ..service_layer.look_up_receipt import look_up_receipt
from ..service_layer.ports import IntakeViews
from ..service_layer.resubmit_topic import resubmit_topic
from ..service_layer.submit_topic import submit_topic

Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40), OneLine]
Title = Annotated[events.Title, OneLine]
Description = Annotated[events.Description, Paragraphs]
Place = Annotated[events.Place, OneLine]
IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key",
    description="可选。同一请求重发时带同一个键（如 UUID），只生成一个议题；键按社区和提交人区分，"
    "不同内容不可复用同一个键。 Optional: send the same key (a UUID, say) when resending one request and "
    "one topic is taken in; keys are per community and submitter, and a key is never reused for another request.",
    # Documented here, checked by the use case, which says what is wrong in both languages.
    json_schema_extra={"minLength": 1, "maxLength": KEY_MAX_LENGTH, "pattern": KEY_PATTERN},
)]
KEYED = {
    400: {"description": "Idempotency-Key 格式不正确 / the Idempotency-Key is empty, too long or not visible ASCII"
                         " (error: invalid_idempotency_key)"},
}
"""A submission's answers beside 201 and the 422s of invalid input (a key reused for another
request among them: idempotency_key_reused)."""
ReceiptCode = Annotated[str, StringConstraints(max_length=32)]


class Contact(BaseModel):
    """Private: kept inside intake for the council to reach the submitter; never in an event."""

    model_config = ConfigDict(extra="forbid")
    name: Name | None = None
    phone: Phone | None = Field(default=None, description="手机号或座机，如 13800138000 / 0571-88889999")


class ResidentSubmission(BaseModel):
    """A resident submits a topic online (居民线上提交)."""

    model_config = ConfigDict(extra="forbid")
    community_id: CommunityId = Field(description="社区12位统计用区划代码")
    title: Title
    description: Description
    location: Place | None = None
    contact: Contact | None = None


class StaffSubmission(ResidentSubmission):
    """Staff enter a topic collected at the station, on a visit, in the grid or by phone (代录).

    The staff member is the authenticated actor; council members propose (委员提) and the
    party/government assign (党政交) through the same call.
    """

    source: TopicSource
    channel: Channel


class Details(BaseModel):
    """The details the council asked for (补充材料)."""

    model_config = ConfigDict(extra="forbid")
    details: Description


class ReceiptOut(BaseModel):
    topic_id: UUID
    receipt_code: str
    message_zh: str
    message_en: str


class ReceiptStatus(BaseModel):
    receipt_code: str
    topic_id: UUID
    community_id: str
    title: str | None
    status: str
    submitted_at: datetime
    history: list[dict[str, Any]]


def _receipt(code: str) -> str:
    normalised = normalise_receipt_code(code)
    if normalised is None:
        raise unreadable_receipt_code()
    return normalised


def _command(
    body: ResidentSubmission, source: TopicSource, channel: Channel, by: SubmitterKind, staff_id: str | None = None
) -> SubmitTopic:
    return SubmitTopic(
        community_id=body.community_id,
        title=body.title,
        description=body.description,
        location=body.location,
        source=source,
        channel=channel,
        submitted_by=by,
        staff_id=staff_id,
    )


def intake_router(service: Service[IntakeViews]) -> APIRouter:
    router = APIRouter(tags=["intake"])

    async def _submit(
        command: SubmitTopic, contact: Contact | None, key: str | None, actor: Actor | None, response: Response
    ) -> ReceiptOut:
        receipt = await submit_topic(
            service,
            command,
            actor=actor,
            contact_name=contact.name if contact else None,
            contact_phone=contact.phone if contact else None,
            idempotency_key=key,
        )
        if receipt.replayed:
            response.headers[REPLAYED] = "true"
        return ReceiptOut(
            topic_id=UUID(receipt.topic_id),
            receipt_code=receipt.receipt_code,
            message_zh=f"已收到您的议题，回执码 {receipt.receipt_code}，请妥善保存以查询办理进度。",
            message_en=f"Your topic was received. Keep receipt code {receipt.receipt_code} to follow it.",
        )

    @router.post("/topics", status_code=201, response_model=ReceiptOut, responses=KEYED,
                 summary="A resident submits a topic online")
    async def submit_as_resident(
        body: ResidentSubmission, response: Response, idempotency_key: IdempotencyKey = None
    ) -> ReceiptOut:
        command = _command(body, TopicSource.resident, Channel.online, SubmitterKind.resident)
        return await _submit(command, body.contact, idempotency_key, None, response)

    @router.post("/staff/topics", status_code=201, response_model=ReceiptOut, responses=KEYED,
                 summary="Staff enter a topic on someone's behalf")
    async def submit_as_staff(
        body: StaffSubmission,
        actor: Annotated[Actor, Depends(authenticated)],
        response: Response,
        idempotency_key: IdempotencyKey = None,
    ) -> ReceiptOut:
        command = _command(body, body.source, body.channel, SubmitterKind.staff, staff_id=actor.id)
        return await _submit(command, body.contact, idempotency_key, actor, response)

    @router.post(
        "/receipts/{code}/details",
        status_code=202,
        summary="The submitter adds the details the council asked for (补充材料)",
    )
    async def add_details(code: ReceiptCode, body: Details) -> dict[str, str]:
        await resubmit_topic(service, _receipt(code), body.details)
        return {"status": "resubmitted", "message_zh": "已补充材料，议题将重新提交协商议事会确定", "message_en": "details added; the council will screen the topic again"}

    @router.get("/receipts/{code}", response_model=ReceiptStatus, summary="Look a topic up by its receipt code")
    async def lookup(code: ReceiptCode) -> ReceiptStatus:
        view = await look_up_receipt(service, _receipt(code))
        return ReceiptStatus(
            receipt_code=view.receipt_code,
            topic_id=view.topic_id,
            community_id=view.community_id,
            title=view.title,
            status=view.status.value,
            submitted_at=view.submitted_at,
            history=view.history,
        )

    return router
