"""Calling a submitter back: a community's chair or staff read a topic's contact, every read
recorded; the district or city office lists the reads."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from services.kit.auth import Actor, authenticated
from services.kit.ports import Service

from ..domain.contact import PAGE_SIZE
from ..service_layer.call_back import list_contact_reads, read_contact
from ..service_layer.ports import IntakeViews

REFUSALS = {
    401: {"description": "未登录 / no staff token (login_required)"},
    403: {"description": "其他角色或其他社区 / another role or community (role_not_allowed, outside_your_community)"},
}


class ContactOut(BaseModel):
    topic_id: UUID
    name: str | None
    phone: str | None
    message_zh: str = "本次查看已记录（查看人、时间、议题），仅用于回访提交人。"
    message_en: str = "This read is recorded (who, when, which topic); use it only to call the submitter back."


class ContactReadOut(BaseModel):
    topic_id: UUID
    community_id: str
    reader_id: str
    reader_roles: list[str]
    read_at: datetime


class ContactReadsPage(BaseModel):
    division: str
    page: int
    page_size: int
    reads: list[ContactReadOut]


def call_back_router(service: Service[IntakeViews]) -> APIRouter:
    router = APIRouter(tags=["call-back"])

    @router.get("/staff/topics/{topic_id}/contact", response_model=ContactOut, responses={
        **REFUSALS, 404: {"description": "没有该议题或未留联系方式 / no such topic, or no contact left (topic_not_found, no_contact)"},
    }, summary="The council chair or staff read a submitter's contact to call back (each read recorded)")
    async def contact(topic_id: UUID, actor: Annotated[Actor, Depends(authenticated)]) -> ContactOut:
        found = await read_contact(service, actor, topic_id)
        return ContactOut(topic_id=found.topic_id, name=found.name, phone=found.phone)

    @router.get("/contact-reads", response_model=ContactReadsPage, responses={
        **REFUSALS, 422: {"description": "区划代码或页码不正确 / a bad division or page (invalid_division, invalid_page)"},
    }, summary="A district or city office lists the reads of submitters' contacts in its division")
    async def contact_reads(
        actor: Annotated[Actor, Depends(authenticated)],
        division: Annotated[str | None, Query(max_length=12, description="区划代码前缀；默认为本人辖区")] = None,
        page: Annotated[int, Query(le=100_000)] = 1,
    ) -> ContactReadsPage:
        within, reads = await list_contact_reads(service, actor, division, page)
        return ContactReadsPage(division=within, page=page, page_size=PAGE_SIZE, reads=[
            ContactReadOut(topic_id=r.topic_id, community_id=r.community_id, reader_id=r.reader_id,
                           reader_roles=list(r.reader_roles), read_at=r.read_at) for r in reads
        ])

    return router
