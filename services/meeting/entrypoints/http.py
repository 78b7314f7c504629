"""Meeting's HTTP API (组织协商): rules, scheduling, invitations, attendance, minutes, decisions.

Every command needs a staff token; the actor's community must be the meeting's. The chair
convenes and presides; staff record attendance and minutes; members vote as themselves
(or staff/the chair record a show of hands).
"""

from fractions import Fraction
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends
from yishi_contracts import CommunityId

from services.kit.auth import Actor, Role, require
from services.kit.errors import Refusal

from ..adapters import views
from ..domain import commands as c
from ..domain.rules import MeetingRules
from ..service_layer import meetings as uc
from ..service_layer.reading import describe
from .models import (
    AgendaCandidate, AttendanceBody, DissentBody, InvitationsBody, MinutesBody, ReasonBody, ResolutionBody, RulesBody,
    ScheduleBody, VoteBody,
)

Chair = Annotated[Actor, Depends(require(Role.council_chair))]
Recorder = Annotated[Actor, Depends(require(Role.staff, Role.council_chair))]
Member = Annotated[Actor, Depends(require(Role.staff, Role.council_chair, Role.council_member))]
Reader = Annotated[Actor, Depends(require(*Role))]


def _on_behalf(actor: Actor, member_id: str | None) -> str:
    """Whose vote or dissent: a member acts as themselves; staff or the chair record for a member."""
    if actor.has(Role.staff, Role.council_chair):
        if member_id:
            return member_id
        if actor.has(Role.staff):
            raise Refusal(422, "member_required", "请注明是哪位成员", "name the member (member_id)")
        return actor.id
    if member_id and member_id != actor.id:
        raise Refusal(403, "not_yourself", "成员只能以本人身份表决或发表意见", "a member votes and speaks only as themselves")
    return actor.id


