"""Meeting's HTTP API (组织协商): rules, scheduling, invitations, attendance, minutes, decisions.

Every command needs a staff token; the command path checks the actor's role and that their
community is the meeting's. The chair convenes and presides; staff record attendance and
minutes; members vote as themselves (or staff/the chair record a show of hands). The
printable minutes and resolutions are ``documents``' routes.
"""

from fractions import Fraction
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends
from yishi_contracts import CommunityId

from services.kit.auth import Actor, Role, authenticated, require
from services.kit.keyed_route import KeyedRoute
from services.kit.ports import Service

from ..domain import Movement
from ..domain.rules import fraction_text
from ..service_layer import community as cu
from ..service_layer import meetings as uc
from ..service_layer.ports import MeetingViews
from ..service_layer.reading import meeting_detail, shown
from .documents import documents_router
from .lists_http import lists_router
from .models import (
    AgendaCandidate, AttendanceBody, DissentBody, InvitationsBody, MinutesBody, ReasonBody, ResolutionBody,
    ScheduleBody, VoteBody,
)

SignedIn = Annotated[Actor, Depends(authenticated)]
"""Who acts; whether their role may is the command path's check."""
Reader = Annotated[Actor, Depends(require(*Role))]
AGENDA_READERS = (Role.council_chair, Role.council_member, Role.staff, Role.party_committee)
"""Who may see the consultation plans and invitees: as for the council's screening queue."""


