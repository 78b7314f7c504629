"""Meeting's printable documents over HTTP: the minutes and each adopted resolution as PDF."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Response

from services.kit.auth import Actor, require
from services.kit.ports import Service

from ..service_layer import documents as docs
from ..service_layer.ports import MeetingViews

PDF = {200: {"content": {"application/pdf": {}}, "description": "an A4 PDF with its Chinese fonts embedded"}}

MinutesReader = Annotated[Actor, Depends(require(*docs.MINUTES_READERS))]


def _pdf(printed: docs.Printed) -> Response:
    return Response(printed.content, media_type="application/pdf",
                    headers={"Content-Disposition": printed.disposition, "Cache-Control": "no-store"})


def documents_router(service: Service[MeetingViews]) -> APIRouter:
    router = APIRouter(tags=["meeting documents"])

    @router.get("/meetings/{meeting_id}/minutes.pdf", response_class=Response, responses=PDF,
                summary="会议纪要 as PDF: staff and council of the community, once the meeting opened")
    async def minutes(meeting_id: UUID, actor: MinutesReader) -> Response:
        return _pdf(await docs.minutes_pdf(service, actor, meeting_id))

    @router.get("/meetings/{meeting_id}/topics/{topic_id}/resolution.pdf", response_class=Response, responses=PDF,
                summary="协商议事决议 as PDF: public once adopted, no token")
    async def resolution(meeting_id: UUID, topic_id: UUID) -> Response:
        return _pdf(await docs.resolution_pdf(service, meeting_id, topic_id))

    return router
