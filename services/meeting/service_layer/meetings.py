"""Use cases of the meeting service that change a meeting: each a kit ``Change`` on the one
command path (load the meeting's stream → fold → check role and community → decide →
record the private facts with their public companions, deciding again after a lost race).

Members voting at the same moment write to the same stream: the command path decides a
lost race again on the fresh meeting, since every decision is a function of what it reads.
"""

from collections.abc import Callable, Sequence
from datetime import datetime
from uuid import UUID, uuid4

from yishi_contracts import Measure

from services.kit.auth import Actor, Role
from services.kit.commands import Change, Context, Decide, Executed
from services.kit.ports import Service
from services.kit.refusal import INVALID, NOT_FOUND, NOT_YOURS

from ..domain import (
    CONSULTATION_ROOM, EntryKind, Invitation, InviteParticipants, Meeting, MeetingRules, ScheduleMeeting, VoteChoice,
)
from ..domain import commands as c
from ..domain.invitations import numbered
from ..domain.public import with_public
from ..domain.refusals import refusal
from ..domain.roster import convening_members
from .ports import MeetingViews, stream_id

CHAIR = (Role.council_chair,)
RECORDERS = (Role.staff, Role.council_chair)
MEMBERS_AND_RECORDERS = (Role.staff, Role.council_chair, Role.council_member)

Done = Executed[Meeting]


def decided(meeting: Meeting, command: c.Command, now: datetime) -> list[object]:
    """The meeting's decision, with the public companions of its private facts."""
    return with_public(meeting.community_id, meeting.decide(command, now=now))


def on_meeting(meeting_id: UUID, command: Callable[[Meeting], c.Command], roles: tuple[Role, ...]
               ) -> Change[Meeting, MeetingViews]:
    """A change of an existing meeting; ``command`` builds the command from the meeting."""
    return existing_meeting(meeting_id, lambda meeting, ctx: decided(meeting, command(meeting), ctx.now), roles)


def existing_meeting(meeting_id: UUID, decide: Decide[Meeting, MeetingViews], roles: tuple[Role, ...]
                     ) -> Change[Meeting, MeetingViews]:
    """A change of an existing meeting, refused for a meeting never scheduled."""
    return Change(
        stream_id=stream_id(meeting_id),
        fold=Meeting.fold,
        missing=refusal("meeting_not_found", NOT_FOUND),
        community=lambda meeting: meeting.community_id,
        roles=roles,
        decide=decide,
    )


async def _run(service: Service[MeetingViews], actor: Actor, meeting_id: UUID,
               command: Callable[[Meeting], c.Command], roles: tuple[Role, ...]) -> Done:
    return await service.commands.execute(on_meeting(meeting_id, command, roles), actor)


async def schedule(
    service: Service[MeetingViews], actor: Actor, *, community_id: str, scheduled_for: datetime,
    agenda: Sequence[UUID], place: str = CONSULTATION_ROOM,
) -> Done:
    """召集会议 (chair): researched topics only; the council's roster and the topics' X are invited.

    The quorum and adoption are the community's settings in effect when the meeting is convened,
    and the meeting keeps them: the notice tells members and invitees what the meeting needs and
    what adopts, so a change of settings between the notice and the opening does not move the
    bar of a meeting already under way (a setting applies to what starts after it)."""
    meeting_id = uuid4()

    async def decide(meeting: Meeting, ctx: Context[MeetingViews]) -> list[object]:
        council = await ctx.views.roster(community_id)
        if council is None:
            raise refusal("no_council")
        fixed = convening_members(council.chair_id, council.members, scheduled_for.date())
        assert council.chair_id is not None  # convening_members refuses a council without its chair
        candidates = await ctx.views.candidates(community_id, agenda)
        convening = ScheduleMeeting(
            meeting_id=meeting_id, community_id=community_id, council_id=council.council_id,
            chair_id=council.chair_id, scheduled_for=scheduled_for, agenda=tuple(agenda), candidates=candidates,
            place=place, rules=MeetingRules.of(await ctx.views.rules(community_id, ctx.now)),
            chair_name=council.chair_name,
        )
        events = meeting.decide(convening, now=ctx.now)
        guests = numbered(Invitation(t, i.kind, i.description) for t in agenda for i in candidates[t].invitees)
        invitation = InviteParticipants(fixed, guests, council.named(fixed))
        events += meeting.apply_all(events).decide(invitation, now=ctx.now)
        return with_public(community_id, events)

    change = Change(stream_id(meeting_id), Meeting.fold, decide, community=community_id, roles=CHAIR,
                    correlation_id=uuid4())
    return await service.commands.execute(change, actor)