def meeting_router(service: Service[MeetingViews]) -> APIRouter:
    router = APIRouter(tags=["meeting"], route_class=KeyedRoute)

    async def show(done: uc.Done) -> dict[str, Any]:
        return await shown(service, done.after, done.history)

    @router.get("/communities/{community_id}/ready-for-agenda", response_model=list[AgendaCandidate],
                summary="Researched topics that a meeting may take up (已完成议前调研)")
    async def ready(
        community_id: CommunityId, actor: Annotated[Actor, Depends(require(*AGENDA_READERS))]
    ) -> list[AgendaCandidate]:
        actor.ensure_community(community_id)
        return [AgendaCandidate.of(c) for c in await cu.ready_for_agenda(service, community_id)]

    @router.get("/communities/{community_id}/roster", summary="The council's fixed members and chair (1+7)")
    async def roster(community_id: CommunityId, actor: Reader) -> dict[str, Any]:
        council = await cu.roster(service, actor, community_id)
        return {"council_id": council.council_id, "chair_id": council.chair_id, "chair_name": council.chair_name,
                "fixed_members": council.published_members, "changed_at": council.changed_at}

    @router.get("/communities/{community_id}/meeting-rules",
                summary="议事规则 a meeting convened now keeps: quorum and adoption as n/d, and where each is set "
                        "(council's PUT /divisions/{code}/settings)")
    async def get_rules(community_id: CommunityId, actor: Reader) -> dict[str, Any]:
        settings = await cu.rules(service, actor, community_id)
        return {
            "quorum": fraction_text(Fraction(settings.quorum.value)),
            "adoption": fraction_text(Fraction(settings.adoption.value)),
            "abstentions_count_as_present": True,
            "sources": {name: {"level": inherited.source, "code": inherited.code}
                        for name, inherited in (("quorum", settings.quorum), ("adoption", settings.adoption))},
        }

    @router.post("/meetings", status_code=201, summary="召集会议 (chair): researched topics only")
    async def schedule(body: ScheduleBody, actor: SignedIn) -> dict[str, Any]:
        return await show(await uc.schedule(service, actor, community_id=body.community_id,
                                            scheduled_for=body.scheduled_for, agenda=body.agenda, place=body.place))

    @router.get("/meetings/{meeting_id}", summary="Agenda, attendance and quorum, minutes, votes, outcomes")
    async def get_meeting(meeting_id: UUID, actor: Reader) -> dict[str, Any]:
        return await meeting_detail(service, actor, meeting_id)

    @router.post("/meetings/{meeting_id}/invitations", summary="邀请: fixed members and invitees (X)")
    async def invite(meeting_id: UUID, body: InvitationsBody, actor: SignedIn) -> dict[str, Any]:
        invitees = [i.invitation() for i in body.invitees]
        return await show(await uc.invite(service, actor, meeting_id, body.fixed_members, invitees))

    @router.post("/meetings/{meeting_id}/attendance", summary="签到/离场 (staff or chair)")
    async def attendance(meeting_id: UUID, body: AttendanceBody, actor: SignedIn) -> dict[str, Any]:
        arrived = body.movement is Movement.arrived
        return await show(await uc.record_attendance(service, actor, meeting_id, body.person_id, arrived))

    @router.post("/meetings/{meeting_id}/opening", summary="宣布开会 (chair; needs a quorum)")
    async def open_meeting(meeting_id: UUID, actor: SignedIn) -> dict[str, Any]:
        return await show(await uc.open_meeting(service, actor, meeting_id))

    @router.post("/meetings/{meeting_id}/minutes", summary="会议记录: statement, question, answer, debate")
    async def minutes(meeting_id: UUID, body: MinutesBody, actor: SignedIn) -> dict[str, Any]:
        return await show(await uc.record_minutes(service, actor, meeting_id, body.topic_id, body.speaker_id,
                                                  body.kind, body.text))

    @router.post("/meetings/{meeting_id}/topics/{topic_id}/dissent", summary="少数意见")
    async def dissent(meeting_id: UUID, topic_id: UUID, body: DissentBody, actor: SignedIn) -> dict[str, Any]:
        return await show(await uc.record_dissent(service, actor, meeting_id, topic_id, body.member_id, body.opinion))

    @router.post("/meetings/{meeting_id}/topics/{topic_id}/consensus", summary="协商一致形成决议 (chair)")
    async def consensus(meeting_id: UUID, topic_id: UUID, body: ResolutionBody, actor: SignedIn) -> dict[str, Any]:
        return await show(await uc.adopt_by_consensus(service, actor, meeting_id, topic_id, body.text, body.measures))

    @router.post("/meetings/{meeting_id}/topics/{topic_id}/vote", summary="付诸表决 (chair)")
    async def open_vote(meeting_id: UUID, topic_id: UUID, body: ResolutionBody, actor: SignedIn) -> dict[str, Any]:
        return await show(await uc.open_vote(service, actor, meeting_id, topic_id, body.text, body.measures))

    @router.post("/meetings/{meeting_id}/topics/{topic_id}/votes", summary="投票: a member, or a recorded show of hands")
    async def cast(meeting_id: UUID, topic_id: UUID, body: VoteBody, actor: SignedIn) -> dict[str, Any]:
        return await show(await uc.cast_vote(service, actor, meeting_id, topic_id, body.member_id, body.choice))

    @router.post("/meetings/{meeting_id}/topics/{topic_id}/vote/closing", summary="计票并宣布结果 (chair)")
    async def close_vote(meeting_id: UUID, topic_id: UUID, actor: SignedIn) -> dict[str, Any]:
        done = await uc.close_vote(service, actor, meeting_id, topic_id)
        adopted = bool(getattr(done.events[0], "adopted", False))
        message = ("表决通过，形成决议", "adopted") if adopted else ("表决未获通过，可暂缓或撤销该议题", "not adopted")
        return {**await show(done), "adopted": adopted, "message_zh": message[0], "message_en": message[1]}

    @router.post("/meetings/{meeting_id}/topics/{topic_id}/deferral", summary="暂缓，退回调研 (chair)")
    async def defer(meeting_id: UUID, topic_id: UUID, body: ReasonBody, actor: SignedIn) -> dict[str, Any]:
        return await show(await uc.defer_topic(service, actor, meeting_id, topic_id, body.reason))

    @router.post("/meetings/{meeting_id}/topics/{topic_id}/dropping", summary="撤销议题 (chair)")
    async def drop(meeting_id: UUID, topic_id: UUID, body: ReasonBody, actor: SignedIn) -> dict[str, Any]:
        return await show(await uc.drop_topic(service, actor, meeting_id, topic_id, body.reason))

    @router.post("/meetings/{meeting_id}/closing", summary="闭会 (chair; every topic decided)")
    async def close_meeting(meeting_id: UUID, actor: SignedIn) -> dict[str, Any]:
        return await show(await uc.close_meeting(service, actor, meeting_id))

    router.include_router(documents_router(service))
    router.include_router(lists_router(service))
    return router