def meeting_router(runtime: Any) -> APIRouter:
    router = APIRouter(tags=["meeting"])

    async def show(outcome: uc.Outcome, **extra: Any) -> dict[str, Any]:
        async with runtime.pool.acquire() as conn:
            titles = await views.titles(conn, list(outcome.meeting.topics))
        return {**describe(outcome.meeting, outcome.history, titles), **extra}

    async def run(actor: Actor, meeting_id: UUID, build: Any, **extra: Any) -> dict[str, Any]:
        return await show(await uc.act(runtime, actor, meeting_id, build), **extra)

    @router.get("/communities/{community_id}/ready-for-agenda", response_model=list[AgendaCandidate],
                summary="Researched topics that a meeting may take up (已完成议前调研)")
    async def ready(community_id: CommunityId) -> list[AgendaCandidate]:
        async with runtime.pool.acquire() as conn:
            rows = await views.ready(conn, community_id)
        return [AgendaCandidate(**dict(r)) for r in rows]

    @router.get("/communities/{community_id}/roster", summary="The council's fixed members and chair (1+7)")
    async def roster(community_id: CommunityId, actor: Reader) -> dict[str, Any]:
        actor.ensure_community(community_id)
        async with runtime.pool.acquire() as conn:
            council = await views.roster(conn, community_id)
        if council is None:
            raise Refusal(404, "no_council", "尚未收到本社区协商议事会的组成名单", "no council roster for this community yet")
        return {"council_id": council.council_id, "chair_id": council.chair_id, "chair_name": council.chair_name,
                "fixed_members": council.raw_members, "changed_at": council.changed_at}

    @router.get("/communities/{community_id}/meeting-rules", summary="议事规则: quorum and adoption, as n/d")
    async def get_rules(community_id: CommunityId, actor: Reader) -> dict[str, Any]:
        actor.ensure_community(community_id)
        async with runtime.pool.acquire() as conn:
            rules = await views.rules(conn, community_id)
        return {"quorum": views.fraction_text(rules.quorum), "adoption": views.fraction_text(rules.adoption),
                "abstentions_count_as_present": rules.abstentions_count_as_present}

    @router.put("/communities/{community_id}/meeting-rules", summary="Set the community's 议事规则 (chair)")
    async def put_rules(community_id: CommunityId, body: RulesBody, actor: Chair) -> dict[str, Any]:
        actor.ensure_community(community_id)
        try:
            rules = MeetingRules(Fraction(body.quorum), Fraction(body.adoption), body.abstentions_count_as_present)
        except ValueError as exc:
            raise Refusal(422, "invalid_rules", "法定人数须在 (0, 1]，通过比例须在 [0, 1)", str(exc)) from exc
        async with runtime.pool.acquire() as conn:
            await views.save_rules(conn, community_id, rules, actor.id, runtime.clock.now())
        return {"community_id": community_id, **body.model_dump()}

    @router.get("/communities/{community_id}/meetings", summary="The community's meetings, newest first")
    async def list_meetings(community_id: CommunityId, actor: Reader) -> list[dict[str, Any]]:
        actor.ensure_community(community_id)
        async with runtime.pool.acquire() as conn:
            return [dict(r) for r in await views.meetings(conn, community_id)]

    @router.post("/meetings", status_code=201, summary="召集会议 (chair): researched topics only")
    async def schedule(body: ScheduleBody, actor: Chair) -> dict[str, Any]:
        outcome = await uc.schedule(runtime, actor, community_id=body.community_id, scheduled_for=body.scheduled_for,
                                    agenda=body.agenda, place=body.place)
        return await show(outcome)

    @router.get("/meetings/{meeting_id}", summary="Agenda, attendance and quorum, minutes, votes, outcomes")
    async def get_meeting(meeting_id: UUID, actor: Reader) -> dict[str, Any]:
        async with runtime.pool.acquire() as conn:
            meeting, events, _ = await uc.load(conn, runtime, meeting_id)
            assert meeting.scheduled is not None
            actor.ensure_community(meeting.scheduled.community_id)
            titles = await views.titles(conn, list(meeting.topics))
        return describe(meeting, events, titles)

    @router.post("/meetings/{meeting_id}/invitations", summary="邀请: fixed members and invitees (X)")
    async def invite(meeting_id: UUID, body: InvitationsBody, actor: Recorder) -> dict[str, Any]:
        invitees = [i.model_dump() for i in body.invitees]
        return await run(actor, meeting_id, lambda m: uc.invitation(m, body.fixed_members, invitees))

    @router.post("/meetings/{meeting_id}/attendance", summary="签到/离场 (staff or chair)")
    async def attendance(meeting_id: UUID, body: AttendanceBody, actor: Recorder) -> dict[str, Any]:
        kind = c.RecordArrival if body.movement == "arrived" else c.RecordDeparture
        return await run(actor, meeting_id, lambda _: kind(body.person_id))

    @router.post("/meetings/{meeting_id}/opening", summary="宣布开会 (chair; needs a quorum)")
    async def open_meeting(meeting_id: UUID, actor: Chair) -> dict[str, Any]:
        return await run(actor, meeting_id, lambda _: c.OpenMeeting())

    @router.post("/meetings/{meeting_id}/minutes", summary="会议记录: statement, question, answer, debate")
    async def minutes(meeting_id: UUID, body: MinutesBody, actor: Recorder) -> dict[str, Any]:
        return await run(actor, meeting_id,
                         lambda _: c.RecordMinutesEntry(body.topic_id, body.speaker_id, body.kind, body.text))

    @router.post("/meetings/{meeting_id}/topics/{topic_id}/dissent", summary="少数意见")
    async def dissent(meeting_id: UUID, topic_id: UUID, body: DissentBody, actor: Member) -> dict[str, Any]:
        member = _on_behalf(actor, body.member_id)
        return await run(actor, meeting_id, lambda _: c.RecordDissent(topic_id, member, body.opinion))

    @router.post("/meetings/{meeting_id}/topics/{topic_id}/consensus", summary="协商一致形成决议 (chair)")
    async def consensus(meeting_id: UUID, topic_id: UUID, body: ResolutionBody, actor: Chair) -> dict[str, Any]:
        return await run(actor, meeting_id, lambda _: c.AdoptByConsensus(topic_id, body.text, tuple(body.measures)))

    @router.post("/meetings/{meeting_id}/topics/{topic_id}/vote", summary="付诸表决 (chair)")
    async def open_vote(meeting_id: UUID, topic_id: UUID, body: ResolutionBody, actor: Chair) -> dict[str, Any]:
        return await run(actor, meeting_id, lambda _: c.OpenVote(topic_id, body.text, tuple(body.measures)))

    @router.post("/meetings/{meeting_id}/topics/{topic_id}/votes", summary="投票: a member, or a recorded show of hands")
    async def cast(meeting_id: UUID, topic_id: UUID, body: VoteBody, actor: Member) -> dict[str, Any]:
        member = _on_behalf(actor, body.member_id)
        return await run(actor, meeting_id, lambda _: c.CastVote(topic_id, member, body.choice))

    @router.post("/meetings/{meeting_id}/topics/{topic_id}/vote/closing", summary="计票并宣布结果 (chair)")
    async def close_vote(meeting_id: UUID, topic_id: UUID, actor: Chair) -> dict[str, Any]:
        outcome = await uc.act(runtime, actor, meeting_id, lambda _: c.CloseVote(topic_id))
        closed = outcome.events[0]
        adopted = bool(getattr(closed, "adopted", False))
        message = ("表决通过，形成决议", "adopted") if adopted else ("表决未获通过，可暂缓或撤销该议题", "not adopted")
        return await show(outcome, adopted=adopted, message_zh=message[0], message_en=message[1])

    @router.post("/meetings/{meeting_id}/topics/{topic_id}/deferral", summary="暂缓，退回调研 (chair)")
    async def defer(meeting_id: UUID, topic_id: UUID, body: ReasonBody, actor: Chair) -> dict[str, Any]:
        return await run(actor, meeting_id, lambda _: c.DeferTopic(topic_id, body.reason))

    @router.post("/meetings/{meeting_id}/topics/{topic_id}/dropping", summary="撤销议题 (chair)")
    async def drop(meeting_id: UUID, topic_id: UUID, body: ReasonBody, actor: Chair) -> dict[str, Any]:
        return await run(actor, meeting_id, lambda _: c.DropTopic(topic_id, body.reason))

    @router.post("/meetings/{meeting_id}/closing", summary="闭会 (chair; every topic decided)")
    async def close_meeting(meeting_id: UUID, actor: Chair) -> dict[str, Any]:
        return await run(actor, meeting_id, lambda _: c.CloseMeeting())

    return router