async def invite(service: Service[MeetingViews], actor: Actor, meeting_id: UUID,
                 fixed_members: Sequence[str] | None, invitees: Sequence[Invitation]) -> Done:
    """邀请: replace the fixed members if given; add invitees (X), numbered after the topic's earlier ones.

    The fixed members' names come from the community's roster as it is now."""

    async def decide(meeting: Meeting, ctx: Context[MeetingViews]) -> list[object]:
        members = frozenset(fixed_members) if fixed_members is not None else meeting.fixed_members
        council = await ctx.views.roster(meeting.community_id)
        named = council.named(members) if council is not None else ()
        return decided(meeting, InviteParticipants(members, numbered(invitees, meeting.guests.values()), named), ctx.now)

    return await service.commands.execute(existing_meeting(meeting_id, decide, RECORDERS), actor)


async def record_attendance(service: Service[MeetingViews], actor: Actor, meeting_id: UUID, person_id: str,
                            arrived: bool) -> Done:
    """签到/离场 (staff or the chair)."""
    command = c.RecordArrival(person_id) if arrived else c.RecordDeparture(person_id)
    return await _run(service, actor, meeting_id, lambda _: command, RECORDERS)


async def open_meeting(service: Service[MeetingViews], actor: Actor, meeting_id: UUID) -> Done:
    """宣布开会 (chair; needs a quorum)."""
    return await _run(service, actor, meeting_id, lambda _: c.OpenMeeting(), CHAIR)


async def record_minutes(service: Service[MeetingViews], actor: Actor, meeting_id: UUID, topic_id: UUID,
                         speaker_id: str, kind: EntryKind, text: str) -> Done:
    """会议记录 (staff or the chair): a statement, question, answer, debate or discussion."""
    entry = c.RecordMinutesEntry(topic_id, speaker_id, kind, text)
    return await _run(service, actor, meeting_id, lambda _: entry, RECORDERS)


def on_behalf(actor: Actor, member_id: str | None) -> str:
    """Whose vote or dissent: a member acts as themselves; staff or the chair record for a member."""
    if actor.has(Role.staff, Role.council_chair):
        if member_id:
            return member_id
        if actor.has(Role.staff):
            raise refusal("member_required", INVALID)
        return actor.id
    if member_id and member_id != actor.id:
        raise refusal("not_yourself", NOT_YOURS)
    return actor.id


async def record_dissent(service: Service[MeetingViews], actor: Actor, meeting_id: UUID, topic_id: UUID,
                         member_id: str | None, opinion: str) -> Done:
    """少数意见, by the member or recorded for them."""
    command = c.RecordDissent(topic_id, on_behalf(actor, member_id), opinion)
    return await _run(service, actor, meeting_id, lambda _: command, MEMBERS_AND_RECORDERS)


async def adopt_by_consensus(service: Service[MeetingViews], actor: Actor, meeting_id: UUID, topic_id: UUID,
                             text: str, measures: Sequence[Measure]) -> Done:
    """协商一致形成决议 (chair)."""
    resolution = c.AdoptByConsensus(topic_id, text, tuple(measures))
    return await _run(service, actor, meeting_id, lambda _: resolution, CHAIR)


async def open_vote(service: Service[MeetingViews], actor: Actor, meeting_id: UUID, topic_id: UUID, text: str,
                    measures: Sequence[Measure]) -> Done:
    """付诸表决 (chair): the draft resolution on a topic is put to the vote."""
    motion = c.OpenVote(topic_id, text, tuple(measures))
    return await _run(service, actor, meeting_id, lambda _: motion, CHAIR)


async def cast_vote(service: Service[MeetingViews], actor: Actor, meeting_id: UUID, topic_id: UUID,
                    member_id: str | None, choice: VoteChoice) -> Done:
    """投票: a member as themselves, or a show of hands recorded by staff or the chair."""
    command = c.CastVote(topic_id, on_behalf(actor, member_id), choice)
    return await _run(service, actor, meeting_id, lambda _: command, MEMBERS_AND_RECORDERS)


async def close_vote(service: Service[MeetingViews], actor: Actor, meeting_id: UUID, topic_id: UUID) -> Done:
    """计票并宣布结果 (chair); adopted, the resolution is published."""
    return await _run(service, actor, meeting_id, lambda _: c.CloseVote(topic_id), CHAIR)


async def defer_topic(service: Service[MeetingViews], actor: Actor, meeting_id: UUID, topic_id: UUID,
                      reason: str) -> Done:
    """暂缓，退回调研 (chair): TopicDeferred is published and the topic needs new research."""
    return await _run(service, actor, meeting_id, lambda _: c.DeferTopic(topic_id, reason), CHAIR)


async def drop_topic(service: Service[MeetingViews], actor: Actor, meeting_id: UUID, topic_id: UUID,
                     reason: str) -> Done:
    """撤销议题 (chair)."""
    return await _run(service, actor, meeting_id, lambda _: c.DropTopic(topic_id, reason), CHAIR)


async def close_meeting(service: Service[MeetingViews], actor: Actor, meeting_id: UUID) -> Done:
    """闭会 (chair; every agenda topic decided)."""
    return await _run(service, actor, meeting_id, lambda _: c.CloseMeeting(), CHAIR)
